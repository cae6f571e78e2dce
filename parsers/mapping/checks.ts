/**
 * Checks on a resolved mapping that go beyond "does every row compile": rows that fight over one
 * UDM field, conditions that can never hold, and source paths no fixture record has. Each
 * check returns diagnostics; none prints or throws.
 */

import { diagnostic, type Diagnostic } from '../diagnostics';
import { LayoutError, layoutRows } from './layout';
import type { Condition } from './model';
import type { Plan, PlannedRow } from './resolve';
import { allRows, rowSources } from './rows';
import { parseSourcePath, type PathStep } from './source-path';

/** Runs the checks that need only the mapping. */
export function checkPlan(plan: Plan): Diagnostic[] {
  return [
    ...reportConflicts(plan.rows),
    ...reportBadOverrides(plan.rows),
    ...reportImpossibleConditions(plan.rows),
    ...reportLayoutConflicts(plan),
  ];
}

/** A repeated message filled both as for_each elements and through its first element. */
function reportLayoutConflicts(plan: Plan): Diagnostic[] {
  try {
    layoutRows(plan.rows);
    return [];
  } catch (error) {
    if (!(error instanceof LayoutError) || !error.row) throw error;
    const { row } = error;
    const at = row.keyLoc.target ?? row.loc;
    return [diagnostic('mapping_target_conflict', at, error.message, row.id)];
  }
}

/** What a row writes, as a key: rows with the same key write the same single value. */
function writeKey(row: PlannedRow): string | undefined {
  const mode = row.out.write.mode;
  if (mode === 'set') return row.target;
  if (mode === 'struct' || mode === 'label') return `${row.target}[${row.out.write.key}]`;
  return undefined; // lists take every value pushed; for_each elements are appended
}

