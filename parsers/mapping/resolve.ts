/**
 * Resolving rows against the UDM schema: where each row writes, in proto3 JSON terms, and
 * whether what it writes fits the field. The result (a plan) drives both the code generator and
 * the reference interpreter, so the two cannot disagree about where a value goes.
 */

import { diagnostic, type Diagnostic } from '../diagnostics';
import type { Mapping, Row } from './model';
import { resolveUdmPath, type UdmField } from './udm-schema';

/** How to step from a message into one of its fields on the way to the target. */
export interface WriteStep {
  /** The proto name (snake_case), as UDM paths write it. */
  name: string;
  jsonName: string;
  /** `object`: a singular message; `first`: the one element the mapping fills of a repeated one. */
  how: 'object' | 'first';
}

export type WriteMode =
  | { mode: 'set' }
  | { mode: 'push' }
  | { mode: 'label'; key: string }
  | { mode: 'struct'; key: string }
  | { mode: 'element'; elementType: string };

export interface Target {
  parents: WriteStep[];
  /** The JSON name written last: a field, a list, or the Struct that receives `key`. */
  field: string;
  /** The same field's proto name. */
  fieldName: string;
  write: WriteMode;
  leaf: UdmField;
}

export type PlannedRow = Row & { out: Target; children: PlannedRow[] };

export interface Plan {
  mapping: Mapping;
  rows: PlannedRow[];
}

const ROOT = 'google.backstory.UDM';
const LABEL = 'google.backstory.Label';

export function planMapping(mapping: Mapping): { plan: Plan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const rows = planRows(mapping.rows, ROOT, diagnostics);
  return { plan: { mapping, rows }, diagnostics };
}

function planRows(rows: Row[], from: string, diagnostics: Diagnostic[]): PlannedRow[] {
  const planned: PlannedRow[] = [];
  for (const row of rows) {
    const result = planRow(row, from, diagnostics);
    if (result) planned.push(result);
  }
  return planned;
}

function planRow(row: Row, from: string, diagnostics: Diagnostic[]): PlannedRow | undefined {
  const report = (message: string, key = 'target') =>
    diagnostics.push(diagnostic('mapping_target', row.keyLoc[key] ?? row.loc, message, row.id));

  const resolution = resolveUdmPath(row.target, from);
  if ('error' in resolution) return void report(resolution.error);
  const out = targetOf(row, resolution.fields, resolution.structMap);
  if (typeof out === 'string') return void report(out);
  const problem = valueProblem(row, out);
  if (problem) return void report(problem.message, problem.key);

  const children =
    row.kind === 'for_each' && out.write.mode === 'element'
      ? planRows(row.rows, out.write.elementType, diagnostics)
      : [];
  return { ...row, out, children };
}

/** Works out how to write the target, or says why the row cannot write there. */
function targetOf(row: Row, fields: UdmField[], structMap: boolean): Target | string {
  const leaf = fields[fields.length - 1];
  const parents: WriteStep[] = fields.slice(0, -1).map((f) => ({
    name: f.name,
    jsonName: f.jsonName,
    how: f.repeated ? 'first' : 'object',
  }));
  const base = { parents, field: leaf.jsonName, fieldName: leaf.name, leaf };

  if (row.kind === 'for_each') {
    if (leaf.kind !== 'message' || !leaf.repeated) {
      return `'for_each' needs a repeated message as target; '${row.target}' is not one`;
    }
    return { ...base, write: { mode: 'element', elementType: leaf.typeName as string } };
  }
  if (structMap) return keyed(row, { ...base, write: { mode: 'struct', key: row.key ?? '' } });
  if (leaf.kind === 'message' && leaf.typeName === LABEL && leaf.repeated) {
    return keyed(row, { ...base, write: { mode: 'label', key: row.key ?? '' } });
  }
  if (row.key !== undefined) {
    return (
      "'key' belongs to labels, detection_fields and additional.fields; " +
      `'${row.target}' takes a plain value`
    );
  }
  if (leaf.kind === 'message' || leaf.kind === 'struct') {
    return `'${row.target}' is a message; name one of its fields`;
  }
  return { ...base, write: { mode: leaf.repeated ? 'push' : 'set' } };
}

function keyed(row: Row, target: Target): Target | string {
  if (row.key === undefined) return `'${row.target}' holds key/value entries: give the row a 'key'`;
  return target;
}

/** Checks that what the row writes fits the field's type. */
function valueProblem(row: Row, out: Target): { message: string; key?: string } | undefined {
  const leaf = out.leaf;
  const isTimestamp = row.kind === 'copy' && row.transform?.name === 'timestamp';
  if (out.write.mode === 'element' || out.write.mode === 'label' || out.write.mode === 'struct') {
    return isTimestamp
      ? { message: 'only timestamp fields take a timestamp', key: 'transform' }
      : undefined;
  }
  if (leaf.kind === 'timestamp' && !isTimestamp) {
    return { message: `'${row.target}' is a timestamp: add 'transform: timestamp'` };
  }
  if (leaf.kind !== 'timestamp' && isTimestamp) {
    return { message: `'${row.target}' is not a timestamp field`, key: 'transform' };
  }
  if (leaf.kind === 'enum') return enumProblem(row, leaf);
  if (leaf.kind !== 'string' && leaf.kind !== 'timestamp') {
    return { message: `writing ${leaf.kind} fields is not supported yet ('${row.target}')` };
  }
  return undefined;
}

function enumProblem(row: Row, leaf: UdmField): { message: string; key?: string } | undefined {
  const names = new Set(leaf.enumValues);
  const some = [...names]
    .filter((n) => !n.endsWith('UNSPECIFIED'))
    .slice(0, 6)
    .join(', ');
  const bad = (value: string, key: string) => ({
    message: `'${value}' is not a value of ${leaf.typeName} (${row.target}), such as ${some}, …`,
    key,
  });
  if (row.kind === 'copy') {
    return { message: `'${row.target}' is an enum: use 'constant' or 'table', not a copy` };
  }
  if (row.kind === 'constant' && !names.has(row.value)) return bad(row.value, 'constant');
  if (row.kind !== 'table') return undefined;
  const wrong = row.table.find(([, value]) => !names.has(value));
  if (wrong) return bad(wrong[1], `table.${wrong[0]}`);
  if (row.fallback !== undefined && !names.has(row.fallback)) return bad(row.fallback, 'default');
  return undefined;
}
