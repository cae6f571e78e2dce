/**
 * Streaming evaluation of one rule over time-ordered events (§11.2 steps 3–5). A rule with
 * `match` keeps, per event variable, only the candidates that a still-open window can contain,
 * so memory is bounded by the match window rather than by the input.
 */

import type { Rule, Window } from '../yaral/ast';
import type { Plan, VariablePlan } from './analyze';
import { candidateRows } from './candidates';
import type { Env } from './expr';
import type { FieldAccess } from './fields';
import { judge, type Verdict } from './group';
import { buildTuples } from './tuples';
import type { Candidate, Detection, Scalar, UdmEvent } from './types';

export interface Input {
  event: UdmEvent;
  /**
   * The variables whose event filters the event passed, when they were tested before it was
   * buffered (see DetectionStream); the others cannot take it, and its projected copy may lack
   * the fields they read.
   */
  screened?: ReadonlySet<VariablePlan>;
  /** Unix seconds, fractional. */
  time: number;
  seq: number;
  id: string;
  timestamp: string;
}

export interface CompiledRule {
  rule: Rule;
  plan: Plan;
  env: Env;
  accesses: FieldAccess[];
  matchVars: string[];
  window?: Window;
  /** Zero values to drop per match placeholder; undefined with allow_zero_values. */
  zeros?: Map<string, Scalar>;
  /** See EngineOptions.tuplesOnly. */
  tuplesOnly?: boolean;
}

export interface RuleRun {
  push(input: Input): Detection[];
  finish(): Detection[];
  /** Candidates held for open windows: bounded by the match window, not by the input. */
  buffered(): number;
}

export function isoSeconds(t: number): string {
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

/** Shared by every event no variable takes (most events, for most rules): never written. */
const NONE: ReadonlyMap<string, Candidate> = new Map();

export function candidates(c: CompiledRule, input: Input): ReadonlyMap<string, Candidate> {
  let out: Map<string, Candidate> | undefined;
  const { screened } = input;
  for (const v of c.plan.variables) {
    if (screened && !screened.has(v)) continue;
    const rows = candidateRows(input.event, v, c.env, screened !== undefined);
    if (rows.length) (out ??= new Map()).set(v.name, { ...input, rows });
  }
  return out ?? NONE;
}

export function toDetection(
  c: CompiledRule,
  verdict: Verdict,
  match: Record<string, Scalar>,
  window?: { start: number; end: number },
): Detection {
  const all = [...verdict.events.values()].flat();
  const latest = all.reduce((a, b) =>
    b.time > a.time || (b.time === a.time && b.seq > a.seq) ? b : a,
  );
  const events = Object.fromEntries(
    [...verdict.events].map(([name, cands]) => [name, cands.map((x) => x.id)]),
  );
  const d: Detection = {
    rule: c.rule.name,
    time: latest.timestamp,
    match,
    outcome: verdict.outcome,
    events,
  };
  if (window) d.window = { start: isoSeconds(window.start), end: isoSeconds(window.end) };
  return d;
}

/** A rule without `match`: one detection per event, however many copies matched. */
export function singleEventRun(c: CompiledRule): RuleRun {
  return {
    push(input) {
      const found = candidates(c, input);
      if (!found.size) return [];
      const cands = new Map([...found].map(([k, v]) => [k, [v]]));
      const tuples = buildTuples(c.plan, cands, c.env);
      if (!tuples.length) return [];
      const verdict = judge(c.rule, c.plan, tuples, c.env);
      return verdict ? [toDetection(c, verdict, {})] : [];
    },
    finish: () => [],
    buffered: () => 0,
  };
}
