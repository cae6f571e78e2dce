/**
 * Lineage without running anything: which rows can write a given flat UDM path
 * (`principal.user.attribute.labels[0].value`). Test diffs use it to name the row that should
 * have produced a field that is missing; `udm explain` uses it when a field was not produced.
 */

import type { PlannedRow, Target } from './resolve';

interface RowPattern {
  row: PlannedRow;
  pattern: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function prefixOf(target: Target): string {
  return target.parents
    .map((p) => `${escape(p.name)}${p.how === 'first' ? '\\[0\\]' : ''}\\.`)
    .join('');
}

/** The regular expression (as source text) of the flat paths a row can write. */
function patternOf(row: PlannedRow, within: string): string {
  const base = within + prefixOf(row.out) + escape(row.out.fieldName);
  switch (row.out.write.mode) {
    case 'push':
      return `${base}\\[\\d+\\]`;
    case 'label':
      return `${base}\\[(\\d+)\\]\\.(key|value)`;
    case 'struct':
      return `${base}\\.fields\\.${escape(row.out.write.key)}`;
    default:
      return base;
  }
}

/** Patterns of every row that writes values; a for_each row's children sit under its list. */
function patternsOf(rows: PlannedRow[], within = ''): RowPattern[] {
  return rows.flatMap((row) => {
    if (row.kind !== 'for_each') {
      return [{ row, pattern: new RegExp(`^${patternOf(row, within)}$`) }];
    }
    const list = within + prefixOf(row.out) + escape(row.out.fieldName);
    return patternsOf(row.children, `${list}\\[\\d+\\]\\.`);
  });
}

/**
 * The rows that can write `path` in an event whose flat fields are `flat` (a label entry is
 * matched by its key, so `labels[0].value` names the row of the key found at `labels[0]`).
 */
const patternCache = new WeakMap<PlannedRow[], RowPattern[]>();

export function rowsWriting(
  rows: PlannedRow[],
  path: string,
  flat: ReadonlyMap<string, unknown>,
): PlannedRow[] {
  let patterns = patternCache.get(rows);
  if (!patterns) patternCache.set(rows, (patterns = patternsOf(rows)));
  return patterns
    .filter(({ row, pattern }) => {
      const match = pattern.exec(path);
      if (!match) return false;
      if (row.out.write.mode !== 'label') return true;
      const keyPath = path.replace(/\.(key|value)$/, '.key');
      return flat.get(keyPath) === undefined || flat.get(keyPath) === row.out.write.key;
    })
    .map(({ row }) => row);
}
