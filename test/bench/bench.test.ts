/** `udm bench`: the corpus generator, the jq row without jq, and the report. */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureJq } from '../../parsers/bench/external';
import { row, skippedRow, type Figures } from '../../parsers/bench/figures';
import { generateCorpus, type Corpus } from '../../parsers/bench/generate';
import { GENERATED_MARK, renderMarkdown, renderText, targets } from '../../parsers/bench/report';
import { loadSeedRecords, type CloudTrailRecord } from '../../parsers/bench/seeds';
import { parsePeakRss } from '../../parsers/bench/spawn';
import { formatted, runBench } from '../../parsers/cli/bench-command';
import { processIo } from '../../parsers/cli/io';
import { readInputs } from '../../parsers/input/read';
import { compileMappingOrThrow } from '../../parsers/mapping/compile';
import { mapItem } from '../../parsers/run/map-run';

const ROOT = path.join(__dirname, '..', '..');
const mapper = compileMappingOrThrow(path.join(ROOT, 'mappings', 'aws_kms.yaml')).mapper;
const temps: string[] = [];
const temp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'udm-bench-test-'));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Every file under a directory, by relative path, with its bytes. */
function snapshot(dir: string, base = dir, into = new Map<string, Buffer>()): Map<string, Buffer> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) snapshot(full, base, into);
    else into.set(path.relative(base, full), readFileSync(full));
  }
  return into;
}

