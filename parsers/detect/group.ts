/**
 * Steps 4.1, 4.2 and 4.6 of §11.2: tuples grouped by match values (zero values dropped), then
 * per group the counts, the outcomes and the condition.
 */

import type { ExprOf, Rule } from '../yaral/ast';
import type { Plan } from './analyze';
import { truthy } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { zeroValue } from './fields';
import { Outcomes } from './outcome';
import type { Tuple } from './tuples';
import type { Candidate, Scalar, Value } from './types';

export interface Group {
  key: string;
  match: Record<string, Scalar>;
  tuples: Tuple[];
}

export interface Verdict {
  outcome: Record<string, Value>;
  /** Distinct events per variable, in time order. */
  events: Map<string, Candidate[]>;
}

/** Match placeholders whose zero value is dropped: those bound from a field (§4). */
export function zeroValues(plan: Plan): Map<string, Scalar> {
  const zeros = new Map<string, Scalar>();
  for (const v of plan.variables) {
    for (const b of v.bindings) {
      if (!b.fromField) continue;
      zeros.set(b.placeholder, zeroValue(b.fromField));
    }
  }
  return zeros;
}

/**
 * The group key of match values: undefined when a match variable is unbound, null when one holds
 * its zero value (such tuples are dropped).
 */
export function groupKey(
  placeholders: Record<string, Scalar>,
  matchVars: string[],
  zeros: Map<string, Scalar> | undefined,
): string | null | undefined {
  const values = matchVars.map((m) => placeholders[m]);
  if (values.some((v) => v === undefined)) return undefined;
  if (zeros && values.some((v, i) => zeros.has(matchVars[i]) && zeros.get(matchVars[i]) === v)) {
    return null;
  }
  return JSON.stringify(values);
}

export function groupTuples(
  tuples: Tuple[],
  matchVars: string[],
  zeros: Map<string, Scalar> | undefined,
): Group[] {
  const groups = new Map<string, Group>();
  for (const t of tuples) {
    const key = groupKey(t.placeholders, matchVars, zeros);
    if (!key) continue;
    let g = groups.get(key);
    if (!g) {
      const match = Object.fromEntries(matchVars.map((m) => [m, t.placeholders[m]]));
      groups.set(key, (g = { key, match, tuples: [] }));
    }
    g.tuples.push(t);
  }
  return [...groups.values()];
}

function distinctEvents(tuples: Tuple[], variable: string): Candidate[] {
  const bySeq = new Map<number, Candidate>();
  for (const t of tuples) {
    const m = t.members.get(variable);
    if (m) bySeq.set(m.cand.seq, m.cand);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * Outcomes and condition of one group; undefined when the condition does not hold or `wanted`
 * declines the group (a key already reported), before the outcomes the condition does not read
 * are computed.
 */
export function judge(
  rule: Rule,
  plan: Plan,
  tuples: Tuple[],
  env: Env,
  wanted: () => boolean = () => true,
  tuplesFor?: (e: ExprOf<'aggregate'>) => Tuple[],
): Verdict | undefined {
  const events = new Map(plan.variables.map((v) => [v.name, distinctEvents(tuples, v.name)]));
  // A detection needs an event to stand on; a condition of absences alone cannot give one.
  if (![...events.values()].some((list) => list.length)) return undefined;
  const outcomes = new Outcomes(rule.outcome, tuples, env, tuplesFor);
  const scope: Scope = {
    field: () => '',
    all: () => [],
    variable: (name) =>
      events.has(name) ? events.get(name)!.length > 0 : (outcomes.value(name) ?? ''),
    count: (name) => {
      if (events.has(name)) return events.get(name)!.length;
      const values = tuples.map((t) => t.placeholders[name]).filter((v) => v !== undefined);
      return new Set(values.map((v) => `${typeof v}:${v}`)).size;
    },
    aggregate: () => {
      throw new Error('aggregation in condition');
    },
  };
  if (!rule.condition || !truthy(evaluate(rule.condition, scope, env))) return undefined;
  if (!wanted()) return undefined;
  return { outcome: outcomes.all(), events };
}
