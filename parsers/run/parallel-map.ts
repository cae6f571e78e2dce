/**
 * `udm map` on several cores: whole files (a trail is thousands of delivery files) are mapped by
 * worker threads and by the main thread itself, and the output is written in input order, so
 * the result is byte for byte what one thread writes. A participant may run a few blocks ahead
 * of the writer and then waits, so memory stays bounded whatever the files hold. The main
 * thread takes part because each worker thread costs about 60 MB.
 */

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Source } from '../input/walk';
import { emptyCounts, type MapCounts } from './map-run';
import type { Mapper } from '../mapping/types';
import { type Block, type Failure, type FileTask, type Message, TaskRunner } from './map-worker';
import type { WorkerSetup } from './map-worker';

const WORKER = path.join(__dirname, '..', '..', 'bin', 'map-worker.js');

/**
 * A worker holds a file's blocks and the records being mapped; smaller heap spaces than V8's
 * defaults keep its memory down at little cost in collection time.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };

/** A worker thread, or the main thread taking part: what the run sends tasks and acks to. */
interface Participant {
  postMessage(message: Message): void;
  terminate(): Promise<unknown>;
}

export interface ParallelOptions {
  /** The main thread's compiled mapper, for the files it maps itself. */
  mapper: Mapper;
  /** The generated mapper module's text and its name (CompiledMapping.source). */
  source: string;
  filename: string;
  maxRecordBytes?: number;
  jobs: number;
}

/** Where the output goes; the caller (the CLI) owns the streams and the printing. */
export interface ParallelSink {
  events(text: string): Promise<void>;
  rejects(text: string): Promise<void>;
  message(line: string): void;
}

/**
 * Whether `sources` can be split between participants: several files, each readable by path
 * (a source the walk could not read is reported by the one-thread run, in its place).
 */
export function canRunInParallel(sources: Source[], jobs: number): boolean {
  if (jobs < 2 || sources.length < 2) return false;
  return sources.every((source) => !('error' in source) && source.rereadable);
}

/** Maps the files with `jobs` workers; resolves with the counts once all output is written. */
export async function mapInParallel(
  sources: Source[],
  options: ParallelOptions,
  sink: ParallelSink,
): Promise<MapCounts> {
  if (sources.length === 0) return emptyCounts();
  const run = new ParallelRun(sources, options, sink);
  try {
    return await run.done;
  } finally {
    await run.stop();
  }
}

class ParallelRun {
  readonly done: Promise<MapCounts>;
  private readonly counts = emptyCounts();
  private readonly workers: Participant[] = [];
  private readonly owner = new Map<number, Participant>();
  private readonly waiting = new Map<number, Block[]>();
  private next = 0;
  private current = 0;
  private writing = Promise.resolve();
  private finish!: (counts: MapCounts) => void;
  private fail!: (error: Error) => void;

  constructor(
    private readonly sources: Source[],
    options: ParallelOptions,
    private readonly sink: ParallelSink,
  ) {
    this.done = new Promise((resolve, reject) => ([this.finish, this.fail] = [resolve, reject]));
    const setup: WorkerSetup = {
      role: 'udm-map-worker',
      source: options.source,
      filename: options.filename,
      maxRecordBytes: options.maxRecordBytes,
      blockBytes: 256 * 1024,
      ahead: 4,
    };
    const jobs = Math.min(options.jobs, sources.length);
    for (let i = 1; i < jobs; i++) this.startWorker(setup);
    this.startLocal(setup, options.mapper);
  }

  private startWorker(setup: WorkerSetup): void {
    const worker = new Worker(WORKER, { workerData: setup, resourceLimits: WORKER_LIMITS });
    this.workers.push(worker);
    worker.on('message', (message: Block | Failure) => this.receive(worker, message));
    worker.on('error', (error) => this.fail(error));
    this.assign(worker);
  }

  /** The main thread as one more participant; its messages go through the event loop too. */
  private startLocal(setup: WorkerSetup, mapper: Mapper): void {
    const local: Participant = {
      postMessage: (message) => setImmediate(() => runner.receive(message)),
      terminate: async () => undefined,
    };
    const runner = new TaskRunner(setup, mapper, (message) =>
      setImmediate(() => this.receive(local, message)),
    );
    this.workers.push(local);
    this.assign(local);
  }

  /** Gives the participant the next file, if any is left. */
  private assign(worker: Participant): void {
    if (this.next >= this.sources.length) return;
    const index = this.next++;
    const task: FileTask = { kind: 'file', index, file: this.sources[index].file };
    this.owner.set(index, worker);
    worker.postMessage(task);
  }

  private receive(worker: Participant, message: Block | Failure): void {
    if (message.kind === 'failed') return this.fail(new Error(`map worker: ${message.message}`));
    const queue = this.waiting.get(message.index) ?? [];
    queue.push(message);
    this.waiting.set(message.index, queue);
    if (message.last) this.assign(worker);
    // Writes run one after another, in input order; a failed write fails the run.
    this.writing = this.writing.then(() => this.drain()).catch((error) => this.fail(error));
  }

  /** Writes what is ready of the current file, and of the files after it once it ends. */
  private async drain(): Promise<void> {
    for (;;) {
      const queue = this.waiting.get(this.current);
      const block = queue?.shift();
      if (!block) return;
      await this.write(block);
      this.owner.get(this.current)?.postMessage({ kind: 'ack' });
      if (!block.last) continue;
      this.waiting.delete(this.current);
      this.owner.delete(this.current);
      if (++this.current === this.sources.length) return this.finish(this.counts);
    }
  }

  private async write(block: Block): Promise<void> {
    add(this.counts, block.counts);
    block.messages.forEach((line) => this.sink.message(line));
    if (block.events) await this.sink.events(block.events);
    if (block.rejects) await this.sink.rejects(block.rejects);
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

function add(total: MapCounts, part: MapCounts): void {
  total.read += part.read;
  total.mapped += part.mapped;
  total.skipped += part.skipped;
  total.rejected += part.rejected;
  for (const [reason, n] of Object.entries(part.skippedBy)) {
    total.skippedBy[reason as keyof MapCounts['skippedBy']] += n;
  }
}
