/** Step 2 of §11.2: tuples of candidates that satisfy every join; optional ones outer-joined. */

import type { Plan, TuplePredicate, VariablePlan } from './analyze';
import { truthy } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { readAll, readOne, zeroValue } from './fields';
import type { Candidate, Row, Scalar } from './types';

export interface Member {
  cand: Candidate;
  row: Row;
}

export interface Tuple {
  /** null: an optional variable with no joining event. */
  members: Map<string, Member | null>;
  placeholders: Record<string, Scalar>;
}

/**
 * A guard against combinatorial blow-up in one window, for rules whose outcomes need every
 * combination of events (a sum over two variables, say); production samples too. A detection
 * built from a window that reached it says so (see windows.ts).
 */
export const MAX_TUPLES = 10_000;

export function tupleScope(t: Tuple): Scope {
  return {
    field: (access) => {
      const m = t.members.get(access.variable);
      return m ? readOne(m.cand.event, access, m.row.copy) : zeroValue(access);
    },
    all: (access) => {
      const m = t.members.get(access.variable);
      return m ? readAll(m.cand.event, access) : [zeroValue(access)];
    },
    variable: (name) => t.placeholders[name] ?? '',
    count: () => 0,
    aggregate: () => {
      throw new Error('aggregation in events');
    },
  };
}

function merge(a: Record<string, Scalar>, b: Record<string, Scalar>) {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k in out && out[k] !== v) return undefined;
    out[k] = v;
  }
  return out;
}

/** The join step after which a predicate can be tested: its variables and placeholders are set. */
function readyStep(p: TuplePredicate, order: VariablePlan[]): number {
  const steps = [
    ...p.variables.map((v) => order.findIndex((o) => o.name === v)),
    ...p.placeholders.map((ph) => {
      const at = order.findIndex((o) => o.bindings.some((b) => b.placeholder === ph));
      return at < 0 ? order.length - 1 : at;
    }),
  ];
  return Math.max(0, ...steps);
}

/** A predicate over an absent variable or an unbound placeholder does not constrain the tuple. */
function holds(p: TuplePredicate, t: Tuple, env: Env): boolean {
  if (p.variables.some((v) => !t.members.get(v))) return true;
  if (p.placeholders.some((ph) => !(ph in t.placeholders))) return true;
  return truthy(evaluate(p.expr, tupleScope(t), env));
}

/**
 * The members a variable can contribute, indexed by the placeholders it shares with earlier
 * variables, so a join looks up the rows that agree on all of them instead of scanning every
 * candidate: two variables joined on a key and a principal meet only their own pairs.
 */
class Source {
  readonly all: Member[];
  private readonly byValue = new Map<string, Member[]>();
  private readonly indexed: boolean;

  constructor(
    cands: Candidate[],
    readonly joinOn: string[],
  ) {
    this.all = cands.flatMap((cand) => cand.rows.map((row) => ({ cand, row })));
    // Every row binds all its variable's placeholders (bind sets each), so every row has a key.
    const keys = this.all.map((m) => joinKey(m.row.placeholders, joinOn));
    this.indexed = joinOn.length > 0 && keys.every((k) => k !== undefined);
    if (!this.indexed) return;
    this.all.forEach((m, i) => {
      const list = this.byValue.get(keys[i]!);
      if (list) list.push(m);
      else this.byValue.set(keys[i]!, [m]);
    });
  }

  /** The members that can join a partial tuple: all of them when it leaves a join key free. */
  members(placeholders: Record<string, Scalar>): Member[] {
    if (!this.indexed) return this.all;
    const key = joinKey(placeholders, this.joinOn);
    return key === undefined ? this.all : (this.byValue.get(key) ?? []);
  }
}

/** The values of `names` as one text, or undefined when one of them is unbound. */
function joinKey(placeholders: Record<string, Scalar>, names: string[]): string | undefined {
  let key = '';
  for (const name of names) {
    if (!(name in placeholders)) return undefined;
    const v = placeholders[name];
    key += `${typeof v}:${String(v)}\u0000`;
  }
  return key;
}

/** The members variable `i` of `order` can contribute, indexed by what it shares with earlier. */
function source(order: VariablePlan[], i: number, cands: Candidate[]): Source {
  const earlier = new Set(order.slice(0, i).flatMap((o) => o.bindings.map((b) => b.placeholder)));
  const shared = [...new Set(order[i].bindings.map((b) => b.placeholder))].filter((ph) =>
    earlier.has(ph),
  );
  return new Source(cands, shared);
}

/** The variables in the order tuples are built: required ones first. */
function buildOrder(plan: Plan): VariablePlan[] {
  return [
    ...plan.variables.filter((v) => !plan.optional.has(v.name)),
    ...plan.variables.filter((v) => plan.optional.has(v.name)),
  ];
}

/**
 * Every tuple of the candidates, in the order of the candidates' rows, variable by variable.
 * With `isNew`, only the tuples holding at least one new candidate: the last variable takes
 * only new ones when the earlier ones took none (see tuplesSince). Not with optional variables.
 */
