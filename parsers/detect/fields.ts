/**
 * Field access over a UDM event (§3.5, §3.6). A rule path is snake_case; events are proto3 JSON,
 * so each step is translated through the UDM schema, which also says which steps are repeated.
 */

import type { ExprOf } from '../yaral/ast';
import { timestamp } from '../mapping/runtime';
import { resolveUdmPath, type UdmField, type UdmKind } from '../mapping/udm-schema';
import { enumNamesByNumber } from '../mapping/udm-schema';
import type { Copy, Scalar, UdmEvent } from './types';

export interface Segment {
  json: string;
  repeated: boolean;
  /** An explicit `[i]`: the step is not expanded. */
  index?: number;
  /** JSON path up to and including this step: the key of its element choice in a Copy. */
  prefix: string;
}

type Leaf =
  | { op: 'plain'; kind: UdmKind; enumValues?: string[] }
  | { op: 'seconds' }
  | { op: 'map'; json: string; key: string }
  | { op: 'label'; json: string; key: string };

export interface FieldAccess {
  variable: string;
  segments: Segment[];
  leaf: Leaf;
  /** Enum names by number, for ordered comparisons; the first is the zero value. */
  enumValues?: string[];
}

const MAX_COPIES = 1024;

/** Resolves a field expression against the schema, or returns why it cannot be read. */
export function compileField(field: ExprOf<'field'>): FieldAccess | string {
  const names: string[] = [];
  const marks: ({ index: number } | { key: string } | undefined)[] = [];
  for (const step of field.path) {
    if (step.kind === 'name') {
      names.push(step.name);
      marks.push(undefined);
    } else if (marks.length && !marks[marks.length - 1]) {
      marks[marks.length - 1] = step.kind === 'index' ? { index: step.index } : { key: step.key };
    } else return 'only one index or key per field step is supported';
  }
  return buildAccess(field.variable, names, marks);
}

function buildAccess(
  variable: string,
  names: string[],
  marks: ({ index: number } | { key: string } | undefined)[],
): FieldAccess | string {
  let seconds = false;
  let path = names.join('.');
  if (names[names.length - 1] === 'seconds' && names.length > 1) {
    const ts = resolveUdmPath(names.slice(0, -1).join('.'));
    if ('fields' in ts && ts.fields[ts.fields.length - 1].kind === 'timestamp') {
      seconds = true;
      path = names.slice(0, -1).join('.');
    }
  }
  const res = resolveUdmPath(path);
  if ('error' in res) return res.error;
  const last = marks[names.length - 1];
  const lastKey = last && 'key' in last ? last.key : undefined;
  if (res.structMap) return mapAccess(variable, res.fields, lastKey);
  const fields = res.fields;
  const leafField = fields[fields.length - 1];
  if (lastKey !== undefined) return labelAccess(variable, fields, marks, lastKey);
  const segments = toSegments(fields, marks);
  if (seconds) return { variable, segments, leaf: { op: 'seconds' } };
  const enumValues =
    leafField.kind === 'enum' ? enumNamesByNumber(leafField.typeName as string) : undefined;
  const leaf: Leaf = { op: 'plain', kind: leafField.kind, enumValues };
  return { variable, segments, leaf, enumValues };
}

function toSegments(
  fields: UdmField[],
  marks: ({ index: number } | { key: string } | undefined)[],
): Segment[] {
  const segments: Segment[] = [];
  let prefix = '';
  fields.forEach((f, i) => {
    prefix = prefix ? `${prefix}.${f.jsonName}` : f.jsonName;
    const mark = marks[i];
    const index = mark && 'index' in mark ? mark.index : undefined;
    segments.push({ json: f.jsonName, repeated: f.repeated, index, prefix });
  });
  return segments;
}

/** `additional.fields["k"]`: the struct member, always read as a string. */
function mapAccess(variable: string, fields: UdmField[], key?: string): FieldAccess | string {
  if (key === undefined) return 'a map field needs a ["key"] access';
  const segments = toSegments(fields.slice(0, -1), []);
  return { variable, segments, leaf: { op: 'map', json: fields[fields.length - 1].jsonName, key } };
}

/** `…labels["k"]`: the value of the key/value element whose key is k. */
function labelAccess(
  variable: string,
  fields: UdmField[],
  marks: ({ index: number } | { key: string } | undefined)[],
  key: string,
): FieldAccess | string {
  const last = fields[fields.length - 1];
  if (!last.repeated || last.kind !== 'message') return `'${last.name}' is not a map`;
  const segments = toSegments(fields.slice(0, -1), marks);
  return { variable, segments, leaf: { op: 'label', json: last.jsonName, key } };
}

export function zeroValue(access: FieldAccess): Scalar {
  const leaf = access.leaf;
  if (leaf.op !== 'plain') return leaf.op === 'seconds' ? 0 : '';
  switch (leaf.kind) {
    case 'integer':
    case 'float':
    case 'timestamp':
      return 0;
    case 'bool':
      return false;
    case 'enum':
      return leaf.enumValues?.[0] ?? '';
    default:
      return '';
  }
}

/**
 * Milliseconds since the epoch of a UDM timestamp; NaN when it is none. A time without a zone is
 * UTC, as `udm map` takes it (Date.parse would read it in the machine's zone).
 */
export function timestampMillis(v: unknown): number {
  const utc = timestamp(v);
  return utc === undefined ? NaN : Date.parse(utc);
}

