/**
 * The in-process measurements, on the same records read from the NDJSON file in batches: the
 * floor (JSON.parse then JSON.stringify), the bound (JSON.parse of the record, JSON.stringify of
 * its UDM event made beforehand), the compiled mapper alone (accept and map on parsed
 * envelopes), the per-record path of `udm map` (parse, accept, map to JSON text), and the
 * reference interpreter on a sample. Only the work is timed, not the reading.
 */

import { needsNoEscaping } from '../mapping/runtime';
import type { Mapper } from '../mapping/types';
import { row, type Row } from './figures';
import { lineBatches } from './lines';

type Envelope = Record<string, unknown>;

/** Seconds spent in `work`, which returns a number so its results are used. */
function timed(work: () => number, sink: { n: number }): number {
  const start = process.hrtime.bigint();
  sink.n += work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/*
 * Each loop ends in the UTF-8 length of its JSON text, as writing it out would need: that makes
 * a text built by concatenation (the compiled writer's) pay for being made flat, as
 * JSON.stringify's already is.
 */

function floor(lines: string[]): number {
  let n = 0;
  for (const line of lines) n += Buffer.byteLength(JSON.stringify(JSON.parse(line)));
  return n;
}

/** Parsing the record and printing its finished UDM event: what no mapping can go below. */
function bound(lines: string[], events: unknown[]): number {
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    n += JSON.parse(lines[i]) === null ? 0 : Buffer.byteLength(JSON.stringify(events[i]));
  }
  return n;
}

function mapAll(mapper: Mapper, envelopes: Envelope[], rejects: { n: number }): number {
  let n = 0;
  for (const envelope of envelopes) {
    const issues: string[] = [];
    if (mapper.accept(envelope) !== undefined) continue;
    const event = mapper.map(envelope, issues);
    if (issues.length) rejects.n++;
    n += event === undefined ? 0 : 1;
  }
  return n;
}

function recordPath(mapper: Mapper, lines: string[]): number {
  let n = 0;
  for (const line of lines) {
    const envelope = { detail: JSON.parse(line) as unknown } as Envelope;
    const issues: string[] = [];
    if (mapper.accept(envelope) !== undefined) continue;
    n += Buffer.byteLength(mapper.mapToJson(envelope, issues, needsNoEscaping(line)));
  }
  return n;
}

const envelopes = (lines: string[]): Envelope[] =>
  lines.map((line) => ({ detail: JSON.parse(line) as unknown }));

export interface InProcessResult {
  rows: Row[];
  /** Records the compiled mapper rejected (should be 0). */
  rejected: number;
}

type Seconds = { floor: number; bound: number; mapper: number; path: number };

/**
 * Passes over the file. The rows report the median pass, by the per-record path's ratio to the
 * floor (the ratio the target is about), so that one disturbed pass does not decide it.
 */
export const PASSES = 3;

/** Floor, mapper and per-record path, batch by batch over the whole NDJSON file, PASSES times. */
export async function measureInProcess(ndjson: string, mapper: Mapper): Promise<InProcessResult> {
  const passes: Seconds[] = [];
  const rejects = { n: 0 };
  let records = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    const measured = await measurePass(ndjson, mapper, rejects);
    passes.push(measured.seconds);
    records = measured.records;
  }
  const ratio = (p: Seconds) => p.floor / p.path;
  const median = [...passes].sort((a, b) => ratio(a) - ratio(b))[Math.floor(PASSES / 2)];
  const rows = [
    row('floor', 'floor: JSON.parse + JSON.stringify', records, median.floor),
    row('bound', 'JSON.parse + JSON.stringify of the UDM event', records, median.bound),
    row('mapper', 'compiled mapper alone (accept + map)', records, median.mapper),
    row('record-path', 'per-record path (parse, map, write JSON)', records, median.path),
  ];
  if (rejects.n) rows[2].note = `${rejects.n / PASSES} records rejected`;
  rows[1].note = 'the event made beforehand; no mapping';
  const ratios = passes.map((p) => ratio(p).toFixed(2));
  rows[3].note = `median of ${PASSES} passes; to the floor, pass by pass: ${ratios.join(', ')}`;
  return { rows, rejected: rejects.n / PASSES };
}

async function measurePass(
  ndjson: string,
  mapper: Mapper,
  rejects: { n: number },
): Promise<{ seconds: Seconds; records: number }> {
  const seconds = { floor: 0, bound: 0, mapper: 0, path: 0 };
  const sink = { n: 0 };
  let [records, batch] = [0, 0];
  for await (const lines of lineBatches(ndjson)) {
    records += lines.length;
    // The floor and the per-record path run side by side on the same live set, each going
    // first in every other batch, so neither gains from its place (a warm cache, a young
    // heap). The parsed records and events the other rows need are made after them, or the
    // collector would copy them again and again while the path runs, and charge it the time.
    const runFloor = () => (seconds.floor += timed(() => floor(lines), sink));
    const runPath = () => (seconds.path += timed(() => recordPath(mapper, lines), sink));
    if (batch++ % 2 === 0) {
      runFloor();
      runPath();
    } else {
      runPath();
      runFloor();
    }
    const parsed = envelopes(lines);
    const events = parsed.map((envelope) => mapper.map(envelope, []));
    seconds.bound += timed(() => bound(lines, events), sink);
    seconds.mapper += timed(() => mapAll(mapper, parsed, rejects), sink);
  }
  return { seconds, records };
}

/** The jsonpath-plus reference interpreter, alone (accept + map), on the first `limit`. */
export async function measureInterpreter(
  ndjson: string,
  interpreter: Mapper,
  limit: number,
): Promise<Row> {
  let [records, seconds] = [0, 0];
  const [sink, rejects] = [{ n: 0 }, { n: 0 }];
  for await (const lines of lineBatches(ndjson, 5000, limit)) {
    records += lines.length;
    const parsed = envelopes(lines);
    seconds += timed(() => mapAll(interpreter, parsed, rejects), sink);
  }
  const label = 'jsonpath-plus interpreter alone (accept + map)';
  return { ...row('interpreter', label, records, seconds), note: `first ${records} records` };
}