function reportConflicts(rows: PlannedRow[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const earlier = new Map<string, PlannedRow[]>();
  for (const row of rows) {
    out.push(...reportConflicts(row.children));
    const key = writeKey(row);
    if (key === undefined) continue;
    for (const other of earlier.get(key) ?? []) {
      if (row.overrides.includes(other.id) || exclusive(row.when, other.when)) continue;
      const message =
        `'${key}' is also written by row ${other.id} (line ${other.loc.line}): declare the ` +
        `winner with 'overrides: ${other.id}', or make the rows' conditions exclusive`;
      out.push(
        diagnostic('mapping_target_conflict', row.keyLoc.target ?? row.loc, message, row.id),
      );
    }
    earlier.set(key, [...(earlier.get(key) ?? []), row]);
  }
  return out;
}

function reportBadOverrides(rows: PlannedRow[]): Diagnostic[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const out: Diagnostic[] = rows.flatMap((row) => reportBadOverrides(row.children));
  for (const row of rows) {
    for (const id of row.overrides) {
      const other = byId.get(id);
      if (other && other !== row && writeKey(other) === writeKey(row) && writeKey(row)) continue;
      const message =
        other === row
          ? 'a row cannot override itself'
          : other
            ? `row ${id} does not write '${row.target}'${row.key ? ` key ${row.key}` : ''}`
            : `no row ${id} in the same list of rows`;
      out.push(diagnostic('mapping_overrides', row.keyLoc.overrides ?? row.loc, message, row.id));
    }
  }
  return out;
}

function reportImpossibleConditions(rows: PlannedRow[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const row of rows) {
    out.push(...reportImpossibleConditions(row.children));
    const why = impossibility(row);
    if (!why) continue;
    const at = row.keyLoc[`when.${why.index}`] ?? row.keyLoc.when ?? row.loc;
    out.push(diagnostic('mapping_condition_never', at, why.message, row.id));
  }
  return out;
}

/** Why a row can never apply, and the condition (index in `when`) to point at. */
function impossibility(row: PlannedRow): { message: string; index: number } | undefined {
  for (let i = 0; i < row.when.length; i++) {
    for (let j = i + 1; j < row.when.length; j++) {
      if (contradict(row.when[i], row.when[j])) {
        const message =
          `conditions ${i + 1} and ${j + 1} contradict each other: ` + 'the row never applies';
        return { message, index: j };
      }
    }
  }
  const own = row.kind === 'for_each' ? [] : rowSources(row);
  const index = row.when.findIndex(
    (c) => c.test === 'present' && !c.expected && sameSources(c.source, own),
  );
  if (index < 0) return undefined;
  return { message: 'the row copies its source only when that source is absent', index };
}

/** True when no record can meet one condition of `a` and one of `b` at once. */
function exclusive(a: Condition[], b: Condition[]): boolean {
  return a.some((x) => b.some((y) => contradict(x, y)));
}

function sameSources(a: readonly string[], b: readonly string[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((s, i) => s === b[i]);
}

/** Two tests on the same value that cannot both pass. */
function contradict(a: Condition, b: Condition): boolean {
  if (!sameSources(a.source, b.source)) return false;
  const allowed = (c: Condition): string[] | undefined =>
    c.test === 'equals' ? [c.expected] : c.test === 'in' ? c.expected : undefined;
  const needsValue = (c: Condition) =>
    (c.test === 'present' && c.expected) ||
    c.test === 'equals' ||
    c.test === 'in' ||
    (c.test === 'is_ip' && c.expected);
  const absent = (c: Condition) => c.test === 'present' && !c.expected;

  if ((absent(a) && needsValue(b)) || (absent(b) && needsValue(a))) return true;
  if (a.test === 'is_ip' && b.test === 'is_ip') return a.expected !== b.expected;
  const [x, y] = [allowed(a), allowed(b)];
  return x !== undefined && y !== undefined && !x.some((v) => y.includes(v));
}

/**
 * Source paths of rows, accept tests and conditions that no fixture record holds a value at,
 * as warnings: a row nobody can see working is a row nobody has checked.
 */
export function reportUnseenSources(plan: Plan, records: readonly unknown[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const visit = (rows: PlannedRow[], data: readonly unknown[]) => {
    for (const row of rows) {
      for (const [key, path] of sourcesOf(row)) {
        if (data.some((record) => hasValue(record, path))) continue;
        const at = row.keyLoc[key] ?? row.loc;
        out.push(diagnostic('mapping_source_unseen', at, `no fixture record has ${path}`, row.id));
      }
      if (row.kind === 'for_each') {
        visit(
          row.children,
          data.flatMap((record) => itemsAt(record, row.source)),
        );
      }
    }
  };
  visit(plan.rows, records);
  return out;
}

/** Each source path a row reads, with the key of its location in keyLoc. */
function sourcesOf(row: PlannedRow): [string, string][] {
  const own = rowSources(row);
  const pairs: [string, string][] = own.map((path, i) => [
    own.length > 1 ? `source.${i}` : 'source',
    path,
  ]);
  row.when.forEach((condition, i) => {
    for (const path of condition.source)
      pairs.push([row.when.length > 1 ? `when.${i}` : 'when', path]);
  });
  return pairs.filter(([, path], i) => pairs.findIndex(([, p]) => p === path) === i);
}

function valueAt(record: unknown, steps: PathStep[]): unknown {
  let value = record;
  for (const step of steps) {
    if (value === null || typeof value !== 'object') return undefined;
    if ('index' in step && !Array.isArray(value)) return undefined;
    const key = 'index' in step ? step.index : step.key;
    if (!Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

function hasValue(record: unknown, path: string): boolean {
  const value = valueAt(record, parseSourcePath(path) ?? []);
  return value !== undefined && value !== null && value !== '';
}

function itemsAt(record: unknown, path: string): unknown[] {
  const value = valueAt(record, parseSourcePath(path) ?? []);
  return Array.isArray(value) ? value : [];
}

/**
 * The `ignore` list kept honest: an entry a row reads whole is not ignored, and an entry no
 * fixture record holds ignores nothing anyone has seen. Entries cover what lies below them.
 */
export function reportIgnoreProblems(plan: Plan, records: readonly unknown[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const read = allRows(plan.rows).flatMap((row) => [
    ...(row.kind === 'for_each' ? [] : rowSources(row)),
    ...row.when.flatMap((c) => c.source),
  ]);
  for (const entry of plan.mapping.ignore) {
    for (const source of entry.source) {
      // Reading a part of an ignored object is fine (the rest stays ignored); reading all of it
      // (the path itself or an object above it) makes the entry a lie.
      const reader = read.find((path) => source === path || source.startsWith(path + '.'));
      if (reader) {
        const message = `${source} is read by the mapping (${reader}): it is not ignored`;
        out.push(diagnostic('mapping_ignore_read', entry.loc, message));
      }
      if (!records.some((record) => hasValue(record, source))) {
        const message = `ignore: no fixture record has ${source}`;
        out.push(diagnostic('mapping_source_unseen', entry.loc, message));
      }
    }
  }
  return out;
}
