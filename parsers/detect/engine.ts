/**
 * The offline YARA-L 2.0 evaluation engine (reference §11): compile a parsed rule, then run
 * compiled rules over UDM events to get detections in a deterministic order.
 *
 * Choices where Google documents nothing, so results never depend on chance:
 * - hop windows are every [t, t + D] anchored at an event time of the group, sliding windows
 *   [t_p, t_p + D] / [t_p − D, t_p]; bounds are inclusive;
 * - one event never fills two event variables of one tuple;
 * - a key fires again only when a window adds an event not yet reported for it;
 * - `array`/`array_distinct` are sorted and cut to 25; `$risk_score` defaults to 40;
 * - `$a or $b` in condition outer-joins both, so either alone can fire;
 * - in outcomes a field is every element of its event, and an absent field adds no value.
 */

import type { Rule } from '../yaral/ast';
import { planRule, type VariablePlan } from './analyze';
import { passesEventFilters } from './candidates';
import { checkForEngine } from './compile';
import type { FieldAccess } from './fields';
import { zeroValues } from './group';
import { type CompiledRule, type RuleRun, singleEventRun } from './run';
import { DetectionStream } from './stream';
import type { Detection, EngineDiagnostic, UdmEvent } from './types';
import { windowRun } from './windows';

export type { Detection, EngineDiagnostic, UdmEvent } from './types';
export { loadReferenceLists, parseListText } from './lists';

export interface EngineOptions {
  /** Reference lists by name (`%name`); see loadReferenceLists. */
  lists?: Map<string, string[]>;
  /** "Now" for timestamp.current_seconds, so runs are reproducible. */
  now?: Date;
  /**
   * Judge every window from its tuples, never from each variable's events alone (see
   * separable.ts): the slower reference path, which tests hold the fast one to.
   */
  tuplesOnly?: boolean;
}

export class RuleEvaluator {
  constructor(private readonly compiled: CompiledRule) {}

  get rule(): Rule {
    return this.compiled.rule;
  }

  /** Every field of an event the rule reads. */
  get fieldsRead(): FieldAccess[] {
    return this.compiled.accesses;
  }

  /** The rule's event variables. */
  get variables(): readonly VariablePlan[] {
    return this.compiled.plan.variables;
  }

  /** Whether the event passes the filters of one of the rule's variables that every copy has. */
  passes(event: UdmEvent, variable: VariablePlan): boolean {
    return passesEventFilters(event, variable, this.compiled.env);
  }

  /** A fresh evaluation state for one pass over time-ordered events. */
  start(): RuleRun {
    return this.compiled.window ? windowRun(this.compiled) : singleEventRun(this.compiled);
  }
}

function allowZeroValues(rule: Rule): boolean {
  const o = rule.options.find((x) => x.key === 'allow_zero_values');
  return o?.value.kind === 'bool' && o.value.value;
}

export function compileRule(
  rule: Rule,
  options: EngineOptions = {},
): { evaluator?: RuleEvaluator; diagnostics: EngineDiagnostic[] } {
  const lists = options.lists ?? new Map<string, string[]>();
  const { fields, accesses, diagnostics } = checkForEngine(rule, lists);
  if (diagnostics.length) return { diagnostics };
  const env = { fields, lists, now: options.now ?? new Date() };
  const plan = planRule(rule, fields);
  const compiled: CompiledRule = {
    rule,
    plan,
    env,
    accesses,
    matchVars: rule.match?.variables.map((v) => v.name) ?? [],
    window: rule.match?.window,
    zeros: allowZeroValues(rule) ? undefined : zeroValues(plan),
    tuplesOnly: options.tuplesOnly,
  };
  return { evaluator: new RuleEvaluator(compiled), diagnostics };
}

/**
 * Every detection of `rules` over `events`, which may come in any order (all are held and
 * sorted), ordered by time, then rule name, then emission. `udm detect` streams instead.
 */
export function detect(rules: RuleEvaluator[], events: Iterable<UdmEvent>): Detection[] {
  const stream = new DetectionStream(rules, { capacity: Infinity });
  const found: Detection[] = [];
  for (const event of events) found.push(...stream.push(event).detections);
  found.push(...stream.finish());
  return sortDetections(found);
}

/** Detections by time, then rule name, then the order they were found in. */
export function sortDetections(detections: Detection[]): Detection[] {
  const keyed = detections.map((d, n) => ({ d, t: Date.parse(d.time) || 0, n }));
  keyed.sort((a, b) => a.t - b.t || compareText(a.d.rule, b.d.rule) || a.n - b.n);
  return keyed.map((x) => x.d);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
