import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { InputItem } from '../../parsers/input/types';
import { collect, readText } from './helpers';

const CORPUS = '/work/shared/corpus/records';
const files = readdirSync(CORPUS).sort();
const broken = files.filter((f) => f.endsWith('.broken.json'));
const sound = files.filter((f) => !f.endsWith('.broken.json'));

/** [records, skips, rejects] per file; every sound file not listed holds one record. */
const EXPECTED: Record<string, [number, number, number]> = {
  'awsctdocsgh__DigestFile__1.json': [0, 1, 0],
  'awsctdocsgh__DigestFile__2.json': [0, 1, 0],
  'awsctdocsgh__Insight-CompleteLifecycleAction__1.json': [0, 1, 0],
  'awsctdocsgh__LookupEvents-Insight__1.json': [0, 2, 0],
  'awsctdocsgh__Records-Insights__1.json': [0, 2, 0],
  'awsdocsgh-hist__Records-CreateVolume+GenerateDataKeyWithoutPlaintext__1.json': [2, 0, 0],
  'awsdocsgh-hist__Records-DescribeKey__1.json': [2, 0, 0],
  'awsdocsgh-hist__Records-DescribeKey__2.json': [2, 0, 0],
  'awsdocsgh-hist__Records-RunInstances+more__1.json': [4, 0, 0],
  'awsdocsgh__Records__1.json': [2, 0, 0],
  'awsdocsgh__Records__2.json': [4, 0, 0],
};

function counts(items: InputItem[]): [number, number, number] {
  const of = (kind: InputItem['kind']) => items.filter((i) => i.kind === kind).length;
  return [of('record'), of('skip'), of('reject')];
}

function withoutGzip(items: InputItem[]): unknown[] {
  return items.map((i) => (i.kind === 'record' ? { ...i, gzip: undefined } : i));
}

describe('published corpus', () => {
  it('has both sound and broken files to read', () => {
    expect(sound.length).toBeGreaterThan(100);
    expect(broken.length).toBeGreaterThan(10);
  });

  it.each(broken)('rejects at least once for broken %s', async (name) => {
    const items = await collect([path.join(CORPUS, name)]);
    expect(counts(items)[2]).toBeGreaterThanOrEqual(1);
    expect(items.map((i) => i.origin.index)).toEqual(items.map((_, n) => n));
  });

  it.each(sound)('reads the expected items from %s', async (name) => {
    const items = await collect([path.join(CORPUS, name)]);
    expect(counts(items)).toEqual(EXPECTED[name] ?? [1, 0, 0]);
    for (const item of items) {
      if (item.kind !== 'record') continue;
      const shape = name.includes('__EventBridge')
        ? 'eventbridge'
        : name.includes('Records')
          ? 's3-delivery'
          : 'cloudtrail';
      expect(item.shape).toBe(shape);
      expect(JSON.parse(item.raw)).toEqual(
        shape === 'eventbridge' ? item.envelope : item.envelope.detail,
      );
    }
  });

  it('reads every file the same gzipped and in 5-byte chunks', async () => {
    for (const name of files) {
      const bytes = readFileSync(path.join(CORPUS, name));
      const plain = await readText(bytes);
      expect(withoutGzip(await readText(gzipSync(bytes), 5)), name).toEqual(withoutGzip(plain));
      expect(await readText(bytes, 5), name).toEqual(plain);
    }
  });

  it('reads the whole directory in sorted file order', async () => {
    const items = await collect([CORPUS]);
    const order = [...new Set(items.map((i) => path.basename(i.origin.file)))];
    expect(order).toEqual(files);
    const soundRecords = sound.reduce((sum, f) => sum + (EXPECTED[f] ?? [1])[0], 0);
    const fromSound = items.filter((i) => i.kind === 'record' && !i.origin.file.includes('broken'));
    expect(fromSound).toHaveLength(soundRecords);
  });
});