export function buildTuples(
  plan: Plan,
  cands: Map<string, Candidate[]>,
  env: Env,
  isNew?: (cand: Candidate) => boolean,
): Tuple[] {
  const order = buildOrder(plan);
  const at = order.map((_, i) => plan.tuplePredicates.filter((p) => readyStep(p, order) === i));
  const from = order.map((v, i) => source(order, i, cands.get(v.name) ?? []));
  const last = order.length - 1;
  const fresh = isNew && source(order, last, (cands.get(order[last].name) ?? []).filter(isNew));
  const out: Tuple[] = [];
  const extend = (i: number, t: Tuple, used: Set<number>, hasNew: boolean): void => {
    if (out.length >= MAX_TUPLES) return;
    if (i === order.length) return void ((hasNew || !isNew) && out.push(t));
    const name = order[i].name;
    let joined = false;
    const members = fresh && !hasNew && i === last ? fresh : from[i];
    for (const { cand, row } of members.members(t.placeholders)) {
      // One event never fills two variables of a tuple (§11.3, our documented choice).
      if (used.has(cand.seq)) continue;
      const placeholders = merge(t.placeholders, row.placeholders);
      if (!placeholders) continue;
      const next = { members: new Map(t.members).set(name, { cand, row }), placeholders };
      if (!at[i].every((p) => holds(p, next, env))) continue;
      joined = true;
      extend(i + 1, next, new Set(used).add(cand.seq), hasNew || (isNew?.(cand) ?? false));
    }
    if (!joined && plan.optional.has(name)) {
      extend(i + 1, { ...t, members: new Map(t.members).set(name, null) }, used, hasNew);
    }
  };
  extend(0, { members: new Map(), placeholders: {} }, new Set(), false);
  return out;
}

/** What a key's window was last judged from: its tuples and the events it held. */
export interface TupleMemo {
  last?: { tuples: Tuple[]; seqs: Set<number> };
}

/** Tuples kept for the next window of a key; a window with more builds its tuples anew. */
const MEMO_TUPLES = 256;

/**
 * The tuples of a key's window, built from those of its previous window: windows of a key
 * overlap, and a tuple of events that were all in the previous window was among its tuples, so
 * only tuples holding an event that entered since are built (a pair of variables costs the
 * entered events times the window's, not the window's squared). The result is what
 * buildTuples gives, in its order. A predicate joining two variables of a busy key
 * (`$a.principal.ip != $b.principal.ip` over one principal's thousands of calls) needs this.
 */
export function tuplesSince(
  plan: Plan,
  cands: Map<string, Candidate[]>,
  env: Env,
  memo: TupleMemo,
): Tuple[] {
  // An event can be a candidate of two variables, with other rows in each.
  const current = new Map<string, Map<number, Candidate>>();
  for (const [name, list] of cands) current.set(name, new Map(list.map((c) => [c.seq, c])));
  const last = memo.last;
  let tuples: Tuple[] | undefined;
  if (last && plan.optional.size === 0) {
    const fresh = buildTuples(plan, cands, env, (cand) => !last.seqs.has(cand.seq));
    if (fresh.length < MAX_TUPLES) {
      const kept = stillInside(last.tuples, current);
      tuples = inBuildOrder([...kept, ...fresh], plan, cands).slice(0, MAX_TUPLES);
    }
  }
  tuples ??= buildTuples(plan, cands, env);
  const seqs = new Set([...current.values()].flatMap((byVariable) => [...byVariable.keys()]));
  memo.last = tuples.length <= MEMO_TUPLES ? { tuples, seqs } : undefined;
  return tuples;
}

/** The tuples whose events are all still candidates, remade with the current candidates. */
function stillInside(tuples: Tuple[], current: Map<string, Map<number, Candidate>>): Tuple[] {
  const out: Tuple[] = [];
  for (const t of tuples) {
    const members = new Map<string, Member | null>();
    for (const [name, m] of t.members) {
      const cand = m && current.get(name)?.get(m.cand.seq);
      if (!cand || !cand.rows.includes(m.row)) break;
      members.set(name, { cand, row: m.row });
    }
    if (members.size === t.members.size) out.push({ members, placeholders: t.placeholders });
  }
  return out;
}

/** Tuples sorted as buildTuples makes them: by the place of each variable's row, in order. */
function inBuildOrder(tuples: Tuple[], plan: Plan, cands: Map<string, Candidate[]>): Tuple[] {
  const order = buildOrder(plan).map((v) => v.name);
  const places = order.map((name) => {
    const place = new Map<Row, number>();
    for (const cand of cands.get(name) ?? [])
      for (const row of cand.rows) place.set(row, place.size);
    return place;
  });
  const place = (t: Tuple, i: number) => places[i].get(t.members.get(order[i])!.row)!;
  return tuples.sort((a, b) => {
    for (let i = 0; i < order.length; i++) {
      const d = place(a, i) - place(b, i);
      if (d) return d;
    }
    return 0;
  });
}
