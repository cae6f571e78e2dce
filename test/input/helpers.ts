import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll } from 'vitest';
import { readInputs } from '../../parsers/input/read';
import type { InputItem, ReadOptions } from '../../parsers/input/types';

export async function collect(paths: string[], options?: ReadOptions): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readInputs(paths, options)) items.push(item);
  return items;
}

/** Reads `input` as standard input, cut into chunks of `size` bytes. */
export function readText(
  input: string | Buffer,
  size = 65536,
  options: ReadOptions = {},
): Promise<InputItem[]> {
  return collect(['-'], { ...options, stdin: chunked(input, size) });
}

export function chunked(input: string | Buffer, size: number): Readable {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

/** A short summary of an item, for exact comparisons of a whole run. */
export function brief(item: InputItem): string {
  const where = `${item.origin.index}@${item.origin.line ?? '-'}`;
  if (item.kind === 'record') return `record ${item.shape} ${where}`;
  if (item.kind === 'skip') return `skip ${item.reason} ${where}`;
  return `reject ${where}`;
}

export function records(items: InputItem[]): Extract<InputItem, { kind: 'record' }>[] {
  return items.filter((i): i is Extract<InputItem, { kind: 'record' }> => i.kind === 'record');
}

export function rejects(items: InputItem[]): Extract<InputItem, { kind: 'reject' }>[] {
  return items.filter((i): i is Extract<InputItem, { kind: 'reject' }> => i.kind === 'reject');
}

/** A temporary directory removed after the test file; `write` creates files (and parents). */
export function scratch(): { dir: string; write: (name: string, data: string | Buffer) => string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'input-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, data) {
      const file = path.join(dir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, data);
      return file;
    },
  };
}

/** A CloudTrail-like record with a few fields, as one line of JSON. */
export function record(n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventVersion: '1.08',
    eventSource: 'kms.amazonaws.com',
    eventName: 'Decrypt',
    eventID: `id-${n}`,
    ...extra,
  });
}
