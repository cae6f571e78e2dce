/** The CLI's standard streams, injectable so tests can run commands in-process. */

import { once } from 'node:events';
import { closeSync, createWriteStream, existsSync, fstatSync, mkdirSync } from 'node:fs';
import { openSync, realpathSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { escapeUnprintable } from '../diagnostics';
import { fileId, findSources } from '../input/walk';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Standard error that writes every message printable, lines kept (see escapeUnprintable). */
export function printable(stderr: NodeJS.WritableStream): NodeJS.WritableStream {
  const write = (chunk: unknown, ...rest: unknown[]) =>
    (stderr.write as (...args: unknown[]) => boolean)(
      typeof chunk === 'string' ? escapeUnprintable(chunk, true) : chunk,
      ...rest,
    );
  return { write } as unknown as NodeJS.WritableStream;
}

/** Raised by a command for a usage problem: the CLI prints it and exits with code 2. */
export class UsageError extends Error {}

/** An option's value as a whole number in [min, max], written in plain decimal digits. */
export function wholeNumber(option: string, text: string, min: number, max: number): number {
  const value = /^[1-9][0-9]*$|^0$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    const range = `from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`;
    throw new UsageError(`${option} takes a whole number ${range}, not ${JSON.stringify(text)}`);
  }
  return value;
}

/** Stream errors an OutputError already explains, which the stream may emit again later. */
const explained = new WeakSet<Error>();

/** Whether a stream error is one an OutputError reports (bin/udm.js then stays silent). */
export function isExplained(error: Error): boolean {
  return explained.has(error);
}

/** Writing output failed: `udm map: cannot write out.ndjson: ENOSPC …`, exit code 2. */
export class OutputError extends Error {
  constructor(
    readonly target: string,
    readonly cause: Error & { code?: string },
  ) {
    super(`cannot write ${target}: ${cause.message}`);
    explained.add(cause);
  }

  /** The reader went away (`udm map … | head`): not a failure worth a message. */
  get closedByReader(): boolean {
    return this.cause.code === 'EPIPE';
  }
}

/**
 * The exit code for a failure while writing output: 0 when the reader went away, 2 with one
 * line otherwise. Anything that is not an OutputError is not ours to explain and is rethrown.
 */
export function outputFailure(command: string, error: unknown, io: Io): number {
  if (!(error instanceof OutputError)) throw error;
  if (error.closedByReader) return 0;
  io.stderr.write(`udm ${command}: ${error.message}\n`);
  return 2;
}

/**
 * Line output with backpressure and batching: lines are gathered into chunks of about 64 KiB,
 * and a chunk waits for the stream to drain before the next is written. A stream error is kept
 * and thrown from the next write as an OutputError, so the run stops with one clear line.
 */
export class LineWriter {
  private buffer = '';
  private failure?: OutputError;

  private constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly owned: boolean,
    readonly name: string,
    /** The file's identity (`dev:ino`), so the run does not read its own output. */
    readonly id?: string,
  ) {
    stream.on('error', (error: Error) => (this.failure ??= new OutputError(name, error)));
  }

  static toStream(stream: NodeJS.WritableStream, name: string): LineWriter {
    return new LineWriter(stream, false, name);
  }

  /** Opens (creating its directory) at once, so an unwritable path fails before any reading. */
  static toFile(file: string): LineWriter {
    let fd: number;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      fd = openSync(file, 'w');
    } catch (error) {
      throw new OutputError(file, error as Error);
    }
    const stats = fstatSync(fd);
    if (!stats.isFile() && !stats.isFIFO() && !stats.isCharacterDevice()) {
      closeSync(fd);
      throw new OutputError(file, new Error('not a file'));
    }
    // A deep buffer lets writing overlap with reading: waiting for each 64 KiB chunk to drain
    // would stop the run at every chunk.
    const stream = createWriteStream('', { fd, highWaterMark: 1024 * 1024 });
    return new LineWriter(stream, true, file, fileId(stats));
  }

  /** Releases a file opened by toFile without waiting (after a failure, or when done). */
  destroy(): void {
    if (this.owned) (this.stream as NodeJS.WritableStream & { destroy(): void }).destroy();
  }

  async write(line: string): Promise<void> {
    this.buffer += line + '\n';
    if (this.buffer.length >= 65_536) await this.flush();
  }

  /** Lines already joined, each ending in a newline. */
  async writeLines(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.send(chunk)) await this.drained();
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.owned) return;
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished.catch(() => undefined);
    if (this.failure) throw this.failure;
  }

  /**
   * Writes a chunk; false when the stream wants a drain. Standard output on a file or device
   * (`> /dev/full`) writes synchronously and throws instead of emitting 'error'.
   */
  private send(chunk: string): boolean {
    try {
      return this.stream.write(chunk);
    } catch (error) {
      throw (this.failure ??= new OutputError(this.name, error as Error));
    }
  }

  /** Waits for 'drain', or for the error that means no drain will come. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.once('drain', done);
      this.stream.once('error', done);
    });
  }
}

/**
 * Opening an output truncates it: refuse before that when it is one of the inputs, or when two
 * outputs are one file. `outputs` are the output options in order (`--out`, `--rejects`).
 */
