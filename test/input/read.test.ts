import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../../parsers/input/read';
import { brief, collect, readText, record, records, rejects, scratch } from './helpers';

const { dir, write } = scratch();
const SAMPLE_NDJSON = path.join(
  __dirname,
  '..',
  '..',
  'samples',
  'kms',
  'ndjson',
  'kms-records.ndjson',
);

function deliveryFile(count: number, pretty = false): { text: string; elements: string[] } {
  const elements = Array.from({ length: count }, (_, n) =>
    pretty ? JSON.stringify(JSON.parse(record(n)), null, 2) : record(n),
  );
  const text = pretty
    ? `{\n  "Records": [\n${elements.join(',\n')}\n  ]\n}\n`
    : `{"Records":[${elements.join(',')}]}`;
  return { text, elements };
}

describe('readInputs: record boundaries', () => {
  it('reads newline-delimited records with their line, index and exact text', async () => {
    const lines = [record(0), record(1), record(2)];
    const items = await readText(`${lines[0]}\n${lines[1]}\r\n\n${lines[2]}\n`);
    expect(items.map(brief)).toEqual([
      'record cloudtrail 0@1',
      'record cloudtrail 1@2',
      'record cloudtrail 2@4',
    ]);
    expect(records(items).map((r) => r.raw)).toEqual(lines);
    expect(records(items)[1]).toMatchObject({
      origin: { file: '-', index: 1, line: 2 },
      gzip: false,
      envelope: { detail: JSON.parse(lines[1]) },
    });
  });

  it('reads pretty-printed records one after another', async () => {
    const a = JSON.stringify(JSON.parse(record(0)), null, 2);
    const b = JSON.stringify(JSON.parse(record(1)), null, 4);
    const items = await readText(`\n${a}\n\n${b}  \n`);
    expect(items.map(brief)).toEqual(['record cloudtrail 0@2', 'record cloudtrail 1@9']);
    expect(records(items).map((r) => r.raw)).toEqual([a, b]);
  });

  it('splits records concatenated with no separator, strings with }{ kept whole', async () => {
    const tricky = [
      record(0, { note: 'a}{b' }),
      record(1, { note: 'quote "}{" inside' }),
      record(2, { note: 'backslash \\' }),
      record(3, { note: '\\"}{' }),
    ];
    expect(tricky[1]).toContain(String.raw`\"}{\"`);
    const items = await readText(tricky.join(''));
    expect(records(items).map((r) => r.raw)).toEqual(tricky);
    expect(records(items).map((r) => (r.envelope.detail as { note: string }).note)).toEqual([
      'a}{b',
      'quote "}{" inside',
      'backslash \\',
      '\\"}{',
    ]);
  });

  it("splits Google's test vectors concatenated, as EventBridge envelopes", async () => {
    const vectors = '/work/shared/corpus/google-content-hub/AWS_KMS_default_log.json';
    const log = JSON.parse(readFileSync(vectors, 'utf8')) as {
      raw_logs: { entries: { data: string }[] };
    };
    const data = log.raw_logs.entries.map((e) => e.data);
    const items = await readText(data.join(''), 100);
    expect(items.map(brief)).toEqual(data.map((_, n) => `record eventbridge ${n}@1`));
    expect(records(items).map((r) => r.raw)).toEqual(data);
  });

  it('reads a top-level array of envelopes, one item per element', async () => {
    const envelope = (n: number) =>
      JSON.stringify({ source: 'aws.kms', 'detail-type': 'x', detail: JSON.parse(record(n)) });
    const items = await readText(`[\n${envelope(0)},\n${envelope(1)}\n]\n`);
    expect(items.map(brief)).toEqual(['record eventbridge 0@2', 'record eventbridge 1@3']);
    expect(records(items)[1].raw).toBe(envelope(1));
  });

  it('ignores a UTF-8 byte order mark at the start', async () => {
    const items = await readText(`\uFEFF${record(0)}\n`);
    expect(items.map(brief)).toEqual(['record cloudtrail 0@1']);
    expect(records(items)[0].raw).toBe(record(0));
  });

  it('yields nothing for empty input, blank input or an empty Records array', async () => {
    expect(await readText('')).toEqual([]);
    expect(await readText(' \n\r\n\t')).toEqual([]);
    expect(await readText('{"Records":[]}')).toEqual([]);
  });
});

