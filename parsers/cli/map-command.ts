/** `udm map`: raw KMS CloudTrail input in any supported shape → UDM events as NDJSON. */

import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { readInputBatches } from '../input/read';
import { findSources, type Source } from '../input/walk';
import { mapInParallel, type ParallelSink, canRunInParallel } from '../run/parallel-map';
import type { InputItem } from '../input/types';
import type { CompiledMapping } from '../mapping/compile';
import type { Mapper } from '../mapping/types';
import { count, describeRejection, emptyCounts, mapItemToJson, summarize } from '../run/map-run';
import type { MapCounts, MapOutcome } from '../run/map-run';
import { LineWriter, outputFailure, refuseOverwritingInputs, UsageError, wholeNumber } from './io';
import type { Io } from './io';
import { loadMapper } from './mapper';

export interface MapOptions {
  out?: string;
  /** Threads mapping files at once (default DEFAULT_JOBS); each worker costs about 30 MB. */
  jobs?: string;
  rejects?: string;
  mapping: string;
  interpret?: boolean;
  quiet?: boolean;
  maxRecordMb?: string;
}

interface Outputs {
  events: LineWriter;
  rejects?: LineWriter;
}

export async function runMap(paths: string[], options: MapOptions, io: Io): Promise<number> {
  const inputs = paths.length ? paths : ['-'];
  if (inputs.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError('no input: give files or directories, or pipe records into `-`');
  }
  await refuseOverwritingInputs(inputs, [options.out, options.rejects], [options.mapping]);
  const maxRecordBytes = recordLimit(options.maxRecordMb);
  const compiled = loadMapper(options.mapping, io);
  if (!compiled) return 2;
  // The reference interpreter (and jsonpath-plus) is loaded only when asked for.
  const mapper: Mapper = options.interpret
    ? (await import('../mapping/interpret')).interpret(compiled.plan)
    : compiled.mapper;

  let outputs: Outputs | undefined;
  try {
    outputs = openOutputs(options, io);
    const run = { ...options, maxRecordBytes, compiled };
    const counts = await mapAll(inputs, mapper, outputs, run, io);
    await outputs.events.close();
    await outputs.rejects?.close();
    const where = options.out ? `; events in ${options.out}` : '';
    const rejected = options.rejects && counts.rejected ? `; rejects in ${options.rejects}` : '';
    io.stderr.write(`udm map: ${summarize(counts)}${where}${rejected}\n`);
    return counts.rejected > 0 ? 1 : 0;
  } catch (error) {
    return outputFailure('map', error, io);
  } finally {
    outputs?.events.destroy();
    outputs?.rejects?.destroy();
  }
}

async function mapAll(
  inputs: string[],
  mapper: Mapper,
  outputs: Outputs,
  options: MapOptions & { maxRecordBytes?: number; compiled: CompiledMapping },
  io: Io,
): Promise<MapCounts> {
  const skip = new Set([outputs.events.id, outputs.rejects?.id].filter((id) => id !== undefined));
  const jobs = jobCount(options.jobs);
  let sources: Source[] | undefined;
  if (!options.interpret && jobs > 1 && !inputs.includes('-')) {
    sources = [];
    for await (const source of findSources(inputs, () => io.stdin, { skip })) sources.push(source);
    const asked = options.jobs !== undefined;
    if (canRunInParallel(sources, jobs) && (asked || largeEnough(sources))) {
      const { maxRecordBytes } = options;
      const generated = { source: options.compiled.source, filename: options.mapping };
      const parallel = { ...generated, mapper, maxRecordBytes, jobs };
      return mapInParallel(sources, parallel, sinkFor(outputs, options, io));
    }
  }
  const counts = emptyCounts();
  const read = { skip, maxRecordBytes: options.maxRecordBytes, sources };
  const run = { read, counts, map: mapItemToJson };
  for await (const outcomes of mapOutcomes(inputs, mapper, run, options, io)) {
    let [events, rejects] = ['', ''];
    for (const outcome of outcomes) {
      if (outcome.kind === 'event') events += outcome.event + '\n';
      if (outcome.kind !== 'reject') continue;
      const { origin, reason, raw } = outcome;
      rejects += JSON.stringify({ ...origin, reason, raw }) + '\n';
    }
    await outputs.events.writeLines(events);
    if (rejects) await outputs.rejects?.writeLines(rejects);
  }
  return counts;
}

