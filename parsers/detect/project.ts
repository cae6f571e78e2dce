/**
 * The part of a UDM event that rules read. `udm detect` holds up to 20,000 events to put its
 * input in time order; a whole mapped event is about 60 strings in 20 objects, a held one only
 * the fields the loaded rules read (a few strings), which keeps the collector's work and the
 * heap small. Rules see exactly the values they would see in the whole event: each kept field
 * is copied whole, lists keep every element in place (copies and `[i]` index them).
 */

import type { FieldAccess } from './fields';
import type { UdmEvent } from './types';

/** The JSON names below a message that are kept; `KEEP`: the whole value. */
type Keep = typeof KEEP | Map<string, Keep>;
const KEEP = 'keep';

/** A Keep tree as arrays, which the projection walks without allocating. */
type Kept = typeof KEEP | { keys: string[]; below: Kept[] };

/** What `udm detect` reads of every event itself: its time and its id (stream.ts). */
const ALWAYS: string[][] = [
  ['metadata', 'eventTimestamp'],
  ['metadata', 'productLogId'],
  ['metadata', 'id'],
];

/** The JSON path of what an access reads, down to the value it compares. */
function keptPath(access: FieldAccess): string[] {
  const path = access.segments.map((segment) => segment.json);
  const { leaf } = access;
  if (leaf.op === 'map') return [...path, leaf.json, leaf.key];
  if (leaf.op === 'label') return [...path, leaf.json];
  return path;
}

function insert(tree: Map<string, Keep>, path: string[]): void {
  let node: Keep = tree;
  for (const [i, key] of path.entries()) {
    if (node === KEEP) return;
    const child: Keep | undefined = node.get(key);
    if (i === path.length - 1) node.set(key, KEEP);
    else if (child === undefined) node.set(key, (node = new Map()));
    else node = child;
  }
}

function asArrays(keep: Keep): Kept {
  if (keep === KEEP) return KEEP;
  return { keys: [...keep.keys()], below: [...keep.values()].map(asArrays) };
}

/** A function that cuts an event down to what `accesses` (and the stream) read of it. */
export function projection(accesses: FieldAccess[]): (event: UdmEvent) => UdmEvent {
  const tree = new Map<string, Keep>();
  for (const path of [...ALWAYS, ...accesses.map(keptPath)]) insert(tree, path);
  const kept = asArrays(tree);
  return (event) => project(event, kept) as UdmEvent;
}

function project(value: unknown, keep: Kept): unknown {
  if (keep === KEEP || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((element) => project(element, keep));
  const source = value as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  const { keys, below } = keep;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!Object.hasOwn(source, key)) continue;
    const child = project(source[key], below[i]);
    // `__proto__` from a rule's map key stays data, as it is in the parsed event.
    if (key !== '__proto__') kept[key] = child;
    else Object.defineProperty(kept, key, { value: child, enumerable: true, writable: true });
  }
  return kept;
}