function seconds(v: unknown): number {
  const ms = timestampMillis(v);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function leafValues(node: unknown, leaf: Leaf): Scalar[] {
  const value = leafValue(node, leaf);
  return value === undefined ? [] : [value];
}

/** The leaf's value under `node`, or undefined when it is absent. */
function leafValue(node: unknown, leaf: Leaf): Scalar | undefined {
  if (leaf.op === 'map') {
    const v = (node as Record<string, unknown> | undefined)?.[leaf.json];
    // Own keys only: `["__proto__"]` or `["constructor"]` must not read Object.prototype.
    const own = typeof v === 'object' && v !== null && Object.hasOwn(v, leaf.key);
    const member = own ? (v as Record<string, unknown>)[leaf.key] : undefined;
    if (member === undefined || member === null) return undefined;
    return typeof member === 'string' ? member : JSON.stringify(member);
  }
  if (leaf.op === 'label') {
    const list = (node as Record<string, unknown> | undefined)?.[leaf.json];
    if (!Array.isArray(list)) return undefined;
    const hit = list.find((l) => (l as { key?: unknown })?.key === leaf.key);
    return hit ? String((hit as { value?: unknown }).value ?? '') : undefined;
  }
  if (node === undefined || node === null) return undefined;
  if (leaf.op === 'seconds') return seconds(node);
  return plainValue(node, leaf.kind);
}

function plainValue(node: unknown, kind: UdmKind): Scalar {
  if (kind === 'integer' || kind === 'float') return Number(node);
  if (kind === 'timestamp') return seconds(node);
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') {
    return node;
  }
  return JSON.stringify(node);
}

/**
 * The values at the field. With a copy, each unindexed repeated step takes the copy's element, so
 * at most one value comes back; without one, every element is taken (for any/all and outcomes).
 */
export function readValues(event: UdmEvent, access: FieldAccess, copy?: Copy): Scalar[] {
  const walk = (node: unknown, i: number): Scalar[] => {
    if (i === access.segments.length) return leafValues(node, access.leaf);
    const seg = access.segments[i];
    const v = (node as Record<string, unknown> | undefined)?.[seg.json];
    if (!seg.repeated) return walk(v, i + 1);
    const list = Array.isArray(v) ? v : [];
    if (seg.index !== undefined) return walk(list[seg.index], i + 1);
    if (copy) {
      const at = copy.get(seg.prefix) ?? -1;
      return at < 0 ? walk(undefined, i + 1) : walk(list[at], i + 1);
    }
    return list.flatMap((el) => walk(el, i + 1));
  };
  return walk(event, 0);
}

/**
 * Whether any value at the field passes `test`, every element of its repeated steps taken (as
 * readValues gives them, without making the list): the screening of filters that copies expand.
 */
export function someValue(
  node: unknown,
  access: FieldAccess,
  test: (value: Scalar) => boolean,
  step = 0,
): boolean {
  if (step === access.segments.length) {
    const value = leafValue(node, access.leaf);
    return value !== undefined && test(value);
  }
  const seg = access.segments[step];
  const v = (node as Record<string, unknown> | undefined)?.[seg.json];
  if (!seg.repeated) return someValue(v, access, test, step + 1);
  if (!Array.isArray(v)) return false;
  if (seg.index !== undefined) return someValue(v[seg.index], access, test, step + 1);
  for (const element of v) if (someValue(element, access, test, step + 1)) return true;
  return false;
}

/**
 * One value per copy: the zero value when the field is absent (§3.5). Each repeated step takes
 * the copy's element (or its index), so the walk needs no list: the hot path of every filter.
 */
export function readOne(event: UdmEvent, access: FieldAccess, copy: Copy): Scalar {
  let node: unknown = event;
  for (const seg of access.segments) {
    const v = (node as Record<string, unknown> | undefined)?.[seg.json];
    if (!seg.repeated) {
      node = v;
      continue;
    }
    const at = seg.index ?? copy.get(seg.prefix) ?? -1;
    node = Array.isArray(v) && at >= 0 ? v[at] : undefined;
  }
  return leafValue(node, access.leaf) ?? zeroValue(access);
}

/** Every element, or the zero value alone for an absent field. */
export function readAll(event: UdmEvent, access: FieldAccess): Scalar[] {
  const values = readValues(event, access);
  return values.length ? values : [zeroValue(access)];
}

/** The expansion points of unindexed repeated steps, shallowest first. */
export function expansionPrefixes(accesses: FieldAccess[]): Segment[][] {
  const byPrefix = new Map<string, Segment[]>();
  for (const a of accesses) {
    a.segments.forEach((seg, i) => {
      if (seg.repeated && seg.index === undefined) {
        byPrefix.set(seg.prefix, a.segments.slice(0, i + 1));
      }
    });
  }
  return [...byPrefix.values()].sort((x, y) => x.length - y.length);
}

/** Every transient copy of the event (§3.6), as a Cartesian product over nested lists. */
export function enumerateCopies(event: UdmEvent, prefixes: Segment[][]): Copy[] {
  let copies: Map<string, number>[] = [new Map()];
  for (const segs of prefixes) {
    const next: Map<string, number>[] = [];
    for (const copy of copies) {
      const n = listLength(event, segs, copy);
      for (let i = 0; i < Math.max(n, 1); i++) {
        if (next.length >= MAX_COPIES) break;
        next.push(new Map(copy).set(segs[segs.length - 1].prefix, n ? i : -1));
      }
    }
    copies = next;
  }
  return copies;
}

function listLength(event: UdmEvent, segs: Segment[], copy: Copy): number {
  let node: unknown = event;
  for (const [i, seg] of segs.entries()) {
    const v = (node as Record<string, unknown> | undefined)?.[seg.json];
    if (i === segs.length - 1) return Array.isArray(v) ? v.length : 0;
    if (!seg.repeated) node = v;
    else if (!Array.isArray(v)) return 0;
    else node = v[seg.index ?? copy.get(seg.prefix) ?? -1];
  }
  return 0;
}
