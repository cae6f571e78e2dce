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
