/**
 * Windows of multi-event rules (§11.2 step 4). Hop windows are idealised as [t, t + D] for each
 * event time t of a group; sliding windows as [t_p, t_p + D] (`after`) or [t_p − D, t_p]
 * (`before`) per pivot, bounds inclusive. So a window is judged only for the groups that contain
 * the event anchoring it. A window is judged once no later event can fall into it, which needs
 * time-ordered input (detect sorts it).
 */

import { groupKey, groupTuples, judge } from './group';
import { KeyedMembers } from './members';
import {
  candidates,
  type CompiledRule,
  type Input,
  isoSeconds,
  type RuleRun,
  toDetection,
} from './run';
import { keyedPlan } from './separable';
import { buildTuples, MAX_TUPLES, type Tuple, type TupleMemo, tuplesSince } from './tuples';
import type { ExprOf } from '../yaral/ast';
import type { Candidate, Detection, Scalar } from './types';

const CAPPED =
  `the window held more than ${MAX_TUPLES.toLocaleString('en-US')} combinations of events; ` +
  'its outcomes and events come from the first of them';

export interface Span {
  start: number;
  end: number;
  /** The events the window is anchored at: every group judged in it contains one. */
  anchors: Candidate[];
}

/** The candidates of one window to judge (of one group, or of all), and how to judge them. */
export interface WindowGroup {
  candidates: Map<string, Candidate[]>;
  /** The key's tuples from its previous window, when the group is one key's (see tuplesSince). */
  memo?: TupleMemo;
  /** Set when each variable's members can stand for their tuples (see KeyedPlan.factored). */
  factored?: Map<ExprOf<'aggregate'>, string | undefined>;
}

/** Where a rule keeps the candidates of its open windows, and how it judges one. */
interface WindowStore {
  add(found: ReadonlyMap<string, Candidate>): void;
  /** Forgets what no window still open at `now` can hold. */
  prune(now: number): void;
  /** The candidates of each group the span is judged for, or of all of them at once. */
  groups(span: Span, blocked: (key: string) => boolean): WindowGroup[];
  buffered(): number;
}

class WindowRun implements RuleRun {
  private readonly D: number;
  private readonly store: WindowStore;
  /** Open windows, in order of their end: anchors arrive in time order. */
  private readonly pending: Span[] = [];
  /**
   * Per match key, the end of the last window reported. A later window fires for the key only
   * when it starts after that end: a burst gives one detection per window length, not one per
   * event (the reference's "one detection per key per maximal window" reading, §11.2 4.7).
   */
  private readonly reported = new Map<string, number>();
  /** The time of the latest event pushed: windows ending after it were open at the end. */
  private lastTime = -Infinity;

  constructor(private readonly c: CompiledRule) {
    this.D = c.window!.seconds;
    const plan = keyedPlan(c);
    this.store = plan ? new KeyedMembers(c, plan, this.D) : new Buffers(c, this.D);
  }

  push(input: Input): Detection[] {
    this.lastTime = input.time;
    const out = this.flush(input.time);
    this.prune(input.time);
    const found = candidates(this.c, input);
    if (found.size) this.store.add(found);
    const { kind, pivot } = this.c.window!;
    const t = input.time;
    if (kind === 'hop' && found.size) this.open(t, t + this.D, [...found.values()]);
    const p = pivot ? found.get(pivot) : undefined;
    if (p) this.open(kind === 'before' ? t - this.D : t, kind === 'before' ? t : t + this.D, [p]);
    return out;
  }

  /**
   * The end of the input judges the windows still open. Where the condition holds with a
   * variable absent (`$d and !$s`, `#s = 0`), one that ends at or after the last event (bounds
   * are inclusive) says so: an event the input did not hold could have cancelled it.
   */
  finish(): Detection[] {
    const out: Detection[] = [];
    const cancellable = this.c.plan.optional.size > 0;
    for (const span of this.pending.splice(0)) {
      const found = this.judgeSpan(span);
      if (cancellable && span.end >= this.lastTime) found.forEach((d) => addNote(d, this.early()));
      out.push(...found);
    }
    return out;
  }

  private early(): string {
    const last = isoSeconds(this.lastTime);
    return `the input ended at ${last}, before this window closed: a later event could cancel it`;
  }

  buffered(): number {
    return this.store.buffered();
  }

  private open(start: number, end: number, anchors: Candidate[]): void {
    const last = this.pending[this.pending.length - 1];
    if (last && last.start === start && last.end === end) last.anchors.push(...anchors);
    else this.pending.push({ start, end, anchors });
  }

  /** Judges every window that ends before `now`: no event still to come can enter it. */
  private flush(now: number): Detection[] {
    const out: Detection[] = [];
    while (this.pending.length && this.pending[0].end < now) {
      out.push(...this.judgeSpan(this.pending.shift()!));
    }
    return out;
  }

  /** Candidates older than now − D fit no open window; nor do report marks that old. */
  private prune(now: number): void {
    this.store.prune(now);
    // Marks are kept in the order of their end (see report), so the stale ones come first.
    for (const [key, end] of this.reported) {
      if (end >= now - this.D) break;
      this.reported.delete(key);
    }
  }

  private judgeSpan(span: Span): Detection[] {
    if (this.allReported(span)) return [];
    const blocked = (key: string) => this.blocked(key, span);
    return this.store.groups(span, blocked).flatMap((g) => this.judgeGroup(span, g));
  }