function ndjsonRecords(corpus: Corpus): unknown[] {
  return readFileSync(corpus.ndjson, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function deliveryRecords(corpus: Corpus): unknown[] {
  return readdirSync(corpus.s3Dir)
    .sort()
    .flatMap((name) => {
      const text = gunzipSync(readFileSync(path.join(corpus.s3Dir, name))).toString('utf8');
      return (JSON.parse(text) as { Records: unknown[] }).Records;
    });
}

describe('udm bench corpus', () => {
  let seeds: CloudTrailRecord[];
  let corpus: Corpus;
  beforeAll(async () => {
    seeds = await loadSeedRecords(mapper);
    corpus = generateCorpus({ records: 2000, dir: temp(), seeds, perFile: 300 });
  });

  it('is built from many real records', () => {
    expect(seeds.length).toBeGreaterThan(50);
    expect(new Set(seeds.map((s) => s.eventName)).size).toBeGreaterThan(30);
  });

  it('is deterministic: the same seed gives the same bytes, another seed others', () => {
    const again = generateCorpus({ records: 2000, dir: temp(), seeds, perFile: 300 });
    const [a, b] = [snapshot(path.dirname(corpus.s3Dir)), snapshot(path.dirname(again.s3Dir))];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), name).toBe(true);
    const other = generateCorpus({ records: 2000, dir: temp(), seeds, seed: 7, perFile: 300 });
    expect(readFileSync(other.ndjson).equals(readFileSync(corpus.ndjson))).toBe(false);
  });

  it('holds the same records in the gzip delivery files and the NDJSON', () => {
    expect(corpus.files).toBe(7);
    const records = ndjsonRecords(corpus);
    expect(records).toHaveLength(2000);
    expect(deliveryRecords(corpus)).toEqual(records);
  });

  it('varies ids, times, principals, keys and event names', () => {
    const records = ndjsonRecords(corpus) as Record<string, any>[];
    const distinct = (f: (r: Record<string, any>) => unknown) => new Set(records.map(f)).size;
    expect(distinct((r) => r.eventID)).toBe(2000);
    expect(distinct((r) => r.eventTime)).toBeGreaterThan(1000);
    expect(distinct((r) => r.userIdentity?.arn)).toBeGreaterThan(100);
    expect(distinct((r) => r.resources?.[0]?.ARN)).toBeGreaterThan(500);
    expect(distinct((r) => r.eventName)).toBeGreaterThan(30);
  });

  it('maps every record, from both forms, without a rejection or a skip', async () => {
    for (const input of [corpus.s3Dir, corpus.ndjson]) {
      const kinds: Record<string, number> = {};
      for await (const item of readInputs([input])) {
        const kind = mapItem(item, mapper).kind;
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      expect(kinds).toEqual({ event: 2000 });
    }
  });

  it('skips the jq row cleanly when there is no jq', async () => {
    const measured = await measureJq(corpus.ndjson, 2000, { root: ROOT, jq: '/nowhere/jq' });
    expect(measured).toMatchObject({ id: 'jq', skipped: 'jq not found at /nowhere/jq' });
  });
});

function fakeFigures(): Figures {
  const rows = [
    row('floor', 'floor: JSON.parse + JSON.stringify', 1_000_000, 10),
    row('mapper', 'compiled mapper alone (accept + map)', 1_000_000, 8),
    row('record-path', 'per-record path (parse, map, stringify)', 1_000_000, 20),
    row('interpreter', 'jsonpath-plus interpreter alone (accept + map)', 20_000, 4),
    { ...row('map-gzip', '`udm map`, gzip delivery files', 1_000_000, 60), peakRssMiB: 120 },
    { ...row('map-gzip-jobs', '`udm map --jobs 2`, gzip', 1_000_000, 40), peakRssMiB: 200 },
    { ...row('map-ndjson', '`udm map`, NDJSON', 1_000_000, 50), peakRssMiB: 300 },
    { ...row('map-ndjson-quarter', '`udm map`, NDJSON, a quarter', 250_000, 13), peakRssMiB: 280 },
    skippedRow('jq', 'jq, hand translation of the mapping (mapping.jq)', 'jq not found at /x'),
    { ...row('detect', '`udm detect`, all bundled rules', 200_000, 15), peakRssMiB: 900 },
    { ...row('detect-quarter', '`udm detect`, all bundled rules', 50_000, 4), peakRssMiB: 800 },
    { ...row('detect-hot', '`udm detect`, hot key', 50_000, 4), peakRssMiB: 800 },
  ];
  const machine = { cores: 2, cpu: 'Test CPU', memoryGiB: 8, node: 'v20.0.0', platform: 'linux' };
  const corpus = { records: 1_000_000, seed: 1, bytes: 1.1e9, gzipBytes: 2e8, files: 1000 };
  const command = 'node bin/udm.js bench --records 1000000';
  return { date: '2026-01-01T00:00:00Z', machine, command, corpus, rows, totalSeconds: 300 };
}

describe('udm bench report', () => {
  it('renders the machine, the command, every row and the targets', () => {
    const figures = fakeFigures();
    const md = renderMarkdown(figures);
    expect(md.split('\n')[0]).toBe(GENERATED_MARK);
    expect(md).toMatch(/^<!--.*udm bench.*-->$/m);
    expect(md).toContain('2 cores (Test CPU), 8 GiB memory, Node v20.0.0');
    expect(md).toContain('`node bin/udm.js bench --records 1000000`');
    for (const r of figures.rows) expect(md).toContain(r.label.replace(/\|/g, '\\|'));
    expect(md).toContain('| 100,000 | 1.00× |');
    expect(md).toContain('skipped: jq not found at /x');
    expect(md).toContain('## Targets');
    expect(renderText(figures)).toContain('skipped: jq not found at /x');
  });

  it('says which targets are met, not met or not measured', () => {
    const statuses = targets(fakeFigures()).map((t) => t.status);
    // path 0.5× floor; mapper 25× interpreter; jq skipped; NDJSON 300 MiB; detect 0.67× map.
    expect(statuses).toEqual(['not met', 'met', 'not measured', 'not met', 'met']);
    // Detect memory that grows with the input fails the target, however fast.
    const growing = fakeFigures();
    growing.rows.find((r) => r.id === 'detect-quarter')!.peakRssMiB = 300;
    expect(targets(growing)[4].status).toBe('not met');
    // So does a hot match key slower than half of `udm map`.
    const hot = fakeFigures();
    hot.rows.find((r) => r.id === 'detect-hot')!.perSecond = 5_000;
    expect(targets(hot)[4].status).toBe('not met');
  });

  it('holds udm map to 256 MiB with one thread and two, and to memory flat in the input', () => {
    const figures = fakeFigures();
    const peak = (id: string, mib: number) => {
      figures.rows.find((r) => r.id === id)!.peakRssMiB = mib;
    };
    peak('map-ndjson', 200);
    peak('map-ndjson-quarter', 190);
    expect(targets(figures)[3].status).toBe('met');
    peak('map-gzip-jobs', 300);
    expect(targets(figures)[3].status).toBe('not met');
    peak('map-gzip-jobs', 200);
    peak('map-ndjson-quarter', 100);
    expect(targets(figures)[3].status).toBe('not met');
  });

  it('marks what failed in the markdown', () => {
    const md = renderMarkdown(fakeFigures());
    expect(md).toContain('**not met**');
    expect(md).toContain('**not measured**');
  });

  it('reads the peak RSS from GNU time and refuses a bad record count', async () => {
    expect(parsePeakRss('\tMaximum resident set size (kbytes): 262144\n')).toBe(256);
    expect(parsePeakRss('no report')).toBeUndefined();
    await expect(runBench({ records: 'many' }, processIo())).rejects.toThrow(/--records/);
  });
});

describe('the committed report', () => {
  it('is the rendering of the committed figures (npm run bench refreshes both)', async () => {
    const docs = path.join(__dirname, '..', '..', 'docs');
    const figures = JSON.parse(readFileSync(path.join(docs, 'benchmarks.json'), 'utf8'));
    const markdown = readFileSync(path.join(docs, 'benchmarks.md'), 'utf8');
    expect(markdown).toBe(await formatted(renderMarkdown(figures), 'markdown'));
  });
});
