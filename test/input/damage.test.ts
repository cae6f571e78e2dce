/** Damaged gzip and unusual containers: what decoded fine is never lost, and nothing hangs. */

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { brief, chunked, collect, record, rejects, scratch } from './helpers';

const { write } = scratch();

const trail = (count: number) =>
  JSON.stringify({ Records: Array.from({ length: count }, (_, n) => JSON.parse(record(n))) });

describe('gzip followed by something else', () => {
  it('reads every record when zero padding follows the gzip, then the next file', async () => {
    const padded = write('padded.json.gz', Buffer.concat([gzipSync(trail(50)), Buffer.alloc(4)]));
    const next = write('next.ndjson', record(99) + '\n');
    const items = await collect([padded, next]);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(51);
    expect(rejects(items)).toEqual([]);
  });

  it('keeps every record of a gzip followed by garbage, then rejects the garbage', async () => {
    const bytes = Buffer.concat([gzipSync(trail(3000)), Buffer.from('garbage\n')]);
    const items = await collect([write('trail.json.gz', bytes)]);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(3000);
    expect(rejects(items).map((r) => r.reason)).toEqual(['corrupt gzip: incorrect header check']);
  });

  it('still reports the damage once when the input is standard input', async () => {
    const bytes = Buffer.concat([gzipSync(trail(5)), Buffer.from('garbage\n')]);
    const items = await collect(['-'], { stdin: chunked(bytes, 7) });
    expect(rejects(items)).toHaveLength(1);
    expect(items.at(-1)).toMatchObject({ kind: 'reject', reason: expect.stringMatching(/gzip/) });
  });
});

describe('zero padding between gzip streams', () => {
  const first = gzipSync(trail(3000));
  const second = gzipSync(record(9) + '\n');

  it('reads a gzip stream that follows zero padding', async () => {
    const file = write('padded-middle.gz', Buffer.concat([first, Buffer.alloc(16), second]));
    const items = await collect([file]);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(3001);
    expect(rejects(items)).toEqual([]);
  });

  it('reports bytes after the padding that are not gzip, instead of dropping them', async () => {
    const file = write(
      'padded-junk.gz',
      Buffer.concat([first, Buffer.alloc(16), Buffer.from('x!')]),
    );
    const items = await collect([file]);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(3000);
    expect(rejects(items).map((r) => r.reason)).toEqual([
      `corrupt gzip: data that is not gzip after the gzip stream, at byte ${first.length + 16}`,
    ]);
  });

  it('salvages a later stream followed by garbage', async () => {
    const bytes = Buffer.concat([first, Buffer.alloc(16), second, Buffer.from('junk\n')]);
    const items = await collect([write('padded-then-junk.gz', bytes)]);
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(3001);
    expect(rejects(items)).toHaveLength(1);
  });
});

describe('CloudWatch Logs subscription payloads (as Firehose delivers a log group)', () => {
  it('maps each log event message as a record and skips control messages', async () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      logEvents: [{ id: '', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health' }],
    };
    const data = {
      messageType: 'DATA_MESSAGE',
      logGroup: 'trail',
      logEvents: [record(1), 'not json', record(2)].map((message, id) => ({ id, message })),
    };
    const file = write('firehose', JSON.stringify(control) + JSON.stringify(data));
    const items = await collect([file]);
    expect(items.map(brief)).toEqual([
      'skip control 0@1',
      'record cloudwatch-logs 1@1',
      'reject 2@1',
      'record cloudwatch-logs 3@1',
    ]);
    expect(rejects(items)[0].reason).toMatch(/^invalid JSON in message: /);
  });
});
