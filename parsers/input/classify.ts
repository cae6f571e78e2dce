/**
 * Tells what one parsed JSON value is: an EventBridge envelope, a bare CloudTrail record, a
 * container of records (S3 delivery file, LookupEvents output), or something the mapping
 * never sees (CloudTrail digest files and Insights events are skipped). Whether a record is
 * a KMS record is left to the mapping.
 *
 * Parsed objects are only read, never merged into others: a hostile `__proto__` key made an
 * own property by JSON.parse stays just that. Keys are read with Object.hasOwn so inherited
 * names (`constructor`, `toString`, …) never count as present.
 */

import type { InputShape, SkipReason } from './types';

export type Verdict =
  | {
      kind: 'record';
      shape: InputShape;
      envelope: Record<string, unknown>;
      /** The record's own text when it is not the whole parsed text (container elements). */
      raw?: string;
    }
  | { kind: 'skip'; reason: SkipReason; detail: string }
  | { kind: 'reject'; reason: string; raw?: string };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Top-level keys every bare CloudTrail record has some of, and an envelope has none of. */
const CLOUDTRAIL_KEYS = ['eventVersion', 'eventName', 'eventSource', 'eventTime', 'userIdentity'];

/**
 * An EventBridge envelope: a `detail` object beside `detail-type` or `source`. Also taken as
 * one: a `detail` object with no CloudTrail record key beside it, as in Google's AWS_KMS test
 * vectors (`{version, id, time, detail}`); a bare CloudTrail record never has `detail`.
 */
export function isEnvelope(value: JsonObject): boolean {
  if (!isObject(own(value, 'detail'))) return false;
  if (Object.hasOwn(value, 'detail-type') || Object.hasOwn(value, 'source')) return true;
  return !CLOUDTRAIL_KEYS.some((key) => Object.hasOwn(value, key));
}

const DIGEST_KEYS = [
  'digestStartTime',
  'digestEndTime',
  'digestS3Bucket',
  'digestS3Object',
  'digestPublicKeyFingerprint',
  'digestSignatureAlgorithm',
];

/** A digest file has several digest keys and no event name: one stray key is not enough. */
export function isDigest(value: JsonObject): boolean {
  const keys = DIGEST_KEYS.filter((key) => Object.hasOwn(value, key)).length;
  return keys >= 2 && !Object.hasOwn(value, 'eventName');
}

/** Keys that say an object is a CloudTrail record (or a published fragment of one). */
const RECORD_KEYS = [
  ...CLOUDTRAIL_KEYS,
  'eventID',
  'eventType',
  'awsRegion',
  'requestParameters',
  'sourceIPAddress',
];

function unrecognised(value: JsonObject): Verdict {
  const keys = Object.keys(value).slice(0, 8).join(', ');
  const detail = Object.hasOwn(value, 'detail') ? '; its detail is not an object' : '';
  const reason =
    'not a CloudTrail record or EventBridge envelope: it has none of ' +
    `${RECORD_KEYS.join(', ')} (its keys: ${keys || 'none'})${detail}`;
  return { kind: 'reject', reason };
}

