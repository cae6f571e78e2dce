/**
 * One benchmark run: generate the corpus, then measure, on the same records, the floor, the
 * compiled mapper, `udm map` end to end, the reference interpreter, jq and `udm detect`.
 * Progress goes to a callback; the library prints nothing.
 */

import * as os from 'node:os';
import * as path from 'node:path';
import { compileMappingOrThrow } from '../mapping/compile';
import { interpret } from '../mapping/interpret';
import {
  copyLines,
  HOT_CALLS_PER_SECOND,
  measureDetect,
  measureJq,
  measureMap,
  writeHotPrincipal,
  writeUdmSubset,
} from './external';
import type { Tools } from './external';
import type { Figures, Machine, Row } from './figures';
import { generateCorpus, type Corpus } from './generate';
import { measureInterpreter } from './in-process';
import { measureInProcessApart } from './in-process-worker';
import { loadSeedRecords } from './seeds';

export const DEFAULT_RECORDS = 1_000_000;
export const INTERPRETER_SAMPLE = 20_000;
/** `udm detect` reads the UDM events of every record, as `udm map` maps every record. */
export const DETECT_SAMPLE = Infinity;
/** jq maps about 2,000 records a second: the whole corpus would take longer than all the rest. */
export const JQ_SAMPLE = 50_000;

export interface BenchOptions extends Tools {
  records: number;
  /** An empty directory for the corpus. */
  dir: string;
  interpreterSample?: number;
  detectSample?: number;
  jqSample?: number;
  progress?: (line: string) => void;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export async function runBenchmark(options: BenchOptions): Promise<Figures> {
  const started = Date.now();
  const say = options.progress ?? (() => undefined);
  const compiled = compileMappingOrThrow(path.join(options.root, 'mappings', 'aws_kms.yaml'));
  const seeds = await loadSeedRecords(compiled.mapper);
  say(`generating ${options.records} records from ${seeds.length} real records`);
  const corpus = generateCorpus({ records: options.records, dir: options.dir, seeds });
  const rows: Row[] = [];
  const add = (row: Row) => {
    rows.push(row);
    say(`${row.label}: ${row.skipped ?? `${Math.round(row.perSecond)} records/s`}`);
  };
  say('measuring in process: floor, compiled mapper, per-record path');
  const filename = 'mappings/aws_kms.yaml (compiled in memory)';
  const inProcess = await measureInProcessApart(corpus.ndjson, compiled.source, filename);
  inProcess.rows.forEach(add);
  const sample = Math.min(options.interpreterSample ?? INTERPRETER_SAMPLE, corpus.records);
  add(await measureInterpreter(corpus.ndjson, interpret(compiled.plan), sample));
  add(await measureMap('gzip', corpus.s3Dir, corpus.records, options));
  add(await measureMap('gzip-jobs', corpus.s3Dir, corpus.records, options));
  add(await measureMap('ndjson', corpus.ndjson, corpus.records, options));
  add(await measureMapQuarter(corpus, options));
  add(await measureJqSample(corpus, options));
  const udmFile = path.join(options.dir, 'udm-subset.ndjson');
  const limit = Math.min(options.detectSample ?? DETECT_SAMPLE, corpus.records);
  const events = await writeUdmSubset(corpus.ndjson, compiled.mapper, limit, udmFile);
  const of = events === corpus.records ? 'every record' : `the first ${events}`;
  add(await measureDetect(udmFile, events, of, options));
  // A quarter of the events again: detect's memory should not grow with its input.
  const quarterFile = path.join(options.dir, 'udm-quarter.ndjson');
  const quarter = await writeUdmSubset(corpus.ndjson, compiled.mapper, limit >> 2, quarterFile);
  const quarterOf = `the first ${quarter}`;
  const quarterRow = await measureDetect(quarterFile, quarter, quarterOf, options);
  add({ ...quarterRow, id: 'detect-quarter', label: '`udm detect`, all bundled rules, a quarter' });
  add(await measureHotPrincipal(udmFile, events, options));
  const { seed, records, bytes, gzipBytes, files } = corpus;
  return {
    date: new Date().toISOString(),
    machine: machine(),
    command: `node bin/udm.js bench --records ${options.records}`,
    corpus: { records, seed, bytes, gzipBytes, files },
    rows,
    totalSeconds: (Date.now() - started) / 1000,
  };
}

/** `udm map` over the first quarter of the NDJSON: its memory should not grow with the input. */
async function measureMapQuarter(corpus: Corpus, options: BenchOptions): Promise<Row> {
  const file = path.join(options.dir, 'records-quarter.ndjson');
  const copied = await copyLines(corpus.ndjson, corpus.records >> 2, file);
  return measureMap('ndjson-quarter', file, copied, options);
}

/**
 * `udm detect` over as many events as the run over every principal's, as one principal's, ten
 * a second: the same size, so the two rates compare.
 */
async function measureHotPrincipal(udmFile: string, limit: number, options: BenchOptions) {
  const hotFile = path.join(options.dir, 'udm-hot.ndjson');
  const events = await writeHotPrincipal(udmFile, limit, hotFile);
  const of = `the first ${events}, as one principal's, ${HOT_CALLS_PER_SECOND} a second`;
  const row = await measureDetect(hotFile, events, of, options);
  return { ...row, id: 'detect-hot' as const, label: '`udm detect`, all bundled rules, hot key' };
}

/** jq over the first records of the NDJSON file (all of them when the corpus is small). */
async function measureJqSample(corpus: Corpus, options: BenchOptions): Promise<Row> {
  const limit = Math.min(options.jqSample ?? JQ_SAMPLE, corpus.records);
  if (limit === corpus.records) return measureJq(corpus.ndjson, corpus.records, options);
  const sample = path.join(options.dir, 'jq-sample.ndjson');
  const copied = await copyLines(corpus.ndjson, limit, sample);
  const row = await measureJq(sample, copied, options);
  return row.skipped || row.note ? row : { ...row, note: `first ${copied} records` };
}
