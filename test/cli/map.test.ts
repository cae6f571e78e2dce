/** `udm map` end to end, as a user runs it: a real process, real files, exit codes. */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { udmProblems } from '../udm-checks';

const ROOT = path.join(__dirname, '..', '..');
const CORPUS = path.join(ROOT, 'fixtures', 'corpus', 'records');

function udm(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'udm.js'), ...args], {
    cwd: ROOT,
    input,
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const temp = () => mkdtempSync(path.join(tmpdir(), 'udm-cli-'));

describe('udm map', () => {
  it('maps the bundled sample: every shape, summary on stderr, exit 0', () => {
    const out = path.join(temp(), 'events.ndjson');
    const run = udm(['map', 'samples/kms', '--out', out]);
    expect(run.stderr).toMatch(
      /^udm map: read \d+, mapped \d+, skipped 2 \(non-kms 1, digest 1\), rejected 0; events in /m,
    );
    const [, read, mapped] = /read (\d+), mapped (\d+)/.exec(run.stderr)!.map(Number);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(mapped);
    for (const line of lines) expect(udmProblems(JSON.parse(line))).toEqual([]);
    expect(read).toBe(mapped + 2);
    expect(run.code).toBe(0);
  });

  it('writes NDJSON to stdout in input order and reads stdin from -', () => {
    const records = ['panther__DisableKey__1.json', 'panther__Decrypt__1.json'].map((f) =>
      JSON.stringify(JSON.parse(readFileSync(path.join(CORPUS, f), 'utf8'))),
    );
    const run = udm(['map', '-'], records.join('\n'));
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.metadata.productEventType)).toEqual(['DisableKey', 'Decrypt']);
    expect(run.stderr).toContain('read 2, mapped 2, skipped 0, rejected 0');
    expect(run.code).toBe(0);
  });

  it('passes UDM events through with their time in RFC 3339 UTC, nothing else changed', () => {
    const udmEvent = (id: string, time: string) =>
      JSON.stringify({
        metadata: { eventTimestamp: time, productLogId: id, eventType: 'STATUS_UPDATE' },
      });
    const input = [
      udmEvent('offset', '2024-01-01T10:00:00+05:00'),
      udmEvent('zoneless', '2024-01-01T05:00:00'),
      udmEvent('utc', '2024-01-01T05:00:00.5Z'),
    ];
    const run = udm(['map', '-'], input.join('\n'));
    const times = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).metadata.eventTimestamp);
    expect(times).toEqual([
      '2024-01-01T05:00:00Z',
      '2024-01-01T05:00:00Z',
      '2024-01-01T05:00:00.500Z',
    ]);
    expect(run.code).toBe(0);
  });

  it('rejects bad records one line each, goes on, and writes them whole with --rejects', () => {
    const dir = temp();
    const good = readFileSync(path.join(CORPUS, 'panther__DisableKey__1.json'), 'utf8');
    const ndjson = [
      JSON.stringify(JSON.parse(good)),
      '{"eventName": "Decrypt", oops}',
      '{"eventName":"Decrypt","eventSource":"kms.amazonaws.com"}',
    ].join('\n');
    writeFileSync(path.join(dir, 'mixed.ndjson'), ndjson);
    const rejects = path.join(dir, 'rejects.ndjson');
    const run = udm(['map', path.join(dir, 'mixed.ndjson'), '--rejects', rejects]);

    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/mixed\.ndjson:2: record 1: invalid JSON/);
    expect(lines[1]).toMatch(/mixed\.ndjson:3: record 2: .*no metadata.event_timestamp/);
    expect(lines[2]).toContain('read 3, mapped 1, skipped 0, rejected 2');
    const written = readFileSync(rejects, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(written.map((r) => r.raw)).toEqual([
      '{"eventName": "Decrypt", oops}',
      '{"eventName":"Decrypt","eventSource":"kms.amazonaws.com"}',
    ]);
    expect(written[0]).toMatchObject({ index: 1, line: 2 });
  });

  it('reports a truncated gzip, keeps the records before the damage, exit 1', () => {
    const dir = temp();
    const trail = readFileSync(path.join(CORPUS, 'awsdocsgh__Records__2.json'));
    const gzip = gzipSync(trail);
    writeFileSync(path.join(dir, 'trail.json.gz'), gzip.subarray(0, Math.floor(gzip.length * 0.7)));
    const run = udm(['map', path.join(dir, 'trail.json.gz')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/trail\.json\.gz.*truncated gzip/);
    expect(run.stderr).toMatch(/rejected 1\b/);
  });

  it('with --jobs, writes byte for byte what one thread writes, damaged files included', () => {
    const dir = temp();
    // The whole corpus (good, broken and non-KMS files) plus a truncated gzip, in one directory.
    const trail = gzipSync(readFileSync(path.join(CORPUS, 'awsdocsgh__Records__2.json')));
    writeFileSync(path.join(dir, 'a-trail.json.gz'), trail.subarray(0, trail.length >> 1));
    const run = (jobs: string) => {
      const outputs = temp();
      const [out, rejects] = [path.join(outputs, 'out'), path.join(outputs, 'rejects')];
      const args = ['map', CORPUS, dir, '--jobs', jobs, '--out', out, '--rejects', rejects];
      const result = udm(args);
      const stderr = result.stderr.replaceAll(outputs, 'OUT');
      return {
        ...result,
        stderr,
        out: readFileSync(out, 'utf8'),
        rejects: readFileSync(rejects, 'utf8'),
      };
    };
    const one = run('1');
    const three = run('3');
    expect(three).toEqual(one);
    expect(one.out.split('\n').length).toBeGreaterThan(100);
    expect(one.rejects).toContain('truncated gzip');
    expect(one.code).toBe(1);
    expect(udm(['map', CORPUS, '--jobs', '0']).stderr).toContain('--jobs takes a whole number');
  });

  it('names an unreadable path and still maps the others', () => {
    const run = udm(['map', 'no/such/file.json', path.join(CORPUS, 'panther__DisableKey__1.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no\/such\/file\.json.*ENOENT/);
    expect(run.stderr).toContain('mapped 1');
  });

  it('exits 2 on a usage error and 0 with --help on every verb', () => {
    expect(udm(['map', '--no-such-flag']).code).toBe(2);
    expect(udm(['frobnicate']).code).toBe(2);
    for (const verb of [
      'map',
      'detect',
      'compile',
      'validate',
      'test',
      'explain',
      'coverage',
      'docs',
    ]) {
      const help = udm([verb, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: udm ${verb}`);
    }
  });

  it('prints located diagnostics and exits 2 when the mapping is broken', () => {
    const dir = temp();
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      'log_type: X\nrows:\n  - id: a\n    target: nope.x\n    constant: y\n',
    );
    const run = udm(['map', '--mapping', path.join(dir, 'bad.yaml'), '-'], '');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /bad\.yaml:4:13: error mapping_target: UDM field 'nope' does not exist/,
    );
  });

  it('the reference interpreter gives the same events as the compiled mapper', () => {
    // Key order may differ: the interpreter adds a field when a row first fills it, the
    // compiled writer where the first row that can fill it stands.
    const events = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
    const compiled = events(udm(['map', 'samples/kms']).stdout);
    const interpreted = events(udm(['map', 'samples/kms', '--interpret']).stdout);
    expect(interpreted).toEqual(compiled);
    expect(compiled.length).toBeGreaterThan(20);
  });
});
