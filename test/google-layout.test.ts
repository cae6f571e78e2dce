/**
 * Google's fixture layout: every case exported and imported back maps to the same events;
 * Google's own vectors import and differ from our mapping only as declared; malformed layouts
 * give problems, not exceptions; `udm google import` and `export` write what they say.
 */

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runGoogleExport, runGoogleImport } from '../parsers/cli/google-command';
import type { Io } from '../parsers/cli/io';
import { listCases, loadCase, runCase } from '../parsers/fixtures/cases';
import {
  compareLikeGoogle,
  eventBridgeEnvelope,
  exportCase,
  importGoogle,
  mapText,
  type GoogleDifference,
} from '../parsers/fixtures/google-layout';
import { compileMappingOrThrow } from '../parsers/mapping/compile';
import type { UdmEvent } from '../parsers/mapping/types';

const ROOT = path.join(__dirname, '..');
const GOOGLE = path.join(ROOT, 'fixtures', 'google-content-hub');
const LOG_FILE = path.join(GOOGLE, 'AWS_KMS_default_log.json');
const EVENTS_FILE = path.join(GOOGLE, 'AWS_KMS_default_events.json');

const mapper = compileMappingOrThrow('mappings/aws_kms.yaml').mapper;
const cases = listCases(path.join(ROOT, 'fixtures', 'aws_kms'));
const json = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const temp = () => mkdtempSync(path.join(tmpdir(), 'udm-google-'));

async function eventsOf(text: string): Promise<UdmEvent[]> {
  return (await mapText(text, mapper)).flatMap((o) => (o.kind === 'event' ? [o.event] : []));
}

function testIo(): Io & { err: () => string } {
  const stderr = new PassThrough();
  const chunks: string[] = [];
  stderr.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return {
    stdout: new PassThrough(),
    stderr,
    stdin: new PassThrough(),
    err: () => chunks.join(''),
  };
}

describe('exporting to Google’s layout and importing it back', () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    it('maps the imported raw logs to the exported events', async () => {
      const { log, events } = await exportCase(fixture, mapper);
      const result = await runCase(fixture, mapper);
      const exported = events.events.map((e) => e.event.idm.readOnlyUdm);
      expect(exported).toEqual(result.events);
      expect(log.raw_logs.type).toBe('AWS_KMS');
      expect(log.raw_logs.entries).toHaveLength(exported.length);

      const roundTrip = JSON.parse(JSON.stringify({ log, events }));
      const imported = importGoogle(roundTrip.log, roundTrip.events);
      if (exported.length === 0) {
        expect(imported.problems).toEqual(['raw_logs.entries is empty']);
        expect(log.create_time).toBeUndefined();
        return;
      }
      expect(imported.problems).toEqual([]);
      expect(imported.expected).toEqual(exported);
      expect(await eventsOf(imported.input)).toEqual(exported);
      expect(log.create_time).toBe(events.events[0].event.timestamp);
      for (const [i, e] of events.events.entries()) {
        const metadata = e.event.idm.readOnlyUdm.metadata as { eventTimestamp: string };
        expect(e.event.timestamp).toBe(metadata.eventTimestamp);
        // Every raw log is an EventBridge envelope, as Google's parser expects.
        const data = JSON.parse(log.raw_logs.entries[i].data);
        expect(data).toHaveProperty('detail');
      }
    });
  });

  it('wraps a bare record in the envelope EventBridge would deliver it in', () => {
    const record = {
      eventID: 'e-1',
      eventTime: '2024-01-15T10:30:00Z',
      awsRegion: 'us-east-1',
      recipientAccountId: '123456789012',
      eventName: 'Decrypt',
    };
    expect(JSON.parse(eventBridgeEnvelope(record))).toEqual({
      version: '0',
      id: 'e-1',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.kms',
      account: '123456789012',
      time: '2024-01-15T10:30:00Z',
      region: 'us-east-1',
      resources: [],
      detail: record,
    });
    expect(eventBridgeEnvelope(record)).not.toContain('\n');
  });
});

