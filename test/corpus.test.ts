/**
 * Every file of the published corpus through the reader and the mapping: each KMS record gives
 * one event that passes the basic UDM checks, other records are skipped, broken files are
 * rejected, and the counts add up, file by file.
 */

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../parsers/input/read';
import { compileMappingOrThrow } from '../parsers/mapping/compile';
import { needsNoEscaping } from '../parsers/mapping/runtime';
import { count, emptyCounts, mapItem, type MapOutcome } from '../parsers/run/map-run';
import { udmProblems } from './udm-checks';

const DIR = path.join(__dirname, '..', 'fixtures', 'corpus', 'records');
const FILES = readdirSync(DIR).sort();
const mapper = compileMappingOrThrow('mappings/aws_kms.yaml').mapper;

type Json = Record<string, unknown>;

/** The records of one parseable file, worked out from its JSON alone. */
function recordsOf(file: string): Json[] {
  const json = JSON.parse(readFileSync(path.join(DIR, file), 'utf8')) as Json;
  const lookup = (json.Events as Json[] | undefined)?.map((e) =>
    typeof e.CloudTrailEvent === 'string' ? JSON.parse(e.CloudTrailEvent) : e,
  );
  return (json.Records as Json[] | undefined) ?? lookup ?? [json];
}

/** A record without any time (a published fragment) cannot become a UDM event. */
function hasTime(record: Json): boolean {
  return typeof (record.time ?? record.eventTime) === 'string';
}

function isKms(record: Json): boolean {
  if ('digestStartTime' in record || record.eventCategory === 'Insight') return false;
  if ('insightDetails' in record) return false;
  if (record.detail && typeof record.detail === 'object') {
    const source = (record.detail as Json).eventSource;
    return record.source === 'aws.kms' && (source === undefined || source === 'kms.amazonaws.com');
  }
  return record.eventSource === undefined || record.eventSource === 'kms.amazonaws.com';
}

async function mapFile(file: string) {
  const counts = emptyCounts();
  const outcomes: MapOutcome[] = [];
  for await (const item of readInputs([path.join(DIR, file)])) {
    const outcome = mapItem(item, mapper);
    count(counts, outcome);
    outcomes.push(outcome);
  }
  return { counts, outcomes };
}

describe('the published corpus', () => {
  const parseable = FILES.filter((f) => !f.endsWith('.broken.json'));
  const broken = FILES.filter((f) => f.endsWith('.broken.json'));

  it('holds the files SOURCES.md counts', () => {
    expect(FILES).toHaveLength(167);
    expect(broken.length).toBeGreaterThan(20);
  });

  it.each(parseable)('%s: one valid event per KMS record, others skipped', async (file) => {
    const { counts, outcomes } = await mapFile(file);
    const records = recordsOf(file).filter(isKms);
    const kms = records.filter(hasTime);
    const events = outcomes.flatMap((o) => (o.kind === 'event' ? [o.event] : []));

    expect(counts.rejected).toBe(records.length - kms.length);
    expect(counts.mapped).toBe(kms.length);
    expect(counts.read).toBe(counts.mapped + counts.skipped + counts.rejected);
    events.forEach((event, i) => {
      expect(udmProblems(event)).toEqual([]);
      const record = (kms[i].detail ?? kms[i]) as Json;
      const metadata = event.metadata as Json;
      expect(metadata.productEventType).toBe(record.eventName ?? kms[i]['detail-type']);
      expect(metadata.productLogId).toBe(kms[i].id ?? record.eventID);
    });
  });

  it.each(broken)('%s: rejected with a located reason, never a crash', async (file) => {
    const { counts, outcomes } = await mapFile(file);
    expect(counts.rejected).toBeGreaterThanOrEqual(1);
    expect(counts.read).toBe(counts.mapped + counts.skipped + counts.rejected);
    for (const outcome of outcomes.filter((o) => o.kind === 'reject')) {
      expect(outcome.origin.file).toContain(file);
      expect(outcome.reason).not.toBe('');
    }
  });
});

describe('the compiled writer (mapToJson)', () => {
  const parseable = FILES.filter((f) => !f.endsWith('.broken.json'));

  it('writes every corpus record byte for byte as JSON.stringify of its event', async () => {
    let [compared, verbatim] = [0, 0];
    for (const file of parseable) {
      for await (const item of readInputs([path.join(DIR, file)])) {
        if (item.kind !== 'record' || item.shape === 'udm') continue;
        const [a, b, c] = [[], [], []] as string[][];
        const expected = JSON.stringify(mapper.map(item.envelope, b));
        expect(mapper.mapToJson(item.envelope, a)).toBe(expected);
        expect(mapper.mapToJson(item.envelope, c, needsNoEscaping(item.raw))).toBe(expected);
        expect(a).toEqual(b);
        expect(c).toEqual(b);
        compared++;
        if (needsNoEscaping(item.raw)) verbatim++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(verbatim).toBeGreaterThan(50);
    expect(verbatim).toBeLessThan(compared);
  });

  it('copies a clean record verbatim, escaping only the JSON made of objects and arrays', () => {
    const record = {
      eventTime: '2024-01-01T00:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'CreateGrant',
      userAgent: '[not json] {nor this',
      requestParameters: {
        keyId: '{starts like json',
        operations: ['Encrypt', 'Decrypt'],
        encryptionContext: { 'aws:ebs:id': 'vol-1', n: [1, { deep: 'é \u{1F600}' }] },
      },
      resources: [{ ARN: 'arn:aws:kms:us-east-1:1:key/k', type: 'AWS::KMS::Key' }],
    };
    const raw = JSON.stringify(record);
    expect(needsNoEscaping(raw)).toBe(true);
    const data = { detail: JSON.parse(raw) as unknown } as Record<string, unknown>;
    const text = mapper.mapToJson(data, [], true);
    expect(text).toBe(JSON.stringify(mapper.map(data, [])));
    expect(JSON.parse(text).additional.operations).toBe('["Encrypt","Decrypt"]');
  });

  it('escapes what JSON needs escaped in any value, and keeps hostile keys as data', () => {
    const hostile = [
      'quote " and \\\\ backslash',
      'controls \u0000\u0001\u001f and \t\n',
      'lone surrogates \ud800 \udfff',
      'emoji \u{1F600}',
      '\u2028\u2029',
    ];
    for (const value of hostile) {
      const record = {
        eventTime: '2024-01-01T00:00:00Z',
        eventSource: 'kms.amazonaws.com',
        eventName: value,
        userAgent: value,
        userIdentity: { arn: value, sessionContext: { attributes: { mfaAuthenticated: value } } },
        requestParameters: { keyId: value, encryptionContext: { [value]: 1 } },
        resources: [{ ARN: value, type: value }],
      };
      const text0 = JSON.stringify(record).replace('"encryptionContext":{', '$&"__proto__":"p",');
      const data = { detail: JSON.parse(text0) };
      const text = mapper.mapToJson(data, []);
      expect(text).toBe(JSON.stringify(mapper.map(data, [])));
      expect(JSON.parse(text).metadata.productEventType).toBe(value);
      expect(text).toContain('\\"__proto__\\":\\"p\\"');
    }
  });
});