/**
 * The mapping run shared by `map` and `detect`: every input item mapped and counted, a line on
 * stderr per rejected record (unless quiet), the outcomes passed on in input order, in the
 * batches the reader makes (what one chunk of input completed).
 */
export async function* mapOutcomes<Event>(
  inputs: string[],
  mapper: Mapper,
  run: {
    read: { skip: ReadonlySet<string>; maxRecordBytes?: number; sources?: Source[] };
    counts: MapCounts;
    /** mapItem for events as objects, mapItemToJson for text. */
    map: (item: InputItem, mapper: Mapper) => MapOutcome<Event>;
  },
  options: { quiet?: boolean },
  io: Io,
): AsyncGenerator<MapOutcome<Event>[]> {
  const { read, counts } = run;
  for await (const items of readInputBatches(inputs, { stdin: io.stdin, ...read })) {
    const outcomes = items.map((item) => run.map(item, mapper));
    for (const outcome of outcomes) {
      count(counts, outcome);
      if (outcome.kind === 'reject' && !options.quiet) {
        io.stderr.write(describeRejection(outcome.origin, outcome.reason) + '\n');
      }
    }
    yield outcomes;
  }
}

/** Output of a parallel run, written as a one-thread run writes it. */
function sinkFor(outputs: Outputs, options: MapOptions, io: Io): ParallelSink {
  return {
    events: (text) => outputs.events.writeLines(text),
    rejects: async (text) => outputs.rejects?.writeLines(text),
    message: (line) => {
      if (!options.quiet) io.stderr.write(line + '\n');
    },
  };
}

/**
 * Threads by default: two where there are two cores, for files large enough (below). A second
 * thread maps a directory of delivery files 1.3 to 1.5 times as fast and costs about 30 MB;
 * more are for `--jobs` to ask, as each adds its own heap to the memory a run may use.
 */
export const DEFAULT_JOBS = Math.min(availableParallelism(), 2);

/**
 * The mean file size on disk from which the default threads pay for themselves: each file
 * handed to a worker costs a few hundred microseconds of messages. Measured here: 20,000
 * one-record files took 8.5 s on one thread and 9.3 s on two; 400 files of 100 records (100 KB
 * each) 1.24 s on one and 1.10 s on two; 200 gzip delivery files of 1,000 records 4.3 s and 3.3 s.
 */
const MIN_MEAN_FILE_BYTES = 16 * 1024;

function largeEnough(sources: Source[]): boolean {
  let total = 0;
  for (const source of sources) {
    try {
      total += statSync(source.file).size;
    } catch {
      // Unreadable now: the run reports it in its place.
    }
  }
  return total >= MIN_MEAN_FILE_BYTES * sources.length;
}

function jobCount(jobs: string | undefined): number {
  return jobs === undefined ? DEFAULT_JOBS : wholeNumber('--jobs', jobs, 1, 64);
}

function openOutputs(options: MapOptions, io: Io): Outputs {
  const events = options.out
    ? LineWriter.toFile(options.out)
    : LineWriter.toStream(io.stdout, 'standard output');
  try {
    return { events, rejects: options.rejects ? LineWriter.toFile(options.rejects) : undefined };
  } catch (error) {
    events.destroy();
    throw error;
  }
}

/**
 * The largest record limit: a JavaScript string holds at most 512 MiB of characters, and the
 * event written from a record can be half as large again.
 */
const MAX_RECORD_MB = 256;

function recordLimit(megabytes: string | undefined): number | undefined {
  if (megabytes === undefined) return undefined;
  const value = Number(megabytes);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_RECORD_MB) {
    throw new UsageError(
      `--max-record-mb takes a positive number up to ${MAX_RECORD_MB}, ` +
        `not ${JSON.stringify(megabytes)}`,
    );
  }
  return Math.floor(value * 1024 * 1024);
}