describe('readInputs: S3 delivery files and gzip', () => {
  it('streams each Records element as its own s3-delivery record', async () => {
    const { text, elements } = deliveryFile(3, true);
    const items = await readText(text);
    expect(items.map(brief)).toEqual([
      'record s3-delivery 0@3',
      'record s3-delivery 1@9',
      'record s3-delivery 2@15',
    ]);
    expect(records(items).map((r) => r.raw)).toEqual(elements);
    expect(records(items)[2].envelope).toEqual({ detail: JSON.parse(elements[2]) });
  });

  it('reads a gzipped delivery file the same way, flagged gzip', async () => {
    const { text, elements } = deliveryFile(3);
    const items = await readText(gzipSync(text));
    expect(items.map(brief)).toEqual([
      'record s3-delivery 0@1',
      'record s3-delivery 1@1',
      'record s3-delivery 2@1',
    ]);
    expect(records(items).map((r) => r.raw)).toEqual(elements);
    expect(records(items).every((r) => r.gzip)).toBe(true);
  });

  it('detects gzip by content, never by file name', async () => {
    const zipped = write('misleading/plain.json', gzipSync(`${record(0)}\n`));
    const plain = write('misleading/really-plain.json.gz', `${record(1)}\n`);
    const items = records(await collect([zipped, plain]));
    expect(items.map((r) => [r.origin.file, r.gzip, r.raw])).toEqual([
      [zipped, true, record(0)],
      [plain, false, record(1)],
    ]);
  });

  it('reads concatenated gzip members as one text', async () => {
    const bytes = Buffer.concat([
      gzipSync(`${record(0)}\n${record(1)}`),
      gzipSync(`\n${record(2)}\n`),
    ]);
    const items = await readText(bytes, 7);
    expect(items.map(brief)).toEqual([
      'record cloudtrail 0@1',
      'record cloudtrail 1@2',
      'record cloudtrail 2@3',
    ]);
  });

  it('keeps the complete records of a truncated gzip file, rejects the tail once', async () => {
    const { text, elements } = deliveryFile(2000);
    const zipped = gzipSync(text);
    const cut = zipped.subarray(0, Math.floor(zipped.length / 2));
    for (const size of [65536, 1000]) {
      const items = await readText(cut, size);
      const complete = records(items);
      expect(complete.length).toBeGreaterThan(100);
      expect(complete.length).toBeLessThan(2000);
      expect(complete.map((r) => r.raw)).toEqual(elements.slice(0, complete.length));
      expect(rejects(items)).toHaveLength(1);
      const tail = items[items.length - 1];
      expect(tail).toMatchObject({
        kind: 'reject',
        reason: 'truncated gzip: unexpected end of file',
        origin: { file: '-', index: complete.length },
      });
      expect(elements[complete.length].startsWith(tail.kind === 'reject' ? tail.raw : '?')).toBe(
        true,
      );
    }
  });

  it('rejects a corrupt gzip stream without throwing', async () => {
    const zipped = Buffer.from(gzipSync(deliveryFile(50).text));
    zipped[20] ^= 0xff;
    const items = await readText(zipped);
    const last = items[items.length - 1];
    expect(last).toMatchObject({
      kind: 'reject',
      reason: expect.stringMatching(/^corrupt gzip: /),
    });
  });
});

describe('readInputs: chunk boundaries', () => {
  it('decodes multi-byte characters and escapes split across 1-byte chunks', async () => {
    const notes = ['é', '日本語', '𝄞 clef', 'tab\\t, \\"}{ \\\\', '\\u00e9 }{ \\u2028'];
    const text =
      '\uFEFF' +
      notes.map((note, n) => `{"n":${n},"eventName":"E","note":"${note}"}`).join('') +
      '\n' +
      deliveryFile(2, true).text;
    const whole = await readText(text);
    const tiny = await readText(text, 1);
    expect(tiny).toEqual(whole);
    expect(tiny.map(brief)).toEqual([
      'record cloudtrail 0@1',
      'record cloudtrail 1@1',
      'record cloudtrail 2@1',
      'record cloudtrail 3@1',
      'record cloudtrail 4@1',
      'record s3-delivery 5@4',
      'record s3-delivery 6@10',
    ]);
    expect(records(tiny).map((r) => (r.envelope.detail as { note?: string }).note)).toEqual([
      'é',
      '日本語',
      '𝄞 clef',
      'tab\t, "}{ \\',
      'é }{ \u2028',
      undefined,
      undefined,
    ]);
  });

  it('does the same for gzip input in 1-byte chunks', async () => {
    const text = `${record(0, { note: '日本' })}{"Records":[${record(1)}]}`;
    const items = await readText(gzipSync(text), 1);
    expect(items.map(brief)).toEqual(['record cloudtrail 0@1', 'record s3-delivery 1@1']);
    expect(records(items)[1].raw).toBe(record(1));
  });
});

