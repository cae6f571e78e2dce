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
import { planRule } from './analyze';
import { checkForEngine } from './compile';
import { zeroValues } from './group';
import { type CompiledRule, type Input, type RuleRun, singleEventRun } from './run';
import type { Detection, EngineDiagnostic, UdmEvent } from './types';
import { windowRun } from './windows';

export type { Detection, EngineDiagnostic, UdmEvent } from './types';
export { loadReferenceLists, parseListText } from './lists';

export interface EngineOptions {
  /** Reference lists by name (`%name`); see loadReferenceLists. */
  lists?: Map<string, string[]>;
  /** "Now" for timestamp.current_seconds, so runs are reproducible. */
  now?: Date;
}

export class RuleEvaluator {
  constructor(private readonly compiled: CompiledRule) {}

  get rule(): Rule {
    return this.compiled.rule;
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
  const { fields, diagnostics } = checkForEngine(rule, lists);
  if (diagnostics.length) return { diagnostics };
  const env = { fields, lists, now: options.now ?? new Date() };
  const plan = planRule(rule, fields);
  const compiled: CompiledRule = {
    rule,
    plan,
    env,
    matchVars: rule.match?.variables.map((v) => v.name) ?? [],
    window: rule.match?.window,
    zeros: allowZeroValues(rule) ? undefined : zeroValues(plan),
  };
  return { evaluator: new RuleEvaluator(compiled), diagnostics };
}

function eventTime(event: UdmEvent): { time: number; timestamp: string } {
  const ts = (event.metadata as { eventTimestamp?: unknown } | undefined)?.eventTimestamp;
  const ms = typeof ts === 'string' ? Date.parse(ts) : NaN;
  // The mapping rejects events without a time; any that slip through sort first, at the epoch.
  if (Number.isNaN(ms)) return { time: 0, timestamp: '1970-01-01T00:00:00Z' };
  return { time: ms / 1000, timestamp: ts as string };
}

function logId(event: UdmEvent, seq: number): string {
  const m = event.metadata as { productLogId?: unknown; id?: unknown } | undefined;
  const id = m?.productLogId ?? m?.id;
  // Events without an id still need a distinct name in the detection: their input position.
  return typeof id === 'string' && id !== '' ? id : `#${seq}`;
}

/** Events in time order; ties keep input order (Array.prototype.sort is stable). */
function inputs(events: Iterable<UdmEvent>): Input[] {
  const timed = [...events].map((event, i) => ({ event, i, ...eventTime(event) }));
  timed.sort((a, b) => a.time - b.time);
  return timed.map((x, seq) => ({ ...x, seq, id: logId(x.event, x.i) }));
}

/** Every detection of `rules` over `events`, ordered by time, then rule name, then emission. */
export function detect(rules: RuleEvaluator[], events: Iterable<UdmEvent>): Detection[] {
  const runs = rules.map((r) => r.start());
  const found: { d: Detection; t: number; n: number }[] = [];
  const add = (ds: Detection[]) =>
    ds.forEach((d) => found.push({ d, t: Date.parse(d.time) || 0, n: found.length }));
  for (const input of inputs(events)) runs.forEach((run) => add(run.push(input)));
  runs.forEach((run) => add(run.finish()));
  found.sort((a, b) => a.t - b.t || compareText(a.d.rule, b.d.rule) || a.n - b.n);
  return found.map((x) => x.d);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