interface Divergence {
  field: string;
  kind: GoogleDifference['kind'];
  vectors?: string[];
}

describe('importing Google’s own AWS_KMS vectors', () => {
  const imported = importGoogle(json(LOG_FILE), json(EVENTS_FILE));
  const divergences: Divergence[] = parse(
    readFileSync(path.join(GOOGLE, 'divergences.yaml'), 'utf8'),
  );

  it('gives four raw logs, one per line, and four expected events', () => {
    expect(imported.problems).toEqual([]);
    expect(imported.logType).toBe('AWS_KMS');
    expect(imported.entries).toHaveLength(4);
    expect(imported.input.split('\n')).toEqual(imported.entries);
    expect(imported.expected).toHaveLength(4);
  });

  it('differs from our mapping only as divergences.yaml declares', async () => {
    const ours = await eventsOf(imported.input);
    expect(ours).toHaveLength(4);
    const found: (GoogleDifference & { vector: string })[] = [];
    imported.expected!.forEach((google, i) => {
      const vector = (google.metadata as { productLogId: string }).productLogId;
      for (const d of compareLikeGoogle(ours[i], google)) found.push({ ...d, vector });
    });
    const declaration = (d: (typeof found)[number]) =>
      divergences.find(
        (decl) =>
          decl.kind === d.kind &&
          new RegExp(decl.field).test(d.path) &&
          (!decl.vectors || decl.vectors.includes(d.vector)),
      );
    expect(found.filter((d) => !declaration(d))).toEqual([]);
    expect(divergences.filter((decl) => !found.some((d) => declaration(d) === decl))).toEqual([]);
  });

  it('ignores exactly the fields Google’s validator ignores', () => {
    const google = imported.expected![0];
    const changed = JSON.parse(JSON.stringify(google));
    Object.assign(changed.metadata, {
      eventTimestamp: '2000-01-01T00:00:00Z',
      logType: 'OTHER',
      collectedTimestamp: '2000-01-01T00:00:00Z',
    });
    expect(compareLikeGoogle(changed, google)).toEqual([]);
    changed.metadata.productLogId = 'other';
    changed.additional.logType = 'data, not a field';
    expect(compareLikeGoogle(changed, google)).toEqual([
      { path: 'additional.fields.logType', kind: 'added', ours: 'data, not a field' },
      { path: 'metadata.product_log_id', kind: 'changed', ours: 'other', google: 'evt-kms-1001' },
    ]);
  });
});

describe('malformed layouts', () => {
  const entries = [{ data: '{"detail":{}}' }, { data: '{"detail":{}}' }];
  const event = { event: { idm: { readOnlyUdm: {} } } };

  it.each([
    ['not an object', [], undefined, 'log file: not a JSON object'],
    ['a string', 'raw', undefined, 'log file: not a JSON object'],
    ['raw_logs missing', {}, undefined, 'raw_logs is missing'],
    ['entries missing', { raw_logs: {} }, undefined, 'raw_logs.entries is missing'],
    ['entries not a list', { raw_logs: { entries: {} } }, undefined, 'is not an array'],
    ['entries empty', { raw_logs: { entries: [] } }, undefined, 'raw_logs.entries is empty'],
    [
      'data not a string',
      { raw_logs: { entries: [...entries, { data: 3 }] } },
      undefined,
      'raw_logs.entries[2].data is not a string',
    ],
    [
      'an entry not an object',
      { raw_logs: { entries: [null] } },
      undefined,
      'raw_logs.entries[0] is not an object',
    ],
    ['events not an object', { raw_logs: { entries } }, [], 'events file: not a JSON object'],
    ['events missing', { raw_logs: { entries } }, {}, 'events is missing'],
    [
      'an event without readOnlyUdm',
      { raw_logs: { entries } },
      { events: [event, { event: {} }] },
      'events[1].event.idm.readOnlyUdm is not an object',
    ],
    [
      'events count differing from entries',
      { raw_logs: { entries } },
      { events: [event] },
      'events has 1 event(s) but raw_logs.entries has 2 entries',
    ],
  ])('%s: a problem, not an exception', (_name, log, events, problem) => {
    const result = importGoogle(log, events);
    expect(result.problems.join('\n')).toContain(problem);
  });

  it('still returns the well-formed entries', () => {
    const result = importGoogle({ raw_logs: { entries: [...entries, { data: 3 }] } }, undefined);
    expect(result.entries).toHaveLength(2);
    expect(result.expected).toBeUndefined();
  });
});

