/**
 * The shape of the UDM event a mapping writes, worked out once at compile time: which messages
 * exist, in which order their fields come, and which rows feed each field. The code generator
 * walks it twice, to build the event as an object and to write it as JSON text directly, so the
 * two give the same event with the same key order.
 *
 * Fields come in the order of the first row that writes them. Where several rows write one
 * value, the last row that found a value wins (the checks make such rows declare `overrides`
 * or exclusive conditions).
 */

import type { PlannedRow } from './resolve';

/** A value that rows feed: each writer is a row id, in row order. */
export type Field =
  | { kind: 'scalar'; writers: string[] }
  | { kind: 'list'; writers: string[] }
  | { kind: 'labels'; entries: { row: string; key: string }[] }
  | { kind: 'struct'; entries: Map<string, string[]> }
  | { kind: 'elements'; writers: string[] };

export interface MessageNode {
  kind: 'message';
  /** `first`: a repeated message of which the mapping fills one element. */
  repeated: boolean;
  /** JSON names to what each holds, in the order they are written. */
  fields: Map<string, MessageNode | Field>;
}

/** What the compiler knows of a row's value before any record is read. */
export interface RowFacts {
  /** The row finds a value for every record (an unconditional constant, or a table default). */
  always: boolean;
  /** The value, when it is the same for every record. */
  constant?: string;
  /**
   * The value is one of the record's strings (or a timestamp made of one), or a value the
   * mapping declares that needs no escaping: when the record's strings need none, it is
   * written as it is (`jsonStringAfter`). Text cut out of a string (`after`) is not: the
   * string may be JSON the mapping made of an object.
   */
  verbatim: boolean;
}

export interface Layout {
  root: MessageNode;
  facts: Map<string, RowFacts>;
  /** The layout of one element, for each for_each row among these rows. */
  elements: Map<string, Layout>;
}

/** The layout of a list of rows: the top-level rows, or the children of a for_each row. */
export function layoutRows(rows: PlannedRow[]): Layout {
  const root: MessageNode = { kind: 'message', repeated: false, fields: new Map() };
  for (const row of rows) {
    try {
      place(root, row);
    } catch (error) {
      if (error instanceof LayoutError) error.row = row;
      throw error;
    }
  }
  const facts = new Map(rows.map((row) => [row.id, factsOf(row)]));
  const elements = new Map<string, Layout>();
  for (const row of rows)
    if (row.kind === 'for_each') elements.set(row.id, layoutRows(row.children));
  return { root, facts, elements };
}

function factsOf(row: PlannedRow): RowFacts {
  const verbatim = isVerbatim(row);
  if (row.when.length) return { always: false, verbatim };
  if (row.kind === 'constant') return { always: true, constant: row.value, verbatim };
  return { always: row.kind === 'table' && row.fallback !== undefined, verbatim };
}

function isVerbatim(row: PlannedRow): boolean {
  const plain = (value: string) => JSON.stringify(value) === `"${value}"`;
  switch (row.kind) {
    case 'copy':
      return row.transform === undefined || row.transform.name === 'timestamp';
    case 'constant':
      return plain(row.value);
    case 'table':
      return row.table.every(([, value]) => plain(value)) && plain(row.fallback ?? '');
    default:
      return false;
  }
}

function place(root: MessageNode, row: PlannedRow): void {
  let node = root;
  for (const step of row.out.parents) node = message(node, step.jsonName, step.how === 'first');
  const { write } = row.out;
  const name = row.out.field;

  switch (write.mode) {
    case 'set':
      return void field(node, name, 'scalar').writers.push(row.id);
    case 'push':
      return void field(node, name, 'list').writers.push(row.id);
    case 'element':
      return void field(node, name, 'elements').writers.push(row.id);
    case 'label':
      return void field(node, name, 'labels').entries.push({ row: row.id, key: write.key });
    case 'struct': {
      const entries = field(node, name, 'struct').entries;
      return void entries.set(write.key, [...(entries.get(write.key) ?? []), row.id]);
    }
  }
}

function message(parent: MessageNode, name: string, repeated: boolean): MessageNode {
  const found = parent.fields.get(name);
  if (found?.kind === 'message') return found;
  if (found) throw new LayoutError(name, found.kind, 'a message');
  const node: MessageNode = { kind: 'message', repeated, fields: new Map() };
  parent.fields.set(name, node);
  return node;
}

type FieldOf<K extends Field['kind']> = Extract<Field, { kind: K }>;

function field<K extends Field['kind']>(parent: MessageNode, name: string, kind: K): FieldOf<K> {
  const found = parent.fields.get(name);
  if (found?.kind === kind) return found as FieldOf<K>;
  if (found) throw new LayoutError(name, found.kind, kind);
  const created = (
    kind === 'labels'
      ? { kind, entries: [] }
      : kind === 'struct'
        ? { kind, entries: new Map() }
        : { kind, writers: [] }
  ) as FieldOf<K>;
  parent.fields.set(name, created);
  return created;
}

/**
 * Two rows that fill one repeated message in two ways (`for_each` elements, and fields of its
 * first element). `checkPlan` reports it first, so compiling never meets it.
 */
export class LayoutError extends Error {
  /** The row that met the conflict. */
  row?: PlannedRow;

  constructor(
    readonly field: string,
    readonly was: string,
    readonly wanted: string,
  ) {
    super(`'${field}' is written as ${was} by one row and as ${wanted} by another`);
  }
}