describe('readInputs: paths', () => {
  it('walks directories recursively in sorted order, regular files only', async () => {
    const root = path.join(dir, 'tree');
    const order = ['10.json', '9.json', 'a/y/x.json', 'a/z.json', 'b.json'];
    for (const name of [...order].reverse()) write(`tree/${name}`, `${record(0)}\n`);
    symlinkSync(path.join(root, 'a'), path.join(root, 'c-link-to-a'));
    const items = await collect([root]);
    const files = items.map((i) => path.relative(root, i.origin.file));
    expect(files.slice(0, order.length)).toEqual(order);
    // A symbolic link to a directory is walked like the directory itself.
    expect(files.slice(order.length)).toEqual(['c-link-to-a/y/x.json', 'c-link-to-a/z.json']);
    expect(items.every((i) => i.kind === 'record' && i.origin.index === 0)).toBe(true);
  });

  it('reads delivery files in delivery-time order when asked, across regions', async () => {
    const root = path.join(dir, 'trail');
    const names = [
      'AWSLogs/1/CloudTrail/eu-west-1/1_CloudTrail_eu-west-1_20240101T0010Z_b.json.gz',
      'AWSLogs/1/CloudTrail/eu-west-1/1_CloudTrail_eu-west-1_20240101T0020Z_a.json.gz',
      'AWSLogs/1/CloudTrail/us-east-1/1_CloudTrail_us-east-1_20240101T0005Z_c.json.gz',
      'AWSLogs/1/CloudTrail/us-east-1/1_CloudTrail_us-east-1_20240101T0015Z_d.json.gz',
      'notes.ndjson',
    ];
    for (const name of names) write(`trail/${name}`, `${record(0)}\n`);
    const order = async (order?: 'path' | 'time') =>
      (await collect([root], { order })).map((i) => path.basename(i.origin.file));
    expect(await order()).toEqual(names.map((n) => path.basename(n)));
    const byTime = [names[4], names[2], names[0], names[3], names[1]];
    expect(await order('time')).toEqual(byTime.map((n) => path.basename(n)));
    // Across paths given one by one too: the two regions' folders interleave.
    const regions = ['eu-west-1', 'us-east-1'].map((r) =>
      path.join(root, 'AWSLogs/1/CloudTrail', r),
    );
    const across = (await collect(regions, { order: 'time' })).map((i) =>
      path.basename(i.origin.file),
    );
    expect(across).toEqual(byTime.slice(1).map((n) => path.basename(n)));
  });

  it('reports a directory loop instead of following it forever', async () => {
    const loop = path.join(dir, 'loop');
    write('loop/r.json', record(0));
    symlinkSync(loop, path.join(loop, 'self'));
    const items = await collect([loop]);
    expect(items.map((i) => [i.kind, path.relative(loop, i.origin.file)])).toEqual([
      ['record', 'r.json'],
      ['reject', 'self'],
    ]);
  });

  it('rejects a missing path once and reads the paths after it', async () => {
    const missing = path.join(dir, 'no-such-file.json');
    const present = write('present.json', record(7));
    const items = await collect([missing, present]);
    expect(items[0]).toEqual({
      kind: 'reject',
      origin: { file: missing, index: 0 },
      reason: 'cannot read: ENOENT: no such file or directory',
      raw: '',
    });
    expect(items.slice(1).map(brief)).toEqual(['record cloudtrail 0@1']);
    expect(items[1].origin.file).toBe(present);
  });

  it('reports a source that fails mid-read once, after the records read before', async () => {
    const stdin = new Readable({
      read() {
        this.push(Buffer.from(`${record(0)}\n{"eventName":`));
        const error = Object.assign(new Error('EIO: i/o error, read'), { syscall: 'read' });
        this.destroy(error);
      },
    });
    const items = await collect(['-'], { stdin });
    expect(items.map(brief)).toEqual(['record cloudtrail 0@1', 'reject 1@2']);
    expect(rejects(items)[0]).toMatchObject({
      reason: 'cannot read: EIO: i/o error',
      raw: '{"eventName":',
    });
  });

  it('reads standard input for -, in path order', async () => {
    const file = write('before-stdin.json', record(0));
    const stdin = Readable.from([Buffer.from(`${record(1)}\n${record(2)}`)]);
    const items = await collect([file, '-'], { stdin });
    expect(items.map((i) => `${i.origin.file === '-' ? '-' : 'file'} ${brief(i)}`)).toEqual([
      'file record cloudtrail 0@1',
      '- record cloudtrail 0@1',
      '- record cloudtrail 1@2',
    ]);
  });

  it('accepts string chunks from a standard input set to an encoding', async () => {
    const stdin = Readable.from([record(0).slice(0, 10), record(0).slice(10)]);
    const items = await collect(['-'], { stdin });
    expect(records(items).map((r) => r.raw)).toEqual([record(0)]);
  });
});

