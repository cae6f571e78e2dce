/**
 * The real records a benchmark corpus is built from: every KMS CloudTrail record in
 * fixtures/corpus/records that the mapping maps without rejection, each once.
 */

import * as path from 'node:path';
import { readInputs } from '../input/read';
import type { Mapper } from '../mapping/types';
import { mapItem } from '../run/map-run';

export type CloudTrailRecord = Record<string, unknown>;

export const CORPUS_RECORDS = path.join(__dirname, '..', '..', 'fixtures', 'corpus', 'records');

function cloudTrailRecord(envelope: Record<string, unknown>): CloudTrailRecord | undefined {
  const detail = envelope.detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return undefined;
  const record = detail as CloudTrailRecord;
  const isKms = record.eventSource === 'kms.amazonaws.com';
  return isKms && typeof record.eventName === 'string' && record.eventTime ? record : undefined;
}

/** The seed records, in a stable order (corpus files sorted, records in file order). */
export async function loadSeedRecords(mapper: Mapper, dir = CORPUS_RECORDS) {
  const seen = new Set<string>();
  const seeds: CloudTrailRecord[] = [];
  for await (const item of readInputs([dir])) {
    if (item.kind !== 'record' || item.shape === 'udm') continue;
    if (mapItem(item, mapper).kind !== 'event') continue;
    const record = cloudTrailRecord(item.envelope);
    const text = record && JSON.stringify(record);
    if (!record || !text || seen.has(text)) continue;
    seen.add(text);
    seeds.push(record);
  }
  return seeds;
}
