/**
 * The open windows' candidates of a separable rule (see separable.ts), kept per match key: a
 * window is judged from the members of its anchors' keys only, and from their running
 * aggregates, so neither other keys' events nor the size of a busy key's window costs per window.
 */

import { groupKey } from './group';
import { KeyWindow } from './keyed';
import type { CompiledRule } from './run';
import type { SeparablePlan } from './separable';
import type { Candidate, Row } from './types';
import type { Span } from './windows';

export class KeyedMembers {
  private readonly windows = new Map<string, KeyWindow>();
  /** A (time, key) per member, in arrival order: how keys no window needs are forgotten. */
  private expiry: { time: number; key: string }[] = [];
  private expired = 0;
  private count = 0;
  private readonly variables: string[];
  private readonly required: string[];

  constructor(
    private readonly c: CompiledRule,
    private readonly plan: SeparablePlan,
    private readonly D: number,
  ) {
    this.variables = c.plan.variables.map((v) => v.name);
    this.required = this.variables.filter((v) => !c.plan.optional.has(v));
  }

  add(found: ReadonlyMap<string, Candidate>): void {
    const lanesByKey = new Map<string, number>();
    let seq = -1;
    for (const [name, cand] of found) {
      seq = cand.seq;
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
  groups(span: Span, blocked: (key: string) => boolean): Map<string, Candidate[]>[] {
    const keyed: [string, KeyWindow][] = [];
    for (const key of this.anchorKeys(span)) {
      const w = this.windows.get(key)!;
      this.count -= w.advance(span.start, span.end);
      keyed.push([key, w]);
    }
    const place = (w: KeyWindow) => w.firstPlace(this.plan.first);
    keyed.sort(([, a], [, b]) => {
      const [pa, pb] = [place(a), place(b)];
      return pa[0] - pb[0] || pa[1] - pb[1];
    });
    const out: Map<string, Candidate[]>[] = [];
    for (const [key, w] of keyed) {
      if (blocked(key)) continue;
      if (!w.needsTuples && !w.holds(this.c.rule.condition!, this.required)) continue;
      out.push(w.candidates());
    }
    return out;
  }

  buffered(): number {
    return this.count;
  }

  private window(key: string): KeyWindow {
    let w = this.windows.get(key);
    if (!w) this.windows.set(key, (w = new KeyWindow(this.variables, this.plan, this.c.env)));
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
