/**
 * Loading a mapping file: YAML → checked structure → the model in ./model.ts. Every problem is
 * returned as a located diagnostic; nothing here throws for bad input or prints.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import {
  diagnostic,
  type Diagnostic,
  type DiagnosticCode,
  type SourceLocation,
} from '../diagnostics';
import { mappingFileSchema } from './mapping-schema';
import type { AcceptTest, Condition, Mapping, Row, Transform } from './model';

export interface LoadResult {
  mapping?: Mapping;
  diagnostics: Diagnostic[];
}

type Json = Record<string, unknown>;
type PathKey = string | number;

const validateStructure = new Ajv({ allErrors: true, strict: true }).compile(mappingFileSchema);

/** Reads and checks a mapping file; diagnostics name it `shownAs` (by default as given). */
export function loadMappingFile(file: string, shownAs = file): LoadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const where = { file: shownAs, line: 1, column: 1 };
    return { diagnostics: [at(where, 'mapping_unreadable', reason)] };
  }
  return loadMapping(text, shownAs);
}

export function loadMapping(text: string, file: string): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const locate = (path: PathKey[], keyOf?: string) => locationOf(doc, lines, file, path, keyOf);

  if (doc.errors.length > 0) return { diagnostics: doc.errors.map((e) => yamlError(e, file)) };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (err) {
    // An alias bomb or an alias to no anchor: yaml refuses while building the value.
    const message = err instanceof Error ? err.message : String(err);
    return { diagnostics: [at({ file, line: 1, column: 1 }, 'mapping_yaml', message)] };
  }

  const diagnostics: Diagnostic[] = [];
  const badRows = new Set<number>();
  if (!validateStructure(data)) {
    const errors = validateStructure.errors ?? [];
    diagnostics.push(...structureErrors(errors, data, locate));
    // Rows with structure errors are left out; the others are still checked, so one run
    // reports every problem. A problem outside the rows stops here.
    for (const error of errors) {
      const row = /^\/rows\/(\d+)(\/|$)/.exec(error.instancePath);
      if (!row) return { diagnostics };
      badRows.add(Number(row[1]));
    }
  }

  const json = data as unknown as Json;
  const rows = buildRows(json.rows as Json[], ['rows'], locate, diagnostics, badRows);
  reportDuplicateIds(rows, diagnostics);
  const mapping: Mapping = {
    file,
    logType: json.log_type as string,
    title: (json.title as string | undefined) ?? (json.log_type as string),
    accept: buildAccept((json.accept as Json[] | undefined) ?? [], locate),
    rows,
    knownValues: new Map(Object.entries((json.known_values as Record<string, string[]>) ?? {})),
    ignore: ((json.ignore as Json[] | undefined) ?? []).map((item, i) => ({
      source: toList(item.source as string | string[]),
      reason: item.reason as string,
      loc: locate(['ignore', i]),
    })),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
  return { mapping, diagnostics };
}

function at(loc: SourceLocation, code: DiagnosticCode, message: string, row?: string): Diagnostic {
  return diagnostic(code, loc, message, row);
}

function yamlError(
  error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] },
  file: string,
): Diagnostic {
  const pos = error.linePos?.[0] ?? { line: 1, col: 1 };
  const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return at({ file, line: pos.line, column: pos.col }, 'mapping_yaml', message);
}

/** Finds the YAML node at a data path (a key node when `keyOf` names a property). */
function locationOf(
  doc: Document,
  lines: LineCounter,
  file: string,
  path: PathKey[],
  keyOf?: string,
): SourceLocation {
  let node: unknown = doc.contents;
  let offset = 0;
  for (const step of keyOf === undefined ? path : [...path, keyOf]) {
    const next = childNode(node, step, step === keyOf);
    if (next === undefined) break;
    node = next;
  }
  const range = (node as { range?: [number, number, number] } | null)?.range;
  if (range) offset = range[0];
  const pos = lines.linePos(offset);
  const end = range ? lines.linePos(range[1]) : undefined;
  const sameLine = end !== undefined && end.line === pos.line && end.col > pos.col;
  return { file, line: pos.line, column: pos.col, ...(sameLine ? { endColumn: end.col } : {}) };
}

function childNode(node: unknown, step: PathKey, wantKey: boolean): unknown {
  if (isSeq(node) && typeof step === 'number') return node.items[step];
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === step);
  if (!pair) return undefined;
  return wantKey ? pair.key : pair.value;
}

