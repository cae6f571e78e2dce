/**
 * Turns a stream of bytes into a stream of text: gunzips it when its first bytes are the gzip
 * magic (never judged by file name), decodes UTF-8 across chunk boundaries, drops a leading
 * byte order mark. It never throws: a failing source or a damaged gzip stream ends the text
 * with one Damage, after every piece of text decoded before the damage.
 */

import { StringDecoder } from 'node:string_decoder';
import * as zlib from 'node:zlib';

export interface Damage {
  damage: string;
}

/** Filled in once the first bytes are seen. */
export interface DecodeState {
  gzip: boolean;
}

type Chunk = Buffer | string;

const BYTE_ORDER_MARK = 0xfeff;

/**
 * An error's message without the `, open '/the/path'` Node ends system errors with: the item
 * names the file already.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const syscall = (error as { syscall?: unknown }).syscall;
  if (typeof syscall !== 'string') return error.message;
  const tail = `, ${syscall}`;
  const at = error.message.lastIndexOf(tail);
  return at > 0 ? error.message.slice(0, at) : error.message;
}

function toBuffer(chunk: Chunk): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The first chunks of the source, joined, until there are enough bytes to spot gzip. */
async function readHead(source: AsyncIterator<Chunk>): Promise<Buffer> {
  const head: Buffer[] = [];
  let size = 0;
  while (size < 2) {
    const next = await source.next();
    if (next.done) break;
    const bytes = toBuffer(next.value);
    head.push(bytes);
    size += bytes.length;
  }
  return head.length === 1 ? head[0] : Buffer.concat(head);
}

async function* rest(source: AsyncIterator<Chunk>): AsyncGenerator<Buffer> {
  for (let next = await source.next(); !next.done; next = await source.next()) {
    yield toBuffer(next.value);
  }
}

function gzipDamage(error: Error & { code?: string }): Damage {
  const truncated = error.code === 'Z_BUF_ERROR';
  return { damage: `${truncated ? 'truncated' : 'corrupt'} gzip: ${error.message}` };
}

/**
 * Resolves once the gunzip stream has taken `input` in (or, with none, ended), or failed, or
 * ended by itself: zlib ends a stream early when a member is followed by zero padding, and then
 * calls no write callback.
 */
function feed(gunzip: zlib.Gunzip, input: Buffer | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (gunzip.destroyed || gunzip.readableEnded) return resolve();
    const events = ['error', 'end', 'close'] as const;
    const done = () => {
      for (const event of events) gunzip.off(event, done);
      resolve();
    };
    for (const event of events) gunzip.once(event, done);
    if (input) gunzip.write(input, done);
    else gunzip.end();
  });
}

/**
 * Compressed bytes are fed to zlib this many at a time and their output passed on before the
 * next: deflate expands at most about 1032 times, so a slice never makes more than ~16 MiB.
 */
const FEED_BYTES = 16 * 1024;

/**
 * Gunzips, a slice at a time so memory stays bounded by one slice's expansion. Output is
 * taken from 'data' events as zlib pushes it: every byte decoded before a failure arrives
 * before the failure does (async iteration of a failed stream would drop it). Concatenated
 * gzip members are handled by zlib itself.
 *
 * zlib drops what the failing write decoded (bytes after the last member, "trailing garbage",
 * fail a write that also finished that member). When the source can be read again, that
 * output is recovered by salvageTail before the damage is reported.
 */
async function* gunzip(
  head: Buffer,
  source: AsyncIterator<Chunk>,
  reopen?: () => AsyncIterable<Chunk>,
  offset = 0,
): AsyncGenerator<Buffer | Damage> {
  const stream = zlib.createGunzip({ chunkSize: 64 * 1024 });
  const output: Buffer[] = [];
  let failure: (Error & { code?: string }) | undefined;
  let [consumed, delivered] = [0, 0];
  stream.on('data', (bytes: Buffer) => output.push(bytes));
  stream.on('error', (error) => (failure = error));
  const drain = () => {
    for (const bytes of output) delivered += bytes.length;
    return output.splice(0);
  };
  try {
    let input: Buffer | undefined = head;
    while (input && !failure) {
      for (let at = 0; at < input.length && !failure; at += FEED_BYTES) {
        const slice = input.subarray(at, at + FEED_BYTES);
        await feed(stream, slice);
        yield* drain();
        if (failure) break;
        if (stream.bytesWritten < consumed + slice.length) {
          // zlib stopped at zero padding after a member: what follows is read on its own.
          const rest = input.subarray(at + stream.bytesWritten - consumed);
          yield* afterGzip(rest, source, reopen, offset + stream.bytesWritten);
          return;
        }
        consumed += slice.length;
      }
      if (failure) break;
      const next = await source.next();
      input = next.done ? undefined : toBuffer(next.value);
    }
    if (!failure) await feed(stream, undefined);
    yield* drain();
    if (!failure) return;
    if (reopen && failure.code !== 'Z_BUF_ERROR') {
      yield* await salvageTail(reopen, offset, consumed, delivered);
    }
    yield gzipDamage(failure);
  } finally {
    stream.destroy();
  }
}

