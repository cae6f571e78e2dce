/**
 * The helpers compiled mappers call, and the reference interpreter too: one definition of what
 * a value means (text, timestamp, IP) for both. Each is small enough for V8 to inline.
 */

import { isIP } from 'node:net';

type Obj = Record<string, unknown>;

/**
 * A source value as UDM text: strings as they are, numbers and booleans spelled out, objects and
 * arrays as compact JSON. Absent, null, empty (``, `{}`, `[]`) and non-data values (functions)
 * are undefined: UDM omits empty values.
 */
export function text(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      // A value of only spaces is as empty as '' (tested only when it starts with one).
      return value === '' || (value.charCodeAt(0) <= 32 && value.trim() === '') ? undefined : value;
    case 'number':
      return Number.isFinite(value) ? String(value) : undefined;
    case 'boolean':
      return String(value);
    case 'object':
      return value === null || isEmptyObject(value) ? undefined : json(value);
    default:
      return undefined;
  }
}

/** Compact JSON text; a value nested too deeply to write back is treated as absent. */
function json(value: object): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function isEmptyObject(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date-time as an RFC 3339 UTC timestamp, as proto3 JSON writes one: fractional
 * seconds kept in groups of 3, 6 or 9 digits, none when they are zero. Undefined when invalid.
 * A time without a zone is taken as UTC: CloudTrail writes every time in UTC, and tools that
 * re-export its records (Panther's `2024-01-01 00:00:00.000`) drop the `Z`.
 */
export function timestamp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ISO_8601.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as they are.
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second);
  const sameDay = local.getUTCMonth() === month - 1 && local.getUTCDate() === day;
  if (!sameDay || hour > 23 || minute > 59 || second > 59 || year < 1) return undefined;
  const utc = new Date(local.getTime() - offsetMillis(m[8]));
  if (Number.isNaN(utc.getTime())) return undefined;
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) return undefined;
  return utc.toISOString().slice(0, 19) + fraction(m[7]) + 'Z';
}

function offsetMillis(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.replace(':', '');
  const [hours, minutesPart] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
  if (hours > 23 || minutesPart > 59) return NaN;
  const minutes = hours * 60 + minutesPart;
  return (digits[0] === '-' ? -1 : 1) * minutes * 60_000;
}

function fraction(digits: string | undefined): string {
  if (!digits || /^0+$/.test(digits)) return '';
  const width = digits.length <= 3 ? 3 : digits.length <= 6 ? 6 : 9;
  return '.' + digits.padEnd(width, '0');
}

/** The text after the first `marker` (`:key/` turns a key ARN into its key id). */
export function after(value: string | undefined, marker: string): string | undefined {
  if (value === undefined) return undefined;
  const at = value.indexOf(marker);
  return at < 0 || at + marker.length === value.length
    ? undefined
    : value.slice(at + marker.length);
}

export function isIp(value: string | undefined): boolean {
  return value !== undefined && isIP(value) !== 0;
}

/** The object under `key`, created on first use, so empty objects are never written. */
export function child(parent: Obj, key: string): Obj {
  return (parent[key] ??= {}) as Obj;
}

/** The array under `key`, created on first use. */
export function list(parent: Obj, key: string): unknown[] {
  return (parent[key] ??= []) as unknown[];
}

/** The single element of a repeated message the mapping fills (`security_result`). */
export function first(parent: Obj, key: string): Obj {
  const items = (parent[key] ??= [{}]) as Obj[];
  return items[0];
}

/** Sets a map entry; `__proto__` as a key stays data, it never reaches the prototype. */
export function put(map: Obj, key: string, value: unknown): void {
  if (key !== '__proto__') map[key] = value;
  else Object.defineProperty(map, key, { value, enumerable: true, writable: true });
}

/** Element `index` of an array; anything else has no elements (a string is not indexed). */
export function at(value: unknown, index: number): unknown {
  return Array.isArray(value) ? value[index] : undefined;
}

export function each(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function hasAny(object: Obj): boolean {
  for (const _ in object) return true;
  return false;
}

/** The reason a required row found nothing, with the first raw value it was given. */
export function missing(message: string, ...raw: unknown[]): string {
  const found = raw.find((value) => text(value) !== undefined);
  if (found === undefined) return message;
  return `${message}: ${JSON.stringify(found).slice(0, 100)} is not valid`;
}

/** Why an accept test failed, for the skip count's detail. */
export function notFor(path: string, value: string | undefined, expected: string): string {
  const seen = value === undefined ? 'absent' : JSON.stringify(value.slice(0, 100));
  return `${path} is ${seen}, not ${JSON.stringify(expected)}`;
}

export const runtime = {
  text,
  timestamp,
  after,
  isIp,
  child,
  list,
  first,
  put,
  each,
  at,
  hasAny,
  missing,
  notFor,
};
export type Runtime = typeof runtime;
