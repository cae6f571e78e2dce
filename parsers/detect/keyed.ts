/**
 * The members of one match key, per event variable and in time order, with the condition's
 * running aggregates over those inside the window last judged. Windows of one rule all last D
 * and are judged in order of their end, so their starts never go back: each member enters the
 * running window once and leaves it once, and judging a window costs what changed since the
 * key's previous one, not what the window holds.
 */

import type { Expr } from '../yaral/ast';
import { truthy } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { memberValues } from './outcome';
import type { KeyedPlan, RunningOutcome } from './separable';
import type { TupleMemo } from './tuples';
import type { Candidate, Row, Scalar, Value } from './types';

export interface Member {
  cand: Candidate;
  /** The rows binding this key: a candidate with rows of several keys is a member of each. */
  rows: Row[];
  /** Another variable has the same event as a member of this key. */
  shared?: boolean;
  /** Per running aggregate, the values this member added, to take them out again. */
  values?: Scalar[][];
  /** Arrival number within the key, for the max/min queues. */
  arrival?: number;
  /** The values its rows give the plan's sub-key placeholders, one text per distinct value. */
  subKeys?: string[];
}

/** A value aggregated over the members inside the window. */
interface Running {
  add(values: Scalar[], at: number): void;
  remove(values: Scalar[], at: number): void;
  value(): Value;
}

function valueKey(v: Scalar): string {
  return `${typeof v}:${v}`;
}

/** Distinct values kept as counts, so one leaving does not forget another's copy. */
class Distinct implements Running {
  private readonly counts = new Map<string, number>();

  add(values: Scalar[]): void {
    for (const v of values) {
      const key = valueKey(v);
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    }
  }

  remove(values: Scalar[]): void {
    for (const v of values) {
      const key = valueKey(v);
      const n = this.counts.get(key)! - 1;
      if (n) this.counts.set(key, n);
      else this.counts.delete(key);
    }
  }

  value(): number {
    return this.counts.size;
  }
}

class Count implements Running {
  private n = 0;

  add(values: Scalar[]): void {
    this.n += values.length;
  }

  remove(values: Scalar[]): void {
    this.n -= values.length;
  }

  value(): number {
    return this.n;
  }
}

/**
 * Max or min over a window whose members leave in arrival order: a monotonic queue keeps only
 * values that can still become the extreme. As `aggregateValues` does, no value gives 0 and
 * values none of which is a number give -Infinity (max) or Infinity (min).
 */
class Extreme implements Running {
  private readonly queue: { v: number; at: number }[] = [];
  private head = 0;
  private raw = 0;

  constructor(private readonly max: boolean) {}

  add(values: Scalar[], at: number): void {
    this.raw += values.length;
    for (const n of values.map(Number)) {
      if (Number.isNaN(n)) continue;
      while (this.queue.length > this.head && !this.keeps(this.queue[this.queue.length - 1].v, n)) {
        this.queue.pop();
      }
      this.queue.push({ v: n, at });
    }
  }

