/**
 * Google's own AWS_KMS test vectors through our mapping, compared as Google's validator compares
 * (fields it ignores are left out); every difference must be a declared divergence.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { flattenUdm } from '../parsers/fixtures/udm-paths';
import { readInputs } from '../parsers/input/read';
import { compileMappingOrThrow } from '../parsers/mapping/compile';
import { mapItem } from '../parsers/run/map-run';
import { udmProblems } from './udm-checks';

const DIR = path.join(__dirname, '..', 'fixtures', 'google-content-hub');
const IGNORED =
  /(^|\.)(timestamp|event_timestamp|log_type|collected_timestamp|scan_start_time|scan_end_time)$/;

interface Divergence {
  field: string;
  kind: 'changed' | 'missing' | 'added';
  vectors?: string[];
  reason: string;
}

interface Difference {
  vector: string;
  field: string;
  kind: Divergence['kind'];
  ours?: unknown;
  google?: unknown;
}

const json = (name: string) => JSON.parse(readFileSync(path.join(DIR, name), 'utf8'));
const rawLogs: string[] = json('AWS_KMS_default_log.json').raw_logs.entries.map(
  (e: { data: string }) => e.data,
);
const expected = json('AWS_KMS_default_events.json').events.map(
  (e: { event: { idm: { readOnlyUdm: Record<string, unknown> } } }) => e.event.idm.readOnlyUdm,
);
const divergences: Divergence[] = parse(readFileSync(path.join(DIR, 'divergences.yaml'), 'utf8'));

async function mapRaw(raw: string) {
  const mapper = compileMappingOrThrow('mappings/aws_kms.yaml').mapper;
  const outcomes = [];
  for await (const item of readInputs(['-'], { stdin: Readable.from([raw]) })) {
    outcomes.push(mapItem(item, mapper));
  }
  return outcomes;
}

function compare(vector: string, ours: Record<string, unknown>, google: Record<string, unknown>) {
  const a = flattenUdm(ours);
  const b = flattenUdm(google);
  const differences: Difference[] = [];
  for (const field of new Set([...a.keys(), ...b.keys()])) {
    if (IGNORED.test(field) || a.get(field) === b.get(field)) continue;
    const kind = !a.has(field) ? 'missing' : !b.has(field) ? 'added' : 'changed';
    differences.push({ vector, field, kind, ours: a.get(field), google: b.get(field) });
  }
  return differences;
}

function declaration(d: Difference): Divergence | undefined {
  return divergences.find(
    (decl) =>
      decl.kind === d.kind &&
      new RegExp(decl.field).test(d.field) &&
      (!decl.vectors || decl.vectors.includes(d.vector)),
  );
}

describe("Google's AWS_KMS test vectors", () => {
  it('has four raw logs and four expected events', () => {
    expect(rawLogs).toHaveLength(4);
    expect(expected).toHaveLength(4);
  });

  it('maps each raw log to exactly one event, differing only as declared', async () => {
    const differences: Difference[] = [];
    for (const [i, raw] of rawLogs.entries()) {
      const outcomes = await mapRaw(raw);
      expect(outcomes.map((o) => o.kind)).toEqual(['event']);
      const event = (outcomes[0] as { event: Record<string, unknown> }).event;
      expect(udmProblems(event)).toEqual([]);
      differences.push(...compare(`evt-kms-100${i + 1}`, event, expected[i]));
    }

    const undeclared = differences.filter((d) => !declaration(d));
    expect(undeclared).toEqual([]);
    const unused = divergences.filter((decl) => !differences.some((d) => declaration(d) === decl));
    expect(unused).toEqual([]);
  });

  it('splits the four envelopes written back to back, as Firehose delivers them', async () => {
    const outcomes = await mapRaw(rawLogs.join(''));
    expect(outcomes.map((o) => o.kind)).toEqual(['event', 'event', 'event', 'event']);
  });
});
