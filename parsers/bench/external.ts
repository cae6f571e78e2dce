/**
 * The end-to-end measurements, each a child process timed from spawn to exit (Node and SWC
 * start-up included): `udm map` over the gzip delivery files and over the NDJSON, jq applying
 * mapping.jq to the NDJSON, and `udm detect` with every bundled rule over mapped events.
 */

import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { Mapper } from '../mapping/types';
import { row, skippedRow, type Row, type RowId } from './figures';
import { lineBatches } from './lines';
import { timedSpawn, type SpawnResult } from './spawn';

export const JQ = '/usr/bin/jq';
export const JQ_PROGRAM = path.join(__dirname, 'mapping.jq');

export interface Tools {
  /** The repository: where bin/udm.js is, and the working directory of every child. */
  root: string;
  jq?: string;
  time?: string;
}

function fromSpawn(id: RowId, label: string, records: number, run: SpawnResult): Row {
  const measured = { ...row(id, label, records, run.seconds), peakRssMiB: run.peakRssMiB };
  if (run.code === 0) return measured;
  const last = run.stderr.trim().split('\n').pop() ?? '';
  return { ...measured, note: `exit code ${run.code}: ${last.slice(0, 200)}` };
}

function udm(tools: Tools, args: string[], nodeFlags: string[] = []): Promise<SpawnResult> {
  const bin = path.join(tools.root, 'bin', 'udm.js');
  return timedSpawn(process.execPath, [...nodeFlags, bin, ...args], tools.root, tools.time);
}

/**
 * The old-space limit `udm detect` runs under in the bench. V8 lets a heap grow well past what
 * is live before it collects, so peak RSS grows with run time even when the live set does not;
 * under a fixed limit a growing live set would fail the run, so finishing both sizes within it
 * shows memory bounded by the buffer and the windows, not by the input.
 */
export const DETECT_HEAP_MIB = 160;

/** `udm map <input> --out /dev/null -q`; the note repeats its summary line. */
const MAP_RUNS = {
  gzip: { id: 'map-gzip', label: '`udm map --jobs 1`, gzip delivery files', args: ['--jobs', '1'] },
  'gzip-jobs': {
    id: 'map-gzip-jobs',
    label: '`udm map --jobs 2`, gzip delivery files',
    args: ['--jobs', '2'],
  },
  ndjson: { id: 'map-ndjson', label: '`udm map`, NDJSON', args: [] },
  'ndjson-quarter': { id: 'map-ndjson-quarter', label: '`udm map`, NDJSON, a quarter', args: [] },
} as const;

export async function measureMap(
  kind: keyof typeof MAP_RUNS,
  input: string,
  records: number,
  tools: Tools,
): Promise<Row> {
  const { id, label, args } = MAP_RUNS[kind];
  const run = await udm(tools, ['map', input, ...args, '--out', '/dev/null', '-q']);
  const measured = fromSpawn(id, label, records, run);
  const summary = /udm map: (read [^;\n]*)/.exec(run.stderr)?.[1];
  return measured.note || !summary ? measured : { ...measured, note: summary };
}

/** `jq -c -f mapping.jq` over an NDJSON file; skipped when there is no jq. */
export async function measureJq(ndjson: string, records: number, tools: Tools): Promise<Row> {
  const label = 'jq, hand translation of the mapping (mapping.jq)';
  const jq = tools.jq ?? JQ;
  if (!existsSync(jq)) return skippedRow('jq', label, `jq not found at ${jq}`);
  const run = await timedSpawn(jq, ['-c', '-f', JQ_PROGRAM, ndjson], tools.root, tools.time);
  return fromSpawn('jq', label, records, run);
}

/** Copies the first `limit` lines of an NDJSON file; returns how many it copied. */
export async function copyLines(ndjson: string, limit: number, file: string): Promise<number> {
  const fd = openSync(file, 'w');
  let copied = 0;
  try {
    for await (const lines of lineBatches(ndjson, 10_000, limit)) {
      writeSync(fd, lines.join('\n') + '\n');
      copied += lines.length;
    }
  } finally {
    closeSync(fd);
  }
  return copied;
}

/** Maps the first `limit` NDJSON records into a UDM NDJSON file for `udm detect`. */
export async function writeUdmSubset(
  ndjson: string,
  mapper: Mapper,
  limit: number,
  file: string,
): Promise<number> {
  const fd = openSync(file, 'w');
  let written = 0;
  try {
    for await (const lines of lineBatches(ndjson, 10_000, limit)) {
      const events = lines.map((line) => {
        const event = mapper.map({ detail: JSON.parse(line) as unknown }, []);
        return JSON.stringify(event);
      });
      writeSync(fd, events.join('\n') + '\n');
      written += events.length;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** The one principal of the hot corpus, and how many calls it makes a second. */
export const HOT_PRINCIPAL = 'AIDABENCHHOTPRINCIPAL';
export const HOT_CALLS_PER_SECOND = 10;

/**
 * The first `limit` UDM events again, all made by one principal at ten calls a second: every
 * principal-keyed rule then holds thousands of events in one match key's window (a busy role,
 * or the burst the access-denied rule is for), which a corpus of many principals never does.
 */
export async function writeHotPrincipal(
  udmFile: string,
  limit: number,
  file: string,
): Promise<number> {
  const fd = openSync(file, 'w');
  const start = Date.parse('2026-01-01T00:00:00Z');
  let written = 0;
  try {
    for await (const lines of lineBatches(udmFile, 10_000, limit)) {
      const events = lines.map((line) => {
        const event = JSON.parse(line) as HotEvent;
        event.principal = { ...event.principal, user: { ...event.principal?.user } };
        event.principal.user!.userid = HOT_PRINCIPAL;
        const at = start + Math.floor(written++ / HOT_CALLS_PER_SECOND) * 1000;
        // The form the mapping writes: whole seconds, no fraction.
        const eventTimestamp = new Date(at).toISOString().replace('.000Z', 'Z');
        event.metadata = { ...event.metadata, eventTimestamp };
        return JSON.stringify(event);
      });
      writeSync(fd, events.join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

interface HotEvent {
  metadata?: Record<string, unknown>;
  principal?: { user?: Record<string, unknown> };
}

/** `udm detect <udm ndjson> --out /dev/null -q` with the bundled rules. */
export async function measureDetect(udmFile: string, events: number, of: string, tools: Tools) {
  const flags = [`--max-old-space-size=${DETECT_HEAP_MIB}`];
  const run = await udm(tools, ['detect', udmFile, '--out', '/dev/null', '-q'], flags);
  const measured = fromSpawn('detect', '`udm detect`, all bundled rules', events, run);
  return measured.note ? measured : { ...measured, note: `UDM events of ${of}` };
}
