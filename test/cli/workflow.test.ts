/** The fixture workflow and mapping checks, as a security engineer runs them in a PR. */

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { udmInProcess as udm } from './run-in-process';

const ROOT = path.join(__dirname, '..', '..');
const CASES = path.join(ROOT, 'fixtures', 'aws_kms');

/** A private copy of a few fixture cases, so tests can break and update them. */
function copyCases(...names: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'udm-cases-'));
  for (const name of names)
    cpSync(path.join(CASES, name), path.join(dir, name), { recursive: true });
  return dir;
}

function writeMapping(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'udm-map-')), 'm.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('udm test', () => {
  it('passes on the committed fixtures and says so in one line', async () => {
    const run = await udm(['test']);
    expect(run.stdout).toMatch(/^udm test: \d+ case\(s\), (\d+) passed, 0 failed$/m);
    expect(run.code).toBe(0);
  });

  it('shows a failure field by field, naming the row behind each field', async () => {
    const dir = copyCases('schedule-key-deletion-iam-user-7-days', 'disable-key-not-found-error');
    const input = path.join(dir, 'schedule-key-deletion-iam-user-7-days', 'input.json');
    writeFileSync(input, readFileSync(input, 'utf8').replace('"us-east-1"', '"eu-west-1"'));

    const run = await udm(['test', '--fixtures', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('disable-key-not-found-error');
    expect(run.stdout).toContain('FAIL schedule-key-deletion-iam-user-7-days');
    expect(run.stdout).toContain(
      [
        '  event 0  principal.location.country_or_region',
        '      expected  "us-east-1"',
        '      actual    "eu-west-1"',
      ].join('\n'),
    );
    expect(run.stdout).toMatch(/\n {6}row {7}mappings\/aws_kms\.yaml:\d+ region\n/);
    expect(run.stdout).toMatch(
      /case\.yaml: event 0 principal\.location\.name: expected "us-east-1"/,
    );
    expect(run.stdout).toContain('udm test: 2 case(s), 1 passed, 1 failed');
  });

  it('--update rewrites only the golden that changed and shows what changed', async () => {
    const dir = copyCases('cancel-key-deletion-iam-user', 'sign-asymmetric-key');
    const input = path.join(dir, 'sign-asymmetric-key', 'input.json');
    writeFileSync(input, readFileSync(input, 'utf8').replace('"Sign"', '"SignAgain"'));
    const untouched = readFileSync(path.join(dir, 'cancel-key-deletion-iam-user', 'expected.json'));

    const run = await udm(['test', '--update', '--fixtures', dir]);
    expect(run.stdout).toContain('UPDATED sign-asymmetric-key');
    expect(run.stdout).toMatch(
      /metadata\.product_event_type\n {6}expected {2}"Sign"\n {6}actual {4}"SignAgain"/,
    );
    expect(run.stdout).toContain('1 golden(s) updated');
    expect(readFileSync(path.join(dir, 'cancel-key-deletion-iam-user', 'expected.json'))).toEqual(
      untouched,
    );
    const golden = readFileSync(path.join(dir, 'sign-asymmetric-key', 'expected.json'), 'utf8');
    expect(golden).toContain('"productEventType": "SignAgain"');
    // The hand-written check still expects "Sign": an update never silences it.
    expect(run.code).toBe(1);
  });

  it('--filter runs only the matching cases', async () => {
    const run = await udm(['test', '--filter', 'schedule-key-deletion']);
    expect(run.stdout).toMatch(/udm test: [3-9] case\(s\)/);
  });

  it('reports a broken golden and a broken case.yaml by file and line', async () => {
    const dir = copyCases('cancel-key-deletion-iam-user', 'sign-asymmetric-key');
    writeFileSync(
      path.join(dir, 'cancel-key-deletion-iam-user', 'expected.json'),
      '{\n  "counts": {\n  oops\n}',
    );
    writeFileSync(
      path.join(dir, 'sign-asymmetric-key', 'case.yaml'),
      'description: x\nexpect: [unclosed\n',
    );
    const run = await udm(['test', '--fixtures', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/cancel-key-deletion-iam-user\/expected\.json:3: /);
    expect(run.stdout).toMatch(/BROKEN .*sign-asymmetric-key\/case\.yaml:\d+: /);
  });
});

describe('udm explain', () => {
  it('shows the row, the source path and the source value behind a field', async () => {
    const run = await udm([
      'explain',
      'reencrypt-two-resources',
      'target.resource.product_object_id',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/row {5}mappings\/aws_kms\.yaml:\d+ key_id/);
    expect(run.stdout).toMatch(
      /logic {3}copy of detail\.resources\[0\]\.ARN .*, text after ":key\/"/,
    );
    expect(run.stdout).toMatch(/source {2}detail\.resources\[0\]\.ARN = "arn:aws:kms:.*:key\//);
  });

  it('names the rows that would write a field the case does not produce', async () => {
    const run = await udm(['explain', 'reencrypt-two-resources', 'security_result.summary']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /written by mappings\/aws_kms\.yaml:\d+ error_code: copy of detail\.errorCode/,
    );
  });
});

describe('udm validate', () => {
  it('is clean on the shipped mapping', async () => {
    const run = await udm(['validate']);
    expect(run.stderr).toContain('mappings/aws_kms.yaml: 0 error(s), 0 warning(s)');
    expect(run.code).toBe(0);
  });

  it('reports every problem with a code, a location and the YAML line underlined', async () => {
    const file = writeMapping(
      [
        'log_type: AWS_KMS',
        'rows:',
        '  - { id: t, source: time, target: metadata.event_timestamp, transform: timestamp }',
        '  - id: a',
        '    source: detail.awsRegion',
        '    target: principal.location.name',
        '  - id: b',
        '    source: region',
        '    target: principal.location.name',
        '  - id: c',
        '    source: x',
        '    target: metadata.description',
        '    when: [{ source: y, present: false }, { source: y, equals: z }]',
        '  - id: d',
        '    target: metadata.event_type',
        '    constant: USER_SHOPPING',
        '  - id: e',
        '    source: region',
        '    target: principal.location.country_or_region',
        '    overrides: a',
      ].join('\n'),
    );
    const run = await udm(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      [
        "error[mapping_target_conflict]: 'principal.location.name' is also written by row a " +
          "(line 4): declare the winner with 'overrides: a', or make the rows' conditions " +
          'exclusive',
        `  --> ${file}:9:13 (row b)`,
        '  |',
        '9 |     target: principal.location.name',
        '  |             ^^^^^^^^^^^^^^^^^^^^^^^',
      ].join('\n'),
    );
    expect(run.stderr).toContain('error[mapping_condition_never]: conditions 1 and 2 contradict');
    expect(run.stderr).toContain("error[mapping_target]: 'USER_SHOPPING' is not a value of");
    expect(run.stderr).toContain('error[mapping_overrides]: row a does not write');
    expect(run.stderr).toContain('warning[mapping_no_fixtures]');
    expect(run.stderr).toContain('4 error(s), 1 warning(s)');
  });

  it('accepts rows on one field with exclusive conditions or a declared winner', async () => {
    const file = writeMapping(
      [
        'log_type: AWS_KMS',
        'rows:',
        '  - { id: t, source: time, target: metadata.event_timestamp, transform: timestamp }',
        '  - id: a',
        '    target: metadata.description',
        '    constant: x',
        '    when: { source: e, present: true }',
        '  - id: b',
        '    target: metadata.description',
        '    constant: y',
        '    when: { source: e, present: false }',
        '  - { id: c, source: q, target: metadata.description, overrides: [a, b] }',
      ].join('\n'),
    );
    const run = await udm(['validate', file]);
    expect(run.stderr).toContain('0 error(s)');
  });

  it('warns about a source path no fixture record has', async () => {
    const yaml = readFileSync(path.join(ROOT, 'mappings', 'aws_kms.yaml'), 'utf8').replace(
      'source: detail.userAgent',
      'source: detail.userAgentt',
    );
    const dir = mkdtempSync(path.join(tmpdir(), 'udm-map-'));
    writeFileSync(path.join(dir, 'aws_kms.yaml'), yaml);
    const run = await udm(['validate', path.join(dir, 'aws_kms.yaml')]);
    expect(run.stderr).toContain(
      'warning[mapping_source_unseen]: no fixture record has detail.userAgentt',
    );
    expect(run.stderr).toMatch(/--> .*aws_kms\.yaml:\d+:13 \(row user_agent\)/);
    expect(run.code).toBe(0);
  });
});

describe('udm coverage', () => {
  it('is no worse than the committed baseline', async () => {
    const run = await udm(['coverage']);
    expect(run.stdout).toContain(
      'source paths in fixtures that the mapping neither reads nor ignores',
    );
    expect(run.stdout).not.toContain('WORSE');
    expect(run.code).toBe(0);
  });
});

describe('udm google', () => {
  it('exports a case in Google layout and imports it back as a new case', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'udm-google-'));
    expect(
      (await udm(['google', 'export', 'cancel-key-deletion-iam-user', '--out', out])).code,
    ).toBe(0);
    const dir = path.join(out, 'cancel-key-deletion-iam-user');
    const events = JSON.parse(readFileSync(path.join(dir, 'AWS_KMS_events.json'), 'utf8')).events;
    expect(events[0].event.idm.readOnlyUdm.metadata.productEventType).toBe('CancelKeyDeletion');

    const caseDir = path.join(out, 'imported');
    const log = path.join(dir, 'AWS_KMS_log.json');
    const run = await udm([
      'google',
      'import',
      log,
      path.join(dir, 'AWS_KMS_events.json'),
      '--case',
      caseDir,
    ]);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(caseDir, 'case.yaml'), 'utf8')).toContain('mapped: 1');
  });
});
