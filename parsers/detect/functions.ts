/** The function subset of §11.1. Each takes evaluated arguments; regex patterns are RE2. */

import type { Scalar, Value } from './types';
import { scalarOf } from './compare';
import { inCidr } from './lists';
import { regexCapture, regexFind, regexReplace } from './regex';

export interface CallEnv {
  nocase: boolean;
  now: Date;
}

type Fn = (args: Value[], env: CallEnv) => Value;

const str = (v: Value | undefined): string => String(scalarOf(v));
const num = (v: Value | undefined): number => Number(scalarOf(v)) || 0;
const list = (v: Value | undefined): Scalar[] => (Array.isArray(v) ? v : [scalarOf(v)]);

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Hour (0–23) and weekday (0 = Sunday) of unix seconds in a zone; GMT when none is given. */
function zoned(seconds: number, zone?: string): { hour: number; weekday: number } {
  const offset = zone && /^[+-]\d{2}:\d{2}$/.test(zone) ? zone : undefined;
  if (!zone || offset || /^(GMT|UTC)$/i.test(zone)) {
    const [h, m] = offset ? offset.slice(1).split(':').map(Number) : [0, 0];
    const sign = offset?.startsWith('-') ? -1 : 1;
    const d = new Date((seconds + sign * (h * 3600 + m * 60)) * 1000);
    return { hour: d.getUTCHours(), weekday: d.getUTCDay() };
  }
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hour: 'numeric',
    hourCycle: 'h23',
    weekday: 'short',
  });
  const parts = Object.fromEntries(fmt.formatToParts(seconds * 1000).map((p) => [p.type, p.value]));
  return { hour: Number(parts.hour), weekday: WEEKDAYS.indexOf(parts.weekday) };
}

/** Whether `zone` is GMT/UTC, a `±hh:mm` offset or a time zone name the runtime knows. */
export function validTimeZone(zone: string): boolean {
  try {
    zoned(0, zone);
    return true;
  } catch {
    return false;
  }
}

const zoneArg = (a: Value[]): string | undefined => (a.length > 1 ? str(a[1]) : undefined);

export const FUNCTIONS: Record<string, Fn> = {
  're.regex': (a, env) => regexFind(str(a[0]), str(a[1]), env.nocase),
  're.capture': (a) => regexCapture(str(a[0]), str(a[1])),
  're.replace': (a) => regexReplace(str(a[0]), str(a[1]), str(a[2])),
  'strings.contains': (a) => str(a[0]).includes(str(a[1])),
  'strings.starts_with': (a) => str(a[0]).startsWith(str(a[1])),
  'strings.ends_with': (a) => str(a[0]).endsWith(str(a[1])),
  'strings.to_lower': (a) => str(a[0]).toLowerCase(),
  'strings.to_upper': (a) => str(a[0]).toUpperCase(),
  'strings.concat': (a) => a.map(str).join(''),
  'strings.coalesce': (a) => a.map(str).find((s) => s !== '') ?? '',
  'strings.length': (a) => [...str(a[0])].length,
  'net.ip_in_range_cidr': (a) => inCidr(str(a[0]), str(a[1])),
  'timestamp.get_hour': (a) => zoned(num(a[0]), zoneArg(a)).hour,
  // 1 = Sunday, as the function catalog says.
  'timestamp.get_day_of_week': (a) => zoned(num(a[0]), zoneArg(a)).weekday + 1,
  'timestamp.current_seconds': (_a, env) => Math.floor(env.now.getTime() / 1000),
  'math.abs': (a) => Math.abs(num(a[0])),
  'arrays.length': (a) => list(a[0]).length,
  'arrays.contains': (a) => list(a[0]).some((v) => String(v) === str(a[1])),
  'cast.as_int': (a) => Math.trunc(num(a[0])),
};

/** Functions whose second argument is a time zone, checked at compile time. */
export const ZONE_FUNCTIONS = new Set(['timestamp.get_hour', 'timestamp.get_day_of_week']);

/** Argument positions that hold a regex pattern, for compile-time RE2 checks. */
export const PATTERN_ARG: Record<string, number> = {
  're.regex': 1,
  're.capture': 1,
  're.replace': 1,
};

export function functionName(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}.${name}` : name;
}
