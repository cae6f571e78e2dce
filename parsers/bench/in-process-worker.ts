/**
 * The in-process measurements in a worker thread of their own. The bench process has just
 * generated a million records and compiled the mapping; the garbage that leaves makes the
 * collector's work in the timed loops depend on what ran before (about 4% of the per-record
 * path, measured). A fresh heap holds only the mapper and the batch being timed.
 */

import * as path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { instantiate } from '../mapping/instantiate';
import { type InProcessResult, measureInProcess } from './in-process';

const WORKER = path.join(__dirname, '..', '..', 'bin', 'map-worker.js');

interface Setup {
  role: 'udm-bench-in-process';
  entry: string;
  ndjson: string;
  /** The generated mapper module's text, as `udm map --jobs` hands it to its workers. */
  source: string;
  filename: string;
}

/** Runs measureInProcess in a new worker thread on the mapper compiled from `source`. */
export function measureInProcessApart(
  ndjson: string,
  source: string,
  filename: string,
): Promise<InProcessResult> {
  const setup: Setup = {
    role: 'udm-bench-in-process',
    entry: __filename,
    ndjson,
    source,
    filename,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { workerData: setup });
    worker.once('message', (result: InProcessResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`in-process worker exited with ${code}`)));
  });
}

async function serve(): Promise<void> {
  const setup = workerData as Setup | undefined;
  if (!parentPort || setup?.role !== 'udm-bench-in-process') return;
  const mapper = instantiate(setup.source, setup.filename);
  parentPort.postMessage(await measureInProcess(setup.ndjson, mapper));
}

void serve();