/**
 * Refuses outputs that would overwrite what the run reads: its inputs (`-` included), files
 * in its input directories, and `others` (the mapping, rules and lists it loads), by path or
 * under another name (a hard or symbolic link the walk would follow).
 */
export async function refuseOverwritingInputs(
  inputs: string[],
  outputs: (string | undefined)[],
  others: string[] = [],
): Promise<void> {
  refuseByPath(inputs, outputs);
  await refuseReached([...inputs, ...others], outputs);
}

function refuseByPath(inputs: string[], outputs: (string | undefined)[]): void {
  const identity = (file: string) => {
    try {
      return fileId(statSync(file));
    } catch {
      return path.resolve(file);
    }
  };
  const given = outputs.filter((f): f is string => f !== undefined);
  if (new Set(given.map(identity)).size < given.length) {
    throw new UsageError('--out and --rejects must be different files');
  }
  for (const output of given) {
    const clash = inputs.find((input) => input !== '-' && identity(input) === identity(output));
    if (clash) throw new UsageError(`refusing to write over the input ${clash}`);
    if (inputs.includes('-') && isStandardInput(identity(output))) {
      throw new UsageError(`refusing to write over ${output}: it is the standard input`);
    }
    const holder = existsSync(output) ? inputs.find((input) => isInside(output, input)) : undefined;
    if (holder) {
      throw new UsageError(
        `refusing to write over ${output}: it is a file in the input directory ${holder}; ` +
          'write elsewhere, or remove it first if it is an earlier output',
      );
    }
  }
}

/** Whether standard input is the file with this identity (`udm map - --out F < F`). */
function isStandardInput(id: string): boolean {
  try {
    return fileId(fstatSync(0)) === id;
  } catch {
    return false;
  }
}

/**
 * Refuses an existing output that is one of the files the run would read, whatever name leads
 * there: the same walk the reader makes (links followed, loops cut) finds them.
 */
async function refuseReached(paths: string[], outputs: (string | undefined)[]): Promise<void> {
  const existing = new Map<string, string>();
  for (const output of outputs) {
    const stats = output === undefined ? undefined : statOrUndefined(output);
    if (output !== undefined && stats?.isFile()) existing.set(fileId(stats), output);
  }
  if (existing.size === 0) return;
  const given = paths.filter((p) => p !== '-');
  const noStdin = async function* (): AsyncGenerator<Buffer> {};
  for await (const source of findSources(given, noStdin)) {
    const stats = 'error' in source ? undefined : statOrUndefined(source.file);
    const output = stats && existing.get(fileId(stats));
    if (!output) continue;
    const as = path.resolve(source.file) === path.resolve(output) ? '' : ` as ${source.file}`;
    throw new UsageError(`refusing to write over ${output}: the run reads it${as}`);
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Whether `file` lies somewhere under the directory `dir` (links resolved). */
function isInside(file: string, dir: string): boolean {
  if (dir === '-') return false;
  try {
    if (!statSync(dir).isDirectory()) return false;
    const relative = path.relative(realpathSync(dir), realpathSync(file));
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  } catch {
    return false;
  }
}