describe('udm google import and export', () => {
  it('imports Google’s files into a new case and refuses an existing directory', async () => {
    const caseDir = path.join(temp(), 'google-vectors');
    const io = testIo();
    expect(await runGoogleImport(LOG_FILE, EVENTS_FILE, caseDir, io)).toBe(0);

    const input = readFileSync(path.join(caseDir, 'input.ndjson'), 'utf8');
    expect(input.trimEnd().split('\n')).toHaveLength(4);
    expect(json(path.join(caseDir, 'google-expected.json'))).toEqual(json(EVENTS_FILE));
    const spec = parse(readFileSync(path.join(caseDir, 'case.yaml'), 'utf8'));
    expect(spec).toMatchObject({
      shape: 'eventbridge',
      sources: [{ file: 'AWS_KMS_default_log.json' }],
      expect: { counts: { read: 4, mapped: 4, skipped: 0, rejected: 0 } },
    });
    expect(spec.description).toContain('AWS_KMS_default_log.json');
    expect(spec.expect.events).toBeUndefined();
    const fixture = loadCase(caseDir);
    expect(fixture.input).toBe('input.ndjson');
    expect((await runCase(fixture, mapper)).counts).toMatchObject(spec.expect.counts);

    expect(io.err()).toContain('udm test --update');
    expect(io.err()).toContain(
      'event 2: metadata.product_event_type: ours "ListKeys", google "AwsApiCall"\n',
    );
    expect(io.err()).toContain('event 0: principal.location.name: ours "us-east-1", google absent');

    const again = testIo();
    expect(await runGoogleImport(LOG_FILE, undefined, caseDir, again)).toBe(1);
    expect(again.err()).toContain('exists');
  });

  it('imports the raw logs alone, and refuses a file that is not Google’s layout', async () => {
    const dir = temp();
    const caseDir = path.join(dir, 'raw-only');
    expect(await runGoogleImport(LOG_FILE, undefined, caseDir, testIo())).toBe(0);
    expect(existsSync(path.join(caseDir, 'input.ndjson'))).toBe(true);
    expect(existsSync(path.join(caseDir, 'google-expected.json'))).toBe(false);

    const io = testIo();
    const wrong = path.join(dir, 'wrong');
    expect(await runGoogleImport(EVENTS_FILE, undefined, wrong, io)).toBe(1);
    expect(io.err()).toContain('raw_logs is missing');
    expect(existsSync(wrong)).toBe(false);
  });

  it('exports named cases and refuses an unknown one', async () => {
    const out = temp();
    const io = testIo();
    const name = 'eventbridge-google-vectors-one-per-line';
    expect(await runGoogleExport([name], out, io)).toBe(0);
    expect(io.err()).toContain(`${name}: 4 events`);
    const log = json(path.join(out, name, 'AWS_KMS_log.json'));
    const events = json(path.join(out, name, 'AWS_KMS_events.json'));
    expect(readFileSync(path.join(out, name, 'AWS_KMS_log.json'), 'utf8')).toMatch(/\n}\n$/);
    // Google's vectors come back as Google wrote them.
    const google = json(LOG_FILE) as { raw_logs: unknown };
    expect((log as { raw_logs: unknown }).raw_logs).toEqual(google.raw_logs);
    expect(importGoogle(log, events).problems).toEqual([]);

    const bad = testIo();
    expect(await runGoogleExport(['no-such-case'], temp(), bad)).toBe(2);
    expect(bad.err()).toContain('no case named no-such-case');
  });
});
