/**
 * A worker thread of a parallel `udm map`: maps whole files it is given and posts back their
 * output in blocks, in order, never more than a few blocks ahead of what the main thread has
 * written (it waits for an acknowledgement), so a file waiting for its turn holds little.
 */

import { parentPort, workerData } from 'node:worker_threads';
import { readInputBatches } from '../input/read';
import { instantiate } from '../mapping/instantiate';
import type { Mapper } from '../mapping/types';
import { count, describeRejection, emptyCounts, mapItemToJson, type MapCounts } from './map-run';

export interface WorkerSetup {
  /** Marks a thread started by the parallel run (a test runner's own threads are not). */
  role: 'udm-map-worker';
  /** The generated mapper module's text, compiled once by the main thread. */
  source: string;
  /** Its name in stack traces. */
  filename: string;
  maxRecordBytes?: number;
  /** Text gathered before a block is posted. */
  blockBytes: number;
  /** Blocks posted but not yet acknowledged before the worker waits. */
  ahead: number;
}

/** One file to map, by its position in the run's input order. */
export interface FileTask {
  kind: 'file';
  index: number;
  file: string;
}

/** Part of one file's output: events and rejects as NDJSON, stderr lines, counts so far. */
export interface Block {
  kind: 'block';
  index: number;
  events: string;
  rejects: string;
  messages: string[];
  counts: MapCounts;
  last: boolean;
}

/** The worker met an error it could not turn into rejects (a bug, not bad input). */
export interface Failure {
  kind: 'failed';
  message: string;
}

export type Message = FileTask | { kind: 'ack' };

/** Maps one file, posting blocks; `post` resolves when the block may be followed by more. */
export async function mapFile(
  task: FileTask,
  setup: WorkerSetup,
  mapper: Mapper,
  post: (block: Block) => Promise<void>,
): Promise<void> {
  let block = newBlock(task.index);
  let size = 0;
  const options = { maxRecordBytes: setup.maxRecordBytes };
  for await (const items of readInputBatches([task.file], options)) {
    for (const item of items) {
      const outcome = mapItemToJson(item, mapper);
      count(block.counts, outcome);
      if (outcome.kind === 'event') block.events += outcome.event + '\n';
      if (outcome.kind === 'reject') {
        const { origin, reason, raw } = outcome;
        block.rejects += JSON.stringify({ ...origin, reason, raw }) + '\n';
        block.messages.push(describeRejection(origin, reason));
        size += raw.length;
      }
      size += outcome.kind === 'event' ? outcome.event.length : 0;
    }
    if (size < setup.blockBytes) continue;
    await post(block);
    [block, size] = [newBlock(task.index), 0];
  }
  await post({ ...block, last: true });
}

function newBlock(index: number): Block {
  return {
    kind: 'block',
    index,
    events: '',
    rejects: '',
    messages: [],
    counts: emptyCounts(),
    last: false,
  };
}

/**
 * Takes file tasks one at a time and acknowledgements of its blocks; the same loop runs in a
 * worker thread and, as one more participant, in the main thread.
 */
export class TaskRunner {
  private unacknowledged = 0;
  private resume?: () => void;
  private readonly tasks: FileTask[] = [];
  private busy = false;

  constructor(
    private readonly setup: WorkerSetup,
    private readonly mapper: Mapper,
    private readonly send: (message: Block | Failure) => void,
  ) {}

  receive(message: Message): void {
    if (message.kind === 'ack') {
      this.unacknowledged--;
      this.resume?.();
      this.resume = undefined;
    } else if (message.kind === 'file') {
      this.tasks.push(message);
      void this.run();
    }
  }

  private readonly post = async (block: Block): Promise<void> => {
    this.send(block);
    this.unacknowledged++;
    while (this.unacknowledged >= this.setup.ahead) {
      await new Promise<void>((resolve) => (this.resume = resolve));
    }
  };

  private async run(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
        await mapFile(task, this.setup, this.mapper, this.post);
      }
    } catch (error) {
      this.send({ kind: 'failed', message: String((error as Error)?.stack) });
    }
    this.busy = false;
  }
}

/** In a worker thread: serve the main thread until it terminates the worker. */
function serve(): void {
  const port = parentPort;
  const setup = workerData as WorkerSetup | undefined;
  if (!port || setup?.role !== 'udm-map-worker') return;
  const runner = new TaskRunner(setup, instantiate(setup.source, setup.filename), (message) =>
    port.postMessage(message),
  );
  port.on('message', (message: Message) => runner.receive(message));
}

serve();
