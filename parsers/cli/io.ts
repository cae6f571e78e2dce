/** The CLI's standard streams, injectable so tests can run commands in-process. */

import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import * as path from 'node:path';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin };
}

/** Raised by a command for a usage problem: the CLI prints it and exits with code 2. */
export class UsageError extends Error {}

/**
 * Line output with backpressure and batching: lines are gathered into chunks of about 64 KiB,
 * and a chunk waits for the stream to drain before the next is written.
 */
export class LineWriter {
  private buffer = '';
  private constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly owned: boolean,
  ) {}

  static toStream(stream: NodeJS.WritableStream): LineWriter {
    return new LineWriter(stream, false);
  }

  static toFile(file: string): LineWriter {
    mkdirSync(path.dirname(file), { recursive: true });
    return new LineWriter(createWriteStream(file), true);
  }

  async write(line: string): Promise<void> {
    this.buffer += line + '\n';
    if (this.buffer.length >= 65_536) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer === '') return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.owned) return;
    const finished = once(this.stream, 'finish');
    this.stream.end();
    await finished;
  }
}