function structureErrors(
  errors: ErrorObject[],
  data: unknown,
  locate: (path: PathKey[], keyOf?: string) => SourceLocation,
): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of errors) {
    const path = error.instancePath.split('/').slice(1).map(unescapePointer);
    const extra = error.params.additionalProperty as string | undefined;
    const id = `${error.instancePath}|${extra ?? ''}`;
    if (seen.has(id) || isShadowed(error, errors)) continue;
    seen.add(id);
    out.push(at(locate(path, extra), 'mapping_schema', describe(error, path), rowIdAt(data, path)));
  }
  return out;
}

function unescapePointer(step: string): PathKey {
  const key = step.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^[0-9]+$/.test(key) ? Number(key) : key;
}

/** An anyOf failure says less than the errors of its branches at deeper paths. */
function isShadowed(error: ErrorObject, all: ErrorObject[]): boolean {
  if (error.keyword !== 'anyOf') return false;
  return all.some((e) => e !== error && e.instancePath.startsWith(error.instancePath + '/'));
}

const SOURCE_PATH =
  'a record path such as detail.resources[0].ARN: letters, digits, _ and -, with [n] ' +
  'indexes, never __proto__, constructor or prototype';

/** What each key accepts, said once, for messages about values of the wrong form. */
const ALLOWED: Record<string, string> = {
  id: 'a lowercase letter, then up to 63 lowercase letters, digits or _',
  target: 'a UDM field path in snake_case, such as principal.user.userid',
  source: SOURCE_PATH,
  for_each: SOURCE_PATH,
  key: 'letters, digits and _ . : -, but not __proto__, constructor or prototype',
  log_type: 'upper-case letters, digits and _, such as AWS_KMS',
  transform: "'timestamp' or { after: TEXT }",
  when: 'a condition { source, and one of present, equals, in, is_ip }, or a list of them',
  spec: 'a row number of the documented table, or a list of them',
  overrides: 'a row id, or a list of row ids',
  table:
    'a map of source values to UDM values; a key cannot be __proto__, constructor or prototype',
};