/**
 * What follows a gzip stream that zlib ended at zero padding: more padding (ignored), another
 * gzip stream (decoded), or anything else (reported as damage, never dropped in silence).
 */
async function* afterGzip(
  bytes: Buffer,
  source: AsyncIterator<Chunk>,
  reopen: (() => AsyncIterable<Chunk>) | undefined,
  offset: number,
): AsyncGenerator<Buffer | Damage> {
  let rest = bytes;
  let at = offset;
  for (;;) {
    const data = rest.findIndex((byte) => byte !== 0);
    if (data >= 0 && rest.length - data >= 2) {
      rest = rest.subarray(data);
      at += data;
      break;
    }
    const next = await source.next();
    if (next.done) {
      if (data < 0) return;
      rest = rest.subarray(data);
      at += data;
      break;
    }
    rest = Buffer.concat([rest, toBuffer(next.value)]);
  }
  if (isGzip(rest)) {
    yield* gunzip(rest, source, reopen, at);
    return;
  }
  yield { damage: `corrupt gzip: data that is not gzip after the gzip stream, at byte ${at}` };
}

/**
 * Decodes the source again (from `offset`, where this gzip stream starts) up to the slice whose
 * write failed, then feeds that slice one byte
 * at a time: each byte's output is pushed before the byte that fails, so nothing decoded before
 * the damage is lost. Returns the output beyond the `delivered` bytes already passed on.
 */
async function salvageTail(
  reopen: () => AsyncIterable<Chunk>,
  offset: number,
  goodInput: number,
  delivered: number,
): Promise<Buffer[]> {
  const stream = zlib.createGunzip({ chunkSize: 64 * 1024 });
  const output: Buffer[] = [];
  let [failed, fed, seen] = [false, 0, 0];
  stream.on('data', (bytes: Buffer) => {
    const skip = Math.max(0, Math.min(bytes.length, delivered - seen));
    seen += bytes.length;
    if (skip < bytes.length) output.push(bytes.subarray(skip));
  });
  stream.on('error', () => (failed = true));
  let skip = offset;
  try {
    for await (const chunk of reopen()) {
      const whole = toBuffer(chunk);
      // This gzip stream starts `offset` bytes into the file (after earlier streams).
      const bytes = whole.subarray(Math.min(skip, whole.length));
      skip -= whole.length - bytes.length;
      for (let at = 0; at < bytes.length && !failed;) {
        const step = fed < goodInput ? Math.min(FEED_BYTES, goodInput - fed) : 1;
        await feed(stream, bytes.subarray(at, at + step));
        [at, fed] = [at + step, fed + step];
        if (fed > goodInput + FEED_BYTES) failed = true;
      }
      if (failed) break;
    }
  } catch {
    // The source could not be read again: what was delivered stands, the damage is reported.
  } finally {
    stream.destroy();
  }
  return output;
}

async function* decompress(
  source: AsyncIterable<Chunk>,
  state: DecodeState,
  reopen?: () => AsyncIterable<Chunk>,
) {
  const iterator = source[Symbol.asyncIterator]();
  try {
    const head = await readHead(iterator);
    if (isGzip(head)) {
      state.gzip = true;
      yield* gunzip(head, iterator, reopen);
    } else {
      if (head.length > 0) yield head;
      yield* rest(iterator);
    }
  } catch (error) {
    yield { damage: `cannot read: ${describeError(error)}` };
  } finally {
    // Releases the file handle when the reader stops early; a source that failed may fail again.
    await iterator.return?.().catch(() => undefined);
  }
}

/** `reopen` reads the same bytes again (files can, stdin cannot); it lets damage be salvaged. */
export async function* decodeText(
  source: AsyncIterable<Chunk>,
  state: DecodeState,
  reopen?: () => AsyncIterable<Chunk>,
): AsyncGenerator<string | Damage> {
  const decoder = new StringDecoder('utf8');
  let atStart = true;
  const clean = (text: string): string => {
    if (!atStart || text.length === 0) return text;
    atStart = false;
    return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  };
  for await (const piece of decompress(source, state, reopen)) {
    if (Buffer.isBuffer(piece)) {
      const text = clean(decoder.write(piece));
      if (text) yield text;
      continue;
    }
    const tail = clean(decoder.end());
    if (tail) yield tail;
    yield piece;
    return;
  }
  const tail = clean(decoder.end());
  if (tail) yield tail;
}
