/** `udm detect` and `udm validate` on rule files, as a detection engineer runs them. */

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { udmInProcess as udm } from './run-in-process';

const ROOT = path.join(__dirname, '..', '..');
const SAMPLE = path.join(ROOT, 'samples', 'kms');
const temp = () => mkdtempSync(path.join(tmpdir(), 'udm-detect-'));

const rule = (name: string, test: string) =>
  [
    `rule ${name} {`,
    '  meta:',
    '    author = "test"',
    '  events:',
    `    ${test}`,
    '  condition:',
    '    $e',
    '}',
    '',
  ].join('\n');

describe('udm detect', () => {
  it('maps the sample and reports detections as NDJSON with a table per rule', async () => {
    const run = await udm(['detect', SAMPLE]);
    const detections = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(detections.length).toBeGreaterThan(5);
    for (const d of detections) {
      expect(Object.keys(d)).toEqual(
        expect.arrayContaining(['rule', 'time', 'match', 'outcome', 'events']),
      );
      expect(typeof d.outcome.risk_score).toBe('number');
    }
    expect(run.stderr).toMatch(/^aws_kms_key_disabled_or_scheduled_for_deletion +[1-9]\d* +\d+$/m);
    expect(run.stderr).toMatch(/udm detect: read 28, mapped 26, .*; \d+ detection\(s\)\n$/);
    expect(run.code).toBe(0);
  });

  it('gives the same detections from udm map output as from raw input', async () => {
    const mapped = await udm(['map', SAMPLE]);
    const fromUdm = await udm(['detect', '-'], mapped.stdout);
    expect(fromUdm.stdout).toBe((await udm(['detect', SAMPLE])).stdout);
  });

  it('reports events later than its reorder buffer allows, and evaluates the rest', async () => {
    // The sample's files hold years of different events: out of time order for a buffer of 3.
    const run = await udm(['detect', SAMPLE, '--reorder-buffer', '3']);
    const late = run.stderr.split('\n').filter((line) => line.includes('already evaluated'));
    expect(late.length).toBeGreaterThan(0);
    expect(late[0]).toMatch(
      new RegExp(
        String.raw`^\S+:\d+: record \d+: event time \S+ is before \S+, already evaluated: ` +
          'more than --reorder-buffer',
      ),
    );
    expect(run.stderr).toContain(`; late ${late.length} (not evaluated: see --reorder-buffer);`);
    expect(run.code).toBe(1);
    const quiet = await udm(['detect', SAMPLE, '--reorder-buffer', '3', '--quiet']);
    expect(quiet.stderr).not.toContain('already evaluated');
    const bad = await udm(['detect', SAMPLE, '--reorder-buffer', '0']);
    expect(bad.stderr).toContain(
      '--reorder-buffer takes a whole number from 1 to 1,000,000, not "0"',
    );
    expect(bad.code).toBe(2);
  });

  it('rejects UDM events without a usable event time instead of placing them in 1970', async () => {
    const mapped = (await udm(['map', SAMPLE])).stdout.trim().split('\n');
    const event = JSON.parse(mapped[0]);
    const withTime = (time: unknown) =>
      JSON.stringify({ ...event, metadata: { ...event.metadata, eventTimestamp: time } });
    const bad = ['garbage', '2024-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', 7].map(withTime);
    const input = [...bad, JSON.stringify({ metadata: {} }), mapped[1]].join('\n');
    const run = await udm(['detect', '-'], input);
    expect(run.stderr).toContain('read 6, mapped 1, skipped 0, rejected 5');
    expect(run.stderr).toMatch(
      /-:1: record 0: UDM event without a usable metadata\.eventTimestamp/,
    );
    expect(run.stdout).not.toContain('1970');
    expect(run.code).toBe(1);
  });

  it('runs no rule when one names a reference list the lists folder lacks', async () => {
    const dir = temp();
    const file = path.join(dir, 'r.yaral');
    writeFileSync(file, rule('r', '$e.principal.user.group_identifiers in %my_accounts'));
    const run = await udm(['detect', SAMPLE, '--rules', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error[yaral_unknown_list]: no reference list '%my_accounts'");
    expect(run.stderr).toContain('no rule was run');
    const lists = path.join(dir, 'lists');
    expect((await udm(['validate', file])).code).toBe(1);
    await udm(['validate', file, '--lists', lists]).then((r) => expect(r.code).toBe(2));
    mkdirSync(lists);
    writeFileSync(path.join(lists, 'my_accounts.txt'), '123456789012\n');
    expect((await udm(['validate', file, '--lists', lists])).code).toBe(0);
    expect((await udm(['detect', SAMPLE, '--rules', file, '--lists', lists])).code).toBe(0);
    // Two files that would be one list: which one the rule meant cannot be told.
    writeFileSync(path.join(lists, 'my_accounts.csv'), '210987654321\n');
    for (const command of [['detect', SAMPLE, '--rules'], ['validate']]) {
      const run = await udm([...command, file, '--lists', lists]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('are both the reference list %my_accounts: keep one');
    }
  });

  it('refuses to write over its input, and skips its own output in a directory', async () => {
    const dir = temp();
    const input = path.join(dir, 'records.ndjson');
    copyFileSync(path.join(SAMPLE, 'ndjson', 'kms-records.ndjson'), input);
    const clash = await udm(['detect', input, '--out', input]);
    expect(clash).toMatchObject({ code: 2 });
    expect(readFileSync(input, 'utf8')).toBe(
      readFileSync(path.join(SAMPLE, 'ndjson', 'kms-records.ndjson'), 'utf8'),
    );
    const out = path.join(dir, 'detections.ndjson');
    const first = await udm(['detect', dir, '--out', out]);
    expect(first.stderr).toContain('read 8, mapped 8, skipped 0, rejected 0');
    // Once it exists, a file in the input directory could be an input: it is not written over.
    const again = await udm(['detect', dir, '--out', out]);
    expect(again).toMatchObject({ code: 2 });
    expect(again.stderr).toContain(`refusing to write over ${out}`);
  });

  it('stops on a rule error, names it at its line, and says no rule ran', async () => {
    const dir = temp();
    writeFileSync(
      path.join(dir, 'backref.yaral'),
      rule('backref', '$e.metadata.product_event_type = /(Dis)able\\1/'),
    );
    writeFileSync(
      path.join(dir, 'good.yaral'),
      rule('good', '$e.metadata.product_event_type != ""'),
    );
    const run = await udm(['detect', SAMPLE, '--rules', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/error\[yaral_regex\]: RE2 rejects .*\n {2}--> .*backref\.yaral:5:/);
    expect(run.stderr).toMatch(
      /udm detect: errors in the rules or lists above; no rule was run\n$/,
    );
    expect(run.stdout).toBe('');
  });

  it('reports a rule name defined twice, and a directory with no rules', async () => {
    const dir = temp();
    const text = rule('twice', '$e.metadata.product_event_type = "DisableKey"');
    writeFileSync(path.join(dir, 'a.yaral'), text);
    writeFileSync(path.join(dir, 'b.yaral'), text);
    const run = await udm(['detect', SAMPLE, '--rules', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /error\[yaral_duplicate_rule\]: rule twice is also defined in .*a\.yaral:1/,
    );
    const empty = await udm(['detect', SAMPLE, '--rules', temp()]);
    expect(empty).toMatchObject({ code: 2 });
    expect(empty.stderr).toMatch(/no \.yaral rule files in/);
  });
});

describe('udm validate on rule files', () => {
  it('passes the bundled rules and checks RE2 as the engine will', async () => {
    const run = await udm(['validate', path.join(ROOT, 'rules', 'aws_kms')]);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/1 rule\(s\), 0 error\(s\), 0 warning\(s\)/g)).toHaveLength(14);
    const dir = temp();
    writeFileSync(
      path.join(dir, 'look.yaral'),
      rule('look', 're.regex($e.principal.user.userid, `(?=x)`)'),
    );
    const bad = await udm(['validate', path.join(dir, 'look.yaral')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[yaral_regex]');
  });

  it('holds a rule written for another log type to the contract only as warnings', async () => {
    const google = path.join(
      ROOT,
      'test',
      'yaral',
      'data',
      'aws_kms_key_disabled_or_scheduled_for_deletion.yaral',
    );
    const run = await udm(['validate', google]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning[yaral_contract_foreign]: "AWS CloudTrail" is never a value',
    );
  });
});