function describe(error: ErrorObject, path: PathKey[]): string {
  const field = String(path.filter((p) => typeof p === 'string').pop() ?? 'file');
  if (path.length === 0 && error.keyword === 'type') {
    return 'the file is empty or not a map: a mapping needs log_type and rows';
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key '${String(error.params.additionalProperty)}'`;
    case 'required':
      return `missing key '${String(error.params.missingProperty)}'`;
    case 'pattern':
    case 'not':
    case 'anyOf':
    case 'propertyNames':
    case 'const':
      return `'${field}' must be ${ALLOWED[field] ?? 'of its documented form'}`;
    default:
      return `'${field}' ${error.message ?? 'is invalid'}`;
  }
}

function rowIdAt(data: unknown, path: PathKey[]): string | undefined {
  let node = data as Json | undefined;
  let id: string | undefined;
  for (const step of path) {
    node = (node as Record<PathKey, unknown> | undefined)?.[step] as Json | undefined;
    const candidate = node && typeof node === 'object' ? node.id : undefined;
    // Only a well-formed id is named: a malformed one is the problem, not a label for it.
    if (typeof candidate === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(candidate)) id = candidate;
  }
  return id;
}

function buildAccept(items: Json[], locate: (path: PathKey[]) => SourceLocation): AcceptTest[] {
  return items.map((item, i) => ({
    source: item.source as string,
    equals: item.equals as string,
    whenAbsent: (item.when_absent as 'accept' | 'skip' | undefined) ?? 'skip',
    loc: locate(['accept', i]),
  }));
}

const LOGIC_KEYS = ['constant', 'table', 'for_each'] as const;

function buildRows(
  items: Json[],
  path: PathKey[],
  locate: (path: PathKey[], keyOf?: string) => SourceLocation,
  diagnostics: Diagnostic[],
  leaveOut: ReadonlySet<number> = new Set(),
): Row[] {
  const rows: Row[] = [];
  items.forEach((item, i) => {
    if (leaveOut.has(i)) return;
    const row = buildRow(item, [...path, i], locate, diagnostics);
    if (row) rows.push(row);
  });
  return rows;
}

function buildRow(
  item: Json,
  path: PathKey[],
  locate: (path: PathKey[], keyOf?: string) => SourceLocation,
  diagnostics: Diagnostic[],
): Row | undefined {
  const id = item.id as string;
  const loc = locate(path);
  const logic = LOGIC_KEYS.filter((k) => k in item);
  const problem = logicProblem(item, logic);
  if (problem) {
    diagnostics.push(at(locate(path, problem.key), 'mapping_row_logic', problem.message, id));
    return undefined;
  }

  const common = {
    id,
    spec: toList(item.spec as number | number[] | undefined),
    target: item.target as string,
    ...(typeof item.key === 'string' ? { key: item.key } : {}),
    when: toList(item.when as Json | Json[] | undefined).map(buildCondition),
    required: item.required === true,
    overrides: toList(item.overrides as string | string[] | undefined),
    loc,
    keyLoc: keyLocations(item, path, locate),
  };
  const source = toList(item.source as string | string[] | undefined);
  switch (logic[0]) {
    case 'constant':
      return { ...common, kind: 'constant', value: item.constant as string };
    case 'table':
      return { ...common, kind: 'table', source, ...tableOf(item) };
    case 'for_each': {
      const rows = buildRows(item.rows as Json[], [...path, 'rows'], locate, diagnostics);
      return { ...common, kind: 'for_each', source: item.for_each as string, rows };
    }
    default:
      return { ...common, kind: 'copy', source, transform: transformOf(item.transform) };
  }
}

/** Each row has exactly one logic: copy (a source alone), constant, table or for_each. */
function logicProblem(
  item: Json,
  logic: readonly string[],
): { key?: string; message: string } | undefined {
  if (logic.length > 1) {
    return {
      key: logic[1],
      message: `a row has one logic, not both '${logic[0]}' and '${logic[1]}'`,
    };
  }
  const kind = logic[0] ?? 'copy';
  if (kind === 'constant' && 'source' in item) {
    return { key: 'source', message: "a 'constant' row takes no 'source'" };
  }
  if ((kind === 'copy' || kind === 'table') && !('source' in item)) {
    return { message: `a ${kind} row needs a 'source'` };
  }
  if (kind === 'for_each' && !('rows' in item)) return { message: "'for_each' needs 'rows'" };
  if (kind !== 'for_each' && 'rows' in item) {
    return { key: 'rows', message: "only a 'for_each' row has 'rows'" };
  }
  if ('default' in item && kind !== 'table') {
    return { key: 'default', message: "only a 'table' row has a 'default'" };
  }
  if ('transform' in item && kind !== 'copy') {
    return { key: 'transform', message: `a ${kind} row takes no 'transform'` };
  }
  return undefined;
}

/** Where each key's value is, and each item of a list value (`source.1`, `when.0`). */
function keyLocations(
  item: Json,
  path: PathKey[],
  locate: (path: PathKey[]) => SourceLocation,
): Record<string, SourceLocation> {
  const locations: Record<string, SourceLocation> = {};
  for (const [key, value] of Object.entries(item)) {
    locations[key] = locate([...path, key]);
    if (key === 'table' && value && typeof value === 'object') {
      // Each entry of a value table, so a wrong value is pointed at where it is written.
      for (const entry of Object.keys(value))
        locations[`table.${entry}`] = locate([...path, key, entry]);
    }
    if (!Array.isArray(value)) continue;
    value.forEach((_, i) => (locations[`${key}.${i}`] = locate([...path, key, i])));
  }
  return locations;
}

function tableOf(item: Json): { table: [string, string][]; fallback?: string } {
  const table = Object.entries(item.table as Record<string, string>);
  return typeof item.default === 'string' ? { table, fallback: item.default } : { table };
}

function transformOf(value: unknown): Transform | undefined {
  if (value === 'timestamp') return { name: 'timestamp' };
  if (value && typeof value === 'object')
    return { name: 'after', marker: (value as Json).after as string };
  return undefined;
}

function buildCondition(item: Json): Condition {
  const source = toList(item.source as string | string[]);
  if ('present' in item) return { source, test: 'present', expected: item.present as boolean };
  if ('equals' in item) return { source, test: 'equals', expected: item.equals as string };
  if ('in' in item) return { source, test: 'in', expected: item.in as string[] };
  return { source, test: 'is_ip', expected: item.is_ip as boolean };
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function reportDuplicateIds(rows: Row[], diagnostics: Diagnostic[]): void {
  const first = new Map<string, Row>();
  const visit = (row: Row) => {
    const earlier = first.get(row.id);
    if (earlier) {
      const message = `row id '${row.id}' is already used at line ${earlier.loc.line}`;
      diagnostics.push(at(row.loc, 'mapping_duplicate_id', message, row.id));
    } else first.set(row.id, row);
    if (row.kind === 'for_each') row.rows.forEach(visit);
  };
  rows.forEach(visit);
}
