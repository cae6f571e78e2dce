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

/**
 * How deep an object or array value may nest to be written as text. JSON.stringify's own limit
 * is the thread's stack, which differs between the main thread and workers; a fixed limit
 * gives every thread the same answer. CloudTrail values nest a few levels.
 */
export const MAX_VALUE_DEPTH = 256;

/**
 * Compact JSON text; a value nested too deeply throws, and the record is rejected. Each level
 * of nesting writes two brackets, so a text shorter than twice the limit cannot nest too deep
 * and only longer ones are walked (JSON.stringify itself fails far deeper than the limit).
 */
function json(value: object): string {
  let written: string | undefined;
  try {
    written = JSON.stringify(value);
  } catch {
    // Out of stack: deeper than any limit; reported below like any value nested too deeply.
  }
  if (written === undefined || (written.length > 2 * MAX_VALUE_DEPTH && nestsDeeper(value))) {
    throw new Error(`a value nests more than ${MAX_VALUE_DEPTH} levels deep`);
  }
  return written;
}

/**
 * Whether `value` holds objects or arrays more than `limit` levels deep. The recursion is
 * bounded by `limit`, so it needs the same small stack on every thread.
 */
function nestsDeeper(value: object, limit = MAX_VALUE_DEPTH): boolean {
  if (limit === 0) return true;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && nestsDeeper(child, limit - 1)) return true;
  }
  return false;
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
  return isPlainUtc(value) ? value : parseTimestamp(value);
}

/** The general path of `timestamp`: any ISO 8601 form, by regular expression and Date. */
export function parseTimestamp(value: string): string | undefined {
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

/** Digit positions in `2024-01-31T23:59:59Z`, the form CloudTrail writes every time in. */
const PLAIN_UTC_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/**
 * A valid time already in the form `timestamp` returns (no fraction, `Z`): the common case,
 * checked by character codes because a regular expression and a Date cost more than the rest
 * of the mapping. Anything else takes the general path.
 */
function isPlainUtc(value: string): boolean {
  if (value.length !== 20 || value.charCodeAt(19) !== 90 /* Z */) return false;
  if (value[4] !== '-' || value[7] !== '-' || value[10] !== 'T') return false;
  if (value[13] !== ':' || value[16] !== ':') return false;
  for (const i of PLAIN_UTC_DIGITS) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const number = (at: number) => (value.charCodeAt(at) - 48) * 10 + value.charCodeAt(at + 1) - 48;
  const [year, month, day] = [number(0) * 100 + number(2), number(5), number(8)];
  const inDay = number(11) <= 23 && number(14) <= 59 && number(17) <= 59;
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month) && inDay;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return leap ? 29 : 28;
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

/**
 * Whether `value` is an IPv4 or IPv6 address, as node:net's isIP tells, but without a zone
 * (`fe80::1%eth0`): isIP takes one, UDM's IP fields do not. Dotted quads (what CloudTrail's
 * sourceIPAddress mostly holds) are read by character codes, a tenth of the cost of isIP's
 * regular expressions; only text with a colon can be IPv6 and goes to isIP.
 */
export function isIp(value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!value.includes(':')) return isDottedQuad(value);
  return !value.includes('%') && isIP(value) !== 0;
}

/** Four decimal numbers up to 255 joined by dots, none with a leading zero (as isIP wants). */
function isDottedQuad(value: string): boolean {
  let parts = 0;
  let digits = 0;
  let number = 0;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 46; /* . */
    if (c === 46) {
      if (digits === 0 || number > 255 || ++parts > 4) return false;
      digits = number = 0;
    } else if (c >= 48 && c <= 57 && digits < 3 && !(digits === 1 && number === 0)) {
      digits++;
      number = number * 10 + c - 48;
    } else {
      return false;
    }
  }
  return parts === 4;
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

/** What JSON.stringify escapes in a string: quotes, backslashes, controls, lone surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `open` (JSON text that ends in the opening quote of a string: `"key":"`) followed by `value`
 * as a JSON string, exactly as JSON.stringify writes it.
 *
 * `verbatim` says that the record's strings need no escaping (its text had no backslash and no
 * lone surrogate: see `needsNoEscaping`), and that `value` is one of them or a value the mapping
 * declares; such a value is copied as it is, with no scan. The one exception is the JSON text
 * the mapping makes of an object or array, which always starts with `{` or `[` and is escaped.
 */
export function jsonStringAfter(open: string, value: string, verbatim: boolean): string {
  const plain = verbatim
    ? value.charCodeAt(0) !== 123 /* { */ && value.charCodeAt(0) !== 91 /* [ */
    : !NEEDS_ESCAPE.test(value);
  return plain ? open + value + '"' : open.slice(0, -1) + JSON.stringify(value);
}

/**
 * Whether no string JSON.parse reads from `json` needs escaping to be written back: without a
 * backslash, a JSON text cannot spell a quote, a backslash or a control character inside a
 * string, and a well-formed text has no lone surrogate. Scanning the record once is cheaper
 * than scanning each value the mapping writes.
 */
export function needsNoEscaping(json: string): boolean {
  return !json.includes('\\') && json.isWellFormed();
}

/** Whether a row's values object holds anything to write (a list counts when not empty). */
export function hasValue(values: Obj): boolean {
  for (const key in values) {
    const value = values[key];
    if (value !== undefined && !(Array.isArray(value) && value.length === 0)) return true;
  }
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
  jsonStringAfter,
  hasValue,
};
export type Runtime = typeof runtime;
