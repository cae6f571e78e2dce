/**
 * Rows in words, as the columns of Google's mapping table put them: where the value comes from
 * (Log field), where it goes (UDM field) and what happens on the way (Logic).
 */

import type { Condition, Row, Transform } from '../mapping/model';
import { code } from './markdown';

export type LeafRow = Exclude<Row, { kind: 'for_each' }>;

/** A row as the docs list it: the rows of a `for_each` are listed one by one, in its place. */
export interface ListedRow {
  row: LeafRow;
  /** Put before the row's source paths: `data.`, or `data.detail.resources[].` in a for_each. */
  sourcePrefix: string;
  /** Put before the row's target: `` or `about[].` in a for_each. */
  targetPrefix: string;
  /** The repeated message the row fills one element of per item, and the items' source. */
  each?: { target: string; source: string };
}

export function listRows(rows: Row[], sourcePrefix = 'data.', targetPrefix = ''): ListedRow[] {
  return rows.flatMap((row): ListedRow[] => {
    if (row.kind !== 'for_each') return [{ row, sourcePrefix, targetPrefix }];
    const each = { target: targetPrefix + row.target, source: sourcePrefix + row.source };
    const inner = listRows(row.rows, `${each.source}[].`, `${each.target}[].`);
    return inner.map((item) => ({ ...item, each: item.each ?? each }));
  });
}

/** Source paths joined by "or"; with `markOurs`, fallbacks after the first are marked "(ours)". */
export function logField(item: ListedRow, markOurs: boolean): string {
  const { row, sourcePrefix } = item;
  if (row.kind === 'constant') return '(constant)';
  const paths = row.source.map((s, i) => {
    const ours = markOurs && i > 0 ? ' (ours)' : '';
    return code(sourcePrefix + s) + ours;
  });
  return row.kind === 'table' ? `(derived from ${paths.join(' or ')})` : paths.join(' or ');
}

export function targetOf(item: ListedRow): string {
  return item.targetPrefix + item.row.target;
}

/** The UDM field; a key/value entry is named by its key: `additional.fields["requestID"]`. */
export function udmField(item: ListedRow): string {
  const { key } = item.row;
  return code(key === undefined ? targetOf(item) : `${targetOf(item)}[${JSON.stringify(key)}]`);
}

export function logic(item: ListedRow): string {
  return [baseLogic(item.row), ...qualifiers(item)].join('; ');
}

function baseLogic(row: LeafRow): string {
  switch (row.kind) {
    case 'constant':
      return `constant ${code(row.value)}`;
    case 'table':
      return 'value table (see below)';
    default:
      return transformText(row.transform);
  }
}

function transformText(transform: Transform | undefined): string {
  if (!transform) return 'copied';
  if (transform.name === 'timestamp') return 'parsed timestamp (ISO 8601 → RFC 3339 UTC)';
  return `text after ${code(transform.marker)}`;
}

function qualifiers(item: ListedRow): string[] {
  const { row, each } = item;
  const words: string[] = [];
  if (each) words.push(`one ${code(each.target)} element per item of ${code(each.source)}`);
  if (row.when.length > 0) {
    const tests = row.when.map((c) => conditionText(c, item.sourcePrefix));
    words.push(`only when ${tests.join(' and ')}`);
  }
  if (row.overrides.length > 0) words.push(`wins over row ${row.overrides.map(code).join(', ')}`);
  if (row.required) words.push('required: a record without it is rejected');
  return words;
}

export function conditionText(condition: Condition, sourcePrefix: string): string {
  const subject = condition.source.map((s) => code(sourcePrefix + s)).join(' or ');
  switch (condition.test) {
    case 'present':
      return `${subject} is ${condition.expected ? 'present' : 'absent'}`;
    case 'equals':
      return `${subject} is ${code(condition.expected)}`;
    case 'in':
      return `${subject} is one of ${condition.expected.map(code).join(', ')}`;
    case 'is_ip':
      return `${subject} is ${condition.expected ? 'an IP address' : 'not an IP address'}`;
  }
}