  remove(values: Scalar[], at: number): void {
    this.raw -= values.length;
    while (this.head < this.queue.length && this.queue[this.head].at <= at) this.head++;
    if (this.head > 64 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  value(): number {
    if (!this.raw) return 0;
    if (this.head === this.queue.length) return this.max ? -Infinity : Infinity;
    return this.queue[this.head].v;
  }

  /** Whether an earlier value survives a later one: only if it is strictly more extreme. */
  private keeps(earlier: number, later: number): boolean {
    return this.max ? earlier > later : earlier < later;
  }
}

function running(o: RunningOutcome): Running {
  if (o.fn === 'count_distinct') return new Distinct();
  if (o.fn === 'count') return new Count();
  return new Extreme(o.fn === 'max');
}

/** One variable's members: those before `head` are gone, the next `included` are inside. */
export class Lane {
  items: (Member | undefined)[] = [];
  head = 0;
  included = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  at(i: number): Member {
    return this.items[this.head + i]!;
  }

  /**
   * Takes the first member out. Its slot lets go of it at once: a quiet key's lane may take
   * days to fill enough slots for the array to be cut, and each member holds its event.
   */
  shift(): Member {
    const m = this.items[this.head]!;
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) [this.items, this.head] = [[], 0];
    else if (this.head >= 256 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return m;
  }
}

export class KeyWindow {
  /** Its tuples as last judged, which its next window builds on (see tuplesSince). */
  readonly tupleMemo: TupleMemo = {};
  private readonly lanes = new Map<string, Lane>();
  private readonly runningOutcomes: RunningOutcome[];
  private readonly outcomes: Running[];
  private readonly counted = new Map<string, Distinct>();
  /** Per sub-key value, the members inside the window per variable (in `plan.order`). */
  private readonly bySubKey = new Map<string, number[]>();
  /** Members in the lanes whose event another variable also has. */
  private shared = 0;
  private arrivals = 0;

  constructor(
    private readonly plan: KeyedPlan,
    private readonly env: Env,
  ) {
    for (const v of plan.order) this.lanes.set(v, new Lane());
    this.runningOutcomes = plan.running?.outcomes ?? [];
    this.outcomes = this.runningOutcomes.map(running);
    for (const ph of plan.running?.counted ?? []) this.counted.set(ph, new Distinct());
  }

  /** Whether the key's window can be judged only from its tuples: an event fills two lanes. */
  get needsTuples(): boolean {
    return this.shared > 0;
  }

  get empty(): boolean {
    for (const lane of this.lanes.values()) if (lane.size) return false;
    return true;
  }

  add(variable: string, member: Member): void {
    member.arrival = this.arrivals++;
    this.lanes.get(variable)!.items.push(member);
  }

  /** Marks an event that fills two variables of this key (it arrived in both lanes just now). */
  markShared(seq: number): void {
    for (const lane of this.lanes.values()) {
      const last = lane.size ? lane.at(lane.size - 1) : undefined;
      if (last && last.cand.seq === seq && !last.shared) {
        last.shared = true;
        this.shared++;
      }
    }
  }

  /**
   * Moves the running window to [start, end]: members leave at the front, enter at the back.
   * Returns how many members were dropped.
   */
  advance(start: number, end: number): number {
    const dropped = this.dropBefore(start);
    for (const [name, lane] of this.lanes) {
      while (lane.included < lane.size) {
        const m = lane.at(lane.included);
        if (m.cand.time > end) break;
        lane.included++;
        this.enter(name, m);
      }
    }
    return dropped;
  }

  /** Drops the members older than `start`, which no window still to come reaches; counts them. */
  dropBefore(start: number): number {
    let dropped = 0;
    for (const [name, lane] of this.lanes) {
      while (lane.size && lane.at(0).cand.time < start) {
        const m = lane.shift();
        if (lane.included) {
          lane.included--;
          this.leave(name, m);
        }
        if (m.shared) this.shared--;
        dropped++;
      }
    }
    return dropped;
  }

  /** The condition over the members inside the window (see `judge` for what names read). */
  holds(condition: Expr): boolean {
    if (this.plan.required.some((v) => !this.lanes.get(v)!.included)) return false;
    const scope: Scope = {
      field: () => '',
      all: () => [],
      variable: (name) => {
        const lane = this.lanes.get(name);
        if (lane) return lane.included > 0;
        const at = this.runningOutcomes.findIndex((o) => o.name === name);
        return at < 0 ? '' : this.outcomes[at].value();
      },
      count: (name) => this.lanes.get(name)?.included ?? this.counted.get(name)?.value() ?? 0,
      aggregate: () => {
        throw new Error('aggregation in condition');
      },
    };
    return truthy(evaluate(condition, scope, this.env));
  }

  /**
   * Whether a tuple can hold the anchor, a candidate of `variable` with these rows: each other
   * required variable has a member inside the window, on the anchor's sub-key when there is
   * one. When not, the window's groups hold no tuple with the anchor and need no judging.
   */
  joins(variable: string, rows: Row[]): boolean {
    if (this.shared) return true;
    const others = this.plan.required.filter((v) => v !== variable);
    if (!this.plan.subKey.length) return others.every((v) => this.lanes.get(v)!.included > 0);
    return distinctSubKeys(rows, this.plan.subKey).some((key) => {
      const counts = this.bySubKey.get(key);
      return counts !== undefined && others.every((v) => counts[this.plan.order.indexOf(v)] > 0);
    });
  }

  /**
   * The members inside the window as candidates of this key alone, to build its tuples. With
   * `partnered`, only the rows whose sub-key has a member on every required side: the events
   * tuples can hold, so that members can stand for the tuples (see KeyedPlan.factored).
   */
  candidates(partnered = false): Map<string, Candidate[]> {
    const out = new Map<string, Candidate[]>();
    for (const [name, lane] of this.lanes) {
      const inside: Candidate[] = [];
      for (let i = 0; i < lane.included; i++) {
        const m = lane.at(i);
        const rows = partnered ? m.rows.filter((r) => this.partnered(r)) : m.rows;
        if (rows.length) inside.push({ ...m.cand, rows });
      }
      out.set(name, inside);
    }
    return out;
  }

  /** Whether a row's sub-key has a member inside the window on every required side. */
  private partnered(row: Row): boolean {
    if (!this.plan.subKey.length) return true;
    const counts = this.bySubKey.get(distinctSubKeys([row], this.plan.subKey)[0]);
    return (
      counts !== undefined &&
      this.plan.required.every((v) => counts[this.plan.order.indexOf(v)] > 0)
    );
  }

  /**
   * Where the key's first member of `variable` inside the window stands: its event's arrival
   * and the place of its first row among the event's rows (the order tuples are made in).
   */
  firstPlace(variable: string): [number, number] {
    const lane = this.lanes.get(variable)!;
    if (!lane.included) return [Infinity, 0];
    const m = lane.at(0);
    return [m.cand.seq, m.cand.rows.indexOf(m.rows[0])];
  }

  private enter(variable: string, m: Member): void {
    const at = m.arrival!;
    m.values ??= this.runningOutcomes.map((o) =>
      o.variable === variable
        ? m.rows.flatMap((r) => memberValues(o.arg, variable, m.cand, r, this.env))
        : [],
    );
    m.values.forEach((values, i) => this.outcomes[i].add(values, at));
    for (const [ph, d] of this.counted) d.add(placeholderValues(m, ph));
    this.countSubKeys(variable, m, 1);
  }

  private leave(variable: string, m: Member): void {
    const at = m.arrival!;
    m.values!.forEach((values, i) => this.outcomes[i].remove(values, at));
    for (const [ph, d] of this.counted) d.remove(placeholderValues(m, ph));
    this.countSubKeys(variable, m, -1);
  }

  private countSubKeys(variable: string, m: Member, by: 1 | -1): void {
    if (!this.plan.subKey.length) return;
    m.subKeys ??= distinctSubKeys(m.rows, this.plan.subKey);
    const at = this.plan.order.indexOf(variable);
    for (const key of m.subKeys) {
      let counts = this.bySubKey.get(key);
      if (!counts) this.bySubKey.set(key, (counts = this.plan.order.map(() => 0)));
      counts[at] += by;
      if (by < 0 && counts.every((n) => n === 0)) this.bySubKey.delete(key);
    }
  }
}

/** The sub-key texts of rows: the values of the sub-key placeholders, one per distinct set. */
function distinctSubKeys(rows: Row[], subKey: string[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(JSON.stringify(subKey.map((ph) => row.placeholders[ph] ?? null)));
  }
  return [...keys];
}

/** The distinct values a member's rows give a placeholder (tuples repeat nothing else). */
function placeholderValues(m: Member, name: string): Scalar[] {
  const values = new Map<string, Scalar>();
  for (const row of m.rows) {
    if (name in row.placeholders)
      values.set(valueKey(row.placeholders[name]), row.placeholders[name]);
  }
  return [...values.values()];
}