export function isInsight(value: JsonObject): boolean {
  return own(value, 'eventCategory') === 'Insight' || Object.hasOwn(value, 'insightDetails');
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function digestDetail(value: JsonObject): string {
  const start = text(own(value, 'digestStartTime'));
  const end = text(own(value, 'digestEndTime'));
  return start && end ? `CloudTrail digest file for ${start} to ${end}` : 'CloudTrail digest file';
}

function insightDetail(value: JsonObject): string {
  const details = own(value, 'insightDetails');
  const name = isObject(details) ? text(own(details, 'eventName')) : undefined;
  const id = text(own(value, 'eventID'));
  return ['CloudTrail Insights event', name && `on ${name}`, id].filter(Boolean).join(' ');
}

/** One value seen as one record, never as a container. */
export function classifyRecord(value: unknown, shape: InputShape = 'cloudtrail'): Verdict {
  if (!isObject(value)) {
    return {
      kind: 'reject',
      reason: `not a record: expected a JSON object, found ${describe(value)}`,
    };
  }
  if (isEnvelope(value)) return { kind: 'record', shape: 'eventbridge', envelope: value };
  if (isDigest(value)) return { kind: 'skip', reason: 'digest', detail: digestDetail(value) };
  if (isInsight(value)) return { kind: 'skip', reason: 'insight', detail: insightDetail(value) };
  if (!RECORD_KEYS.some((key) => Object.hasOwn(value, key))) {
    // `udm map` output fed back in (to `udm detect`, say): a UDM event, taken as it is.
    if (isObject(own(value, 'metadata'))) return { kind: 'record', shape: 'udm', envelope: value };
    return unrecognised(value);
  }
  return { kind: 'record', shape, envelope: { detail: value } };
}

/** Gives an element of a parsed container its text back, re-serialized. */
function withText(verdict: Verdict, element: unknown): Verdict {
  if (verdict.kind === 'skip' || verdict.raw !== undefined) return verdict;
  let raw: string;
  try {
    raw = JSON.stringify(element);
  } catch (e) {
    // JSON.parse takes nesting far deeper than JSON.stringify's recursion can write back.
    return { kind: 'reject', reason: `not a record: ${(e as Error).message}`, raw: '' };
  }
  return { ...verdict, raw };
}

/**
 * A CloudWatch Logs subscription payload, as Firehose delivers a trail's log group: each log
 * event's `message` is one CloudTrail record. Control messages only test the subscription.
 */
function logsSubscription(value: JsonObject): Verdict[] | undefined {
  const type = own(value, 'messageType');
  if (type === 'CONTROL_MESSAGE') {
    return [{ kind: 'skip', reason: 'control', detail: 'CloudWatch Logs control message' }];
  }
  const events = own(value, 'logEvents');
  if (type !== 'DATA_MESSAGE' || !Array.isArray(events)) return undefined;
  return events.map((event) => embedded(event, 'message', 'cloudwatch-logs'));
}

/** A record held as JSON text in `key` of a container entry (LookupEvents, CloudWatch Logs). */
function embedded(entry: unknown, key: string, shape: InputShape): Verdict {
  const recordText = isObject(entry) ? own(entry, key) : undefined;
  if (typeof recordText !== 'string') {
    return withText(classifyRecord(entry), entry);
  }
  let record: unknown;
  try {
    record = JSON.parse(recordText);
  } catch (e) {
    const reason = `invalid JSON in ${key}: ${(e as Error).message}`;
    return { kind: 'reject', reason, raw: recordText };
  }
  const verdict = classifyRecord(record, shape);
  return verdict.kind === 'skip' ? verdict : { ...verdict, raw: recordText };
}

/**
 * One entry of LookupEvents output. Its `CloudTrailEvent` string is the record's text; an
 * entry without one (the Insights flavour lists events inline) is taken as the record itself.
 */
function lookupEntry(entry: unknown): Verdict {
  return embedded(entry, 'CloudTrailEvent', 'cloudtrail');
}

/**
 * Classifies one parsed value into one verdict per record it holds. A value read as an element
 * of a Records array (`inRecords`) is one record. Otherwise an object with a `Records` array
 * (a delivery file the reader did not stream, e.g. inside a top-level array) or an `Events`
 * array (LookupEvents output) yields one verdict per element; those elements' raw text is
 * re-serialized, as their exact text was not kept. Containers are opened one level only.
 */
export function classify(value: unknown, inRecords = false): Verdict[] {
  if (inRecords) return [classifyRecord(value, 's3-delivery')];
  if (isObject(value) && !isEnvelope(value) && !isDigest(value) && !isInsight(value)) {
    const records = own(value, 'Records');
    if (Array.isArray(records)) {
      return records.map((r) => withText(classifyRecord(r, 's3-delivery'), r));
    }
    const events = own(value, 'Events');
    if (Array.isArray(events)) return events.map(lookupEntry);
    const logEvents = logsSubscription(value);
    if (logEvents) return logEvents;
  }
  return [classifyRecord(value)];
}
