/** Small facts about rows that the compiler, the interpreter and the checks all need. */

import type { Row, SourcePath } from './model';

/** The source paths a row reads its value from (none for constants; for_each reads a list). */
export function rowSources(row: Row): SourcePath[] {
  if (row.kind === 'for_each') return [row.source];
  return row.kind === 'constant' ? [] : row.source;
}

/**
 * Why a record is rejected when a required row finds nothing. It names the row by id, not by
 * line, so goldens that record the reason do not change when lines above the row move.
 */
export function requiredMessage(file: string, row: Row): string {
  const sources = rowSources(row).join(' or ') || 'its logic';
  return `${file} row ${row.id}: no ${row.target} from ${sources}`;
}

/** A row as diagnostics and diffs name it: `mappings/aws_kms.yaml:77 region`. */
export function rowLabel(file: string, row: Row): string {
  return `${file}:${row.loc.line} ${row.id}`;
}

/** Every row, for_each children included, in file order. */
export function allRows<T extends { children?: T[] }>(rows: T[]): T[] {
  return rows.flatMap((row) => [row, ...allRows(row.children ?? [])]);
}