describe('readInputs: skips, LookupEvents and hostile keys', () => {
  it('skips digest files and Insights events, also inside Records', async () => {
    const digest = '{"digestStartTime":"2015-08-17T14:01:31Z","digestEndTime":"x","logFiles":[]}';
    const insight = record(1, { eventCategory: 'Insight', insightDetails: { state: 'Start' } });
    const text = `${digest}\n{"Records":[${record(0)},${insight}]}\n${insight}\n`;
    const items = await readText(text);
    expect(items.map(brief)).toEqual([
      'skip digest 0@1',
      'record s3-delivery 1@2',
      'skip insight 2@2',
      'skip insight 3@3',
    ]);
    expect(items[0]).toMatchObject({
      detail: 'CloudTrail digest file for 2015-08-17T14:01:31Z to x',
    });
  });

  it('reads LookupEvents output, each CloudTrailEvent as a bare record', async () => {
    const page = {
      NextToken: 'abc',
      Events: [
        { EventId: '1', EventName: 'Decrypt', CloudTrailEvent: record(0) },
        { EventId: '2', CloudTrailEvent: '{"eventName":' },
        { EventId: '3', CloudTrailEvent: record(2) },
      ],
    };
    const items = await readText(JSON.stringify(page, null, 2));
    expect(items.map(brief)).toEqual([
      'record cloudtrail 0@1',
      'reject 1@1',
      'record cloudtrail 2@1',
    ]);
    expect(records(items).map((r) => r.raw)).toEqual([record(0), record(2)]);
    expect(rejects(items)[0]).toMatchObject({ raw: '{"eventName":' });
  });

  it('keeps a __proto__ key an own property and pollutes nothing', async () => {
    const text = '{"__proto__":{"polluted":true},"eventName":"Decrypt"}\n';
    const items = await readText(text);
    const detail = records(items)[0].envelope.detail as Record<string, unknown>;
    expect(Object.hasOwn(detail, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(detail)).toBe(Object.prototype);
    expect((detail as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(records(items)[0].raw).toBe(text.trim());
  });
});

describe('readInputs: bad input', () => {
  it('numbers every item of a file, bad ones included, with their lines', async () => {
    const text = [
      record(0),
      'garbage line',
      '{"a": 1,}',
      '42',
      '{"Records": [',
      `  ${record(1)},`,
      '  "not an object",',
      `  ${record(2)}`,
      ']}',
      `${record(3)} tail`,
    ].join('\n');
    const items = await readText(text, 16);
    expect(items.map(brief)).toEqual([
      'record cloudtrail 0@1',
      'reject 1@2',
      'reject 2@3',
      'reject 3@4',
      'record s3-delivery 4@6',
      'reject 5@7',
      'record s3-delivery 6@8',
      'record cloudtrail 7@10',
      'reject 8@10',
    ]);
    expect(rejects(items).map((r) => [r.raw, r.reason.replace(/: .*/, '')])).toEqual([
      ['garbage line', 'not JSON'],
      ['{"a": 1,}', 'invalid JSON'],
      ['42', 'not a record'],
      ['"not an object"', 'not a record'],
      ['tail', 'not JSON'],
    ]);
  });

  it('reports a record cut off at the end of the input once', async () => {
    const items = await readText(`${record(0)}\n{"eventName": "Decrypt", "x": {`);
    expect(items.map(brief)).toEqual(['record cloudtrail 0@1', 'reject 1@2']);
    expect(rejects(items)[0].reason).toBe(
      'invalid JSON: unexpected end of input (unclosed object)',
    );
  });

  it('rejects a record over maxRecordBytes and reads the next one', async () => {
    const big = record(1, { padding: 'p'.repeat(500) });
    const text = `${record(0)}\n${big}\n${record(2)}\n`;
    for (const size of [65536, 3]) {
      const items = await readText(text, size, { maxRecordBytes: 200 });
      expect(items.map(brief)).toEqual([
        'record cloudtrail 0@1',
        'reject 1@2',
        'record cloudtrail 2@3',
      ]);
      expect(rejects(items)[0]).toMatchObject({
        reason: 'record larger than 200 bytes (raw truncated to its first 200 characters)',
        raw: big.slice(0, 200),
      });
    }
  });

  it('turns each stretch of prose into one reject, at its first line', async () => {
    const prose = 'Dear reader,\n\nthis file holds no JSON at all.\n[not json either]\nbye\n';
    const items = await collect([write('prose.txt', prose)]);
    expect(items.map(brief)).toEqual(['reject 0@1', 'reject 1@4', 'reject 2@5']);
    expect(rejects(items).map((r) => [r.reason, r.raw])).toEqual([
      [
        'not JSON: text outside any JSON object (2 lines)',
        'Dear reader,\nthis file holds no JSON at all.',
      ],
      // The line began with `[`, so it was read as an array holding stray text.
      ['not JSON: unexpected text in array', 'not json either'],
      ['not JSON: text outside any JSON object', 'bye'],
    ]);
  });

  it('keeps a stretch of prose to the record size limit, counting every line', async () => {
    const lines = Array.from({ length: 10_000 }, (_, n) => `line ${n} of a text log`);
    const file = write('log.txt', lines.join('\n') + '\n');
    const items = await collect([file], { maxRecordBytes: 1000 });
    expect(items.map(brief)).toEqual(['reject 0@1']);
    const [reject] = rejects(items);
    expect(reject.reason).toBe(
      'not JSON: text outside any JSON object ' +
        '(10000 lines; raw truncated to its first 1000 characters)',
    );
    expect(reject.raw).toBe(lines.join('\n').slice(0, 1000));
  });

  it('reports a FIFO inside a directory instead of reading it or passing it by', async () => {
    const folder = path.join(dir, 'with-fifo');
    mkdirSync(folder);
    execFileSync('mkfifo', [path.join(folder, 'pipe.json')]);
    writeFileSync(path.join(folder, 'z.ndjson'), readFileSync(SAMPLE_NDJSON));
    const items = await collect([folder]);
    expect(rejects(items).map((r) => [r.origin.file, r.reason])).toEqual([
      [
        path.join(folder, 'pipe.json'),
        'cannot read: not a regular file (a FIFO, socket or device inside a directory): not read',
      ],
    ]);
    expect(records(items)).toHaveLength(8);
  });

  it('rejects binary noise without throwing', async () => {
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, n) => (n * 7919) % 256));
    const items = await readText(Buffer.concat([Buffer.from('\x00\x01'), noise]), 100);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.kind === 'reject' || i.kind === 'record')).toBe(true);
  });

  it('stops early without leaking when the caller breaks out', async () => {
    const file = write('many.json', Array.from({ length: 50 }, (_, n) => record(n)).join('\n'));
    let seen = 0;
    for await (const item of readInputs([file, file])) {
      expect(item.kind).toBe('record');
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});

describe('readInputs: streaming', () => {
  it('yields the first of 200,000 Records elements after reading only the start', async () => {
    const total = 200_000;
    const perChunk = 1000;
    let pulled = 0;
    let element = 0;
    const source = new Readable({
      read() {
        if (element >= total) {
          this.push(null);
          return;
        }
        const parts: string[] = [];
        for (let k = 0; k < perChunk && element < total; k++, element++) {
          parts.push(`{"eventName":"Decrypt","n":${element}}`);
        }
        const head = pulled === 0 ? '{"Records":[' : ',';
        const tail = element >= total ? ']}' : '';
        pulled++;
        this.push(Buffer.from(head + parts.join(',') + tail));
      },
    });
    const iterator = readInputs(['-'], { stdin: source })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ kind: 'record', raw: '{"eventName":"Decrypt","n":0}' });
    expect(pulled).toBeLessThan(5);
    let count = 1;
    let last = first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      count++;
      last = next.value;
    }
    expect(count).toBe(total);
    expect(last).toMatchObject({
      kind: 'record',
      shape: 's3-delivery',
      origin: { index: total - 1, line: 1 },
      raw: `{"eventName":"Decrypt","n":${total - 1}}`,
    });
    expect(pulled).toBe(total / perChunk);
  });
});

describe('readInputs: strings UTF-8 can hold', () => {
  it('turns escaped lone surrogates into U+FFFD; pairs, raw text and keys stay', async () => {
    const text =
      '{"eventName":"Decrypt","eventTime":"2024-01-01T00:00:00Z","userAgent":"a \\ud800 b",' +
      '"smile":"\\ud83d\\ude00","list":["\\udc00",{"k\\ud800":"\\udbff"}],"plain":"\\\\ud800"}';
    const [item] = records(await readText(text + '\n'));
    const detail = item.envelope.detail as Record<string, unknown>;
    expect(detail.userAgent).toBe('a \ufffd b');
    expect(detail.smile).toBe('\u{1F600}');
    expect(detail.list).toEqual(['\ufffd', { 'k\ud800': '\ufffd' }]);
    expect(detail.plain).toBe('\\ud800');
    expect(item.raw).toBe(text);
  });
});