  private judgeGroup(span: Span, group: WindowGroup): Detection[] {
    const { candidates: inSpan, factored, memo } = group;
    const anchors = new Set(span.anchors.map((a) => a.seq));
    const { plan, env } = this.c;
    const tuples = factored
      ? memberTuples(inSpan)
      : memo
        ? tuplesSince(plan, inSpan, env, memo)
        : buildTuples(plan, inSpan, env);
    const out: Detection[] = [];
    for (const g of groupTuples(tuples, this.c.matchVars, this.c.zeros)) {
      if (!g.tuples.some((t) => hasAnchor(t, anchors))) continue;
      const wanted = () => !this.blocked(g.key, span);
      const tuplesFor = factored && tuplesOfVariable(g.tuples, factored);
      const verdict = judge(this.c.rule, plan, g.tuples, env, wanted, tuplesFor || undefined);
      if (!verdict) continue;
      this.report(g.key, span.end);
      const d = toDetection(this.c, verdict, g.match, span);
      if (!factored && tuples.length >= MAX_TUPLES) addNote(d, CAPPED);
      out.push(d);
    }
    return out;
  }

  /** Marks a key reported; re-inserted, so the marks stay in the order of their end. */
  private report(key: string, end: number): void {
    this.reported.delete(key);
    this.reported.set(key, end);
  }

  /**
   * De-duplication: a key fires again only in a window that starts after its last one ended.
   * Within a burst that is most windows, so they are refused before any tuple is built.
   */
  private blocked(key: string, span: Span): boolean {
    const end = this.reported.get(key);
    return end !== undefined && span.start <= end;
  }

  /** Whether every group the span could judge has a key that is blocked (or a zero value). */
  private allReported(span: Span): boolean {
    if (!this.reported.size) return false;
    for (const a of span.anchors) {
      for (const row of a.rows) {
        const key = groupKey(row.placeholders, this.c.matchVars, this.c.zeros);
        if (key === undefined) return false;
        if (key !== null && !this.blocked(key, span)) return false;
      }
    }
    return true;
  }
}

/** Every candidate of the open windows per variable: a span's tuples are built from them all. */
class Buffers implements WindowStore {
  private readonly lists = new Map<string, Candidate[]>();

  constructor(
    private readonly c: CompiledRule,
    private readonly D: number,
  ) {
    for (const v of c.plan.variables) this.lists.set(v.name, []);
  }

  add(found: ReadonlyMap<string, Candidate>): void {
    for (const [name, cand] of found) this.lists.get(name)!.push(cand);
  }

  prune(now: number): void {
    for (const [name, list] of this.lists) {
      // Candidates arrive in time order: the old ones are a prefix, usually empty.
      if (list.length && list[0].time < now - this.D) {
        this.lists.set(
          name,
          list.filter((x) => x.time >= now - this.D),
        );
      }
    }
  }

  /** Per variable, the candidates inside the span that may share an anchor's key. */
  groups(span: Span): WindowGroup[] {
    const keys = anchorKeys(span.anchors, this.c.matchVars);
    const inSpan = new Map<string, Candidate[]>();
    for (const [name, list] of this.lists) {
      const inside = list.filter((x) => x.time >= span.start && x.time <= span.end);
      inSpan.set(
        name,
        inside.filter((x) => mayJoin(x, keys)),
      );
    }
    return [{ candidates: inSpan }];
  }

  buffered(): number {
    return [...this.lists.values()].reduce((n, list) => n + list.length, 0);
  }
}

/**
 * One tuple per member row of each variable, holding that member alone: what a group's
 * combinations amount to when its aggregations each read one variable and ignore repetition,
 * without the product of the variables' sizes (and without the tuple cap it needs).
 */
function memberTuples(cands: Map<string, Candidate[]>): Tuple[] {
  const tuples: Tuple[] = [];
  for (const [name, list] of cands) {
    for (const cand of list) {
      for (const row of cand.rows) {
        tuples.push({ members: new Map([[name, { cand, row }]]), placeholders: row.placeholders });
      }
    }
  }
  return tuples;
}

/**
 * The member tuples an aggregation collects from: those of the variable it reads, or, when that
 * variable has none in the group, one tuple without it (every combination lacks it alike).
 */
function tuplesOfVariable(
  tuples: Tuple[],
  factored: Map<ExprOf<'aggregate'>, string | undefined>,
): (e: ExprOf<'aggregate'>) => Tuple[] {
  const byVariable = new Map<string, Tuple[]>();
  for (const t of tuples) {
    const [name] = t.members.keys();
    const own = byVariable.get(name);
    if (own) own.push(t);
    else byVariable.set(name, [t]);
  }
  return (e) => {
    const variable = factored.get(e);
    if (variable === undefined) return tuples;
    const own = byVariable.get(variable);
    if (own) return own;
    return [{ members: new Map([[variable, null]]), placeholders: tuples[0].placeholders }];
  };
}

function hasAnchor(t: Tuple, anchors: Set<number>): boolean {
  return [...t.members.values()].some((m) => m && anchors.has(m.cand.seq));
}

/** Per match variable, the values the anchors bind; absent when some anchor leaves it free. */
function anchorKeys(anchors: Candidate[], matchVars: string[]): Map<string, Set<Scalar>> {
  const keys = new Map<string, Set<Scalar>>();
  for (const mv of matchVars) {
    const rows = anchors.flatMap((a) => a.rows);
    if (rows.some((r) => !(mv in r.placeholders))) continue;
    keys.set(mv, new Set(rows.map((r) => r.placeholders[mv])));
  }
  return keys;
}

/** A candidate binding a match variable to a value no anchor has cannot join an anchor's group. */
function mayJoin(cand: Candidate, keys: Map<string, Set<Scalar>>): boolean {
  return cand.rows.some((r) =>
    [...keys].every(([mv, values]) => !(mv in r.placeholders) || values.has(r.placeholders[mv])),
  );
}

export function windowRun(c: CompiledRule): RuleRun {
  return new WindowRun(c);
}

function addNote(d: Detection, note: string): void {
  d.note = d.note ? `${d.note}; ${note}` : note;
}
