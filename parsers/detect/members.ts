/**
 * The open windows' candidates of a rule judged per match key (see separable.ts): a window is
 * judged from the members of its anchors' keys only, from their running aggregates or from
 * whether its anchor has a partner on every side, so neither other keys' events nor the size of
 * a busy key's window costs per window; tuples are built only for a window that can fire.
 */

import { groupKey } from './group';
import { KeyWindow } from './keyed';
import type { CompiledRule } from './run';
import type { KeyedPlan } from './separable';
import type { Candidate, Row } from './types';
import type { Span, WindowGroup } from './windows';

export class KeyedMembers {
  private readonly windows = new Map<string, KeyWindow>();
  /** A (time, key) per member, in arrival order: how keys no window needs are forgotten. */
  private expiry: { time: number; key: string }[] = [];
  private expired = 0;
  private count = 0;
  /** The variable each anchor is a candidate of: a window asks whether its anchor joins. */
  private readonly variableOf = new WeakMap<Candidate, string>();

  constructor(
    private readonly c: CompiledRule,
    private readonly plan: KeyedPlan,
    private readonly D: number,
  ) {}

  add(found: ReadonlyMap<string, Candidate>): void {
    const lanesByKey = new Map<string, number>();
    let seq = -1;
    for (const [name, cand] of found) {
      seq = cand.seq;
      this.variableOf.set(cand, name);
      for (const [key, rows] of this.rowsByKey(cand)) {
        this.window(key).add(name, { cand, rows });
        this.expiry.push({ time: cand.time, key });
        this.count++;
        lanesByKey.set(key, (lanesByKey.get(key) ?? 0) + 1);
      }
    }
    for (const [key, lanes] of lanesByKey) if (lanes > 1) this.windows.get(key)!.markShared(seq);
  }

  prune(now: number): void {
    const before = now - this.D;
    while (this.expired < this.expiry.length && this.expiry[this.expired].time < before) {
      const { key } = this.expiry[this.expired++];
      const w = this.windows.get(key);
      if (!w) continue;
      this.count -= w.dropBefore(before);
      if (w.empty) this.windows.delete(key);
    }
    if (this.expired > 1024 && this.expired * 2 > this.expiry.length) {
      this.expiry = this.expiry.slice(this.expired);
      this.expired = 0;
    }
  }

  /**
   * Per anchored key whose condition holds (or that needs its tuples), its members inside the
   * span, in the order the tuples would have met the groups.
   */
  groups(span: Span, blocked: (key: string) => boolean): WindowGroup[] {
    const keyed = new Map<string, KeyWindow>();
    for (const key of this.anchorKeys(span)) {
      const w = this.windows.get(key)!;
      this.count -= w.advance(span.start, span.end);
      keyed.set(key, w);
    }
    const out: WindowGroup[] = [];
    for (const [key, w] of this.inTupleOrder(keyed)) {
      if (blocked(key) || !this.worthJudging(key, w, span)) continue;
      // An event on two sides makes tuples leave out pairs: then only tuples tell.
      const factored = w.needsTuples ? undefined : this.plan.factored;
      const memo = factored ? undefined : w.tupleMemo;
      out.push({ candidates: w.candidates(factored !== undefined), factored, memo });
    }
    return out;
  }

  /** Whether a key's window can fire: its condition holds, or a tuple can hold an anchor. */
  private worthJudging(key: string, w: KeyWindow, span: Span): boolean {
    if (!w.needsTuples && this.plan.running) return w.holds(this.c.rule.condition!);
    return span.anchors.some((a) => {
      const rows = a.rows.filter(
        (r) => groupKey(r.placeholders, this.c.matchVars, this.c.zeros) === key,
      );
      return rows.length > 0 && w.joins(this.variableOf.get(a)!, rows);
    });
  }

  /**
   * Keys in the order groupTuples meets their groups: by each one's first member of the first
   * variable in tuple order, then of the next (a key with none there comes after).
   */
  private inTupleOrder(keyed: Map<string, KeyWindow>): [string, KeyWindow][] {
    const places = new Map(
      [...keyed.values()].map((w) => [w, this.plan.order.map((v) => w.firstPlace(v))]),
    );
    return [...keyed].sort(([, a], [, b]) => {
      const [pa, pb] = [places.get(a)!, places.get(b)!];
      for (let i = 0; i < pa.length; i++) {
        const d = pa[i][0] - pb[i][0] || pa[i][1] - pb[i][1];
        if (d) return d;
      }
      return 0;
    });
  }

  buffered(): number {
    return this.count;
  }

  private window(key: string): KeyWindow {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new KeyWindow(this.plan, this.c.env)));
    return w;
  }

  /** A candidate's rows by the group key they bind; zero-valued keys form no group. */
  private rowsByKey(cand: Candidate): Map<string, Row[]> {
    const out = new Map<string, Row[]>();
    for (const row of cand.rows) {
      const key = groupKey(row.placeholders, this.c.matchVars, this.c.zeros);
      if (!key) continue;
      const rows = out.get(key);
      if (rows) rows.push(row);
      else out.set(key, [row]);
    }
    return out;
  }

  private anchorKeys(span: Span): Set<string> {
    const keys = new Set<string>();
    for (const a of span.anchors) {
      for (const row of a.rows) {
        const key = groupKey(row.placeholders, this.c.matchVars, this.c.zeros);
        if (key && this.windows.has(key)) keys.add(key);
      }
    }
    return keys;
  }
}
