/**
 * Expands the paths the user gave into the sources to read, in order: each path as given,
 * a directory's entries recursively in sorted order, `-` for standard input. A path that
 * cannot be read becomes a failed source, so the reader reports it instead of skipping it.
 */

import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { describeError } from './decode';

/** A file can be opened again (to salvage a damaged gzip); standard input cannot. */
export type Source =
  | { file: string; open: () => AsyncIterable<Buffer | string>; rereadable: boolean }
  | { file: string; error: string };

export const STDIN_PATH = '-';

/**
 * Sockets, FIFOs and devices inside a directory are not log files (reading a FIFO could wait
 * for ever): each is reported, not read. One given by name is read (`<(zcat …)`).
 */
const NOT_A_FILE = 'not a regular file (a FIFO, socket or device inside a directory): not read';

function fileSource(file: string): Source {
  return { file, open: () => readAhead(createReadStream(file)), rereadable: true };
}

/**
 * The source's chunks, the next one asked for before this one is handed on: a file stream
 * reads only when asked, so without this the run would wait for each read (a tenth of
 * `udm detect`'s time over a file, measured with --cpu-prof as idle).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const chunks = source[Symbol.asyncIterator]();
  let next = chunks.next();
  try {
    for (let chunk = await next; !chunk.done; chunk = await next) {
      next = chunks.next();
      yield chunk.value;
    }
  } finally {
    // Left early (damage, or the reader stopped): the read under way has no one to answer to.
    next.catch(() => undefined);
    await chunks.return?.();
  }
}

/** Identity of a file or directory: notices a link back to a parent, or the run's own output. */
export function fileId(stats: Stats): string {
  return `${stats.dev}:${stats.ino}`;
}

async function* walkDirectory(
  dir: string,
  stats: Stats,
  parents: ReadonlySet<string>,
  skip: ReadonlySet<string>,
): AsyncGenerator<Source> {
  const id = fileId(stats);
  if (parents.has(id)) {
    yield { file: dir, error: 'directory loop: a symbolic link leads back to a parent' };
    return;
  }
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (error) {
    yield { file: dir, error: describeError(error) };
    return;
  }
  const inner = new Set(parents).add(id);
  for (const name of names) {
    const file = path.join(dir, name);
    let entry: Stats;
    try {
      entry = await stat(file);
    } catch (error) {
      yield { file, error: describeError(error) };
      continue;
    }
    if (entry.isDirectory()) yield* walkDirectory(file, entry, inner, skip);
    else if (!entry.isFile()) yield { file, error: NOT_A_FILE };
    else if (!skip.has(fileId(entry))) yield fileSource(file);
  }
}

/**
 * The sources under `paths`. A path given by name is read whatever it is (a FIFO such as
 * `<(zcat …)` included), except a directory, which is walked.
 */
export async function* findSources(
  paths: readonly string[],
  stdin: () => AsyncIterable<Buffer | string>,
  options: { skip?: ReadonlySet<string>; order?: 'path' | 'time' } = {},
): AsyncGenerator<Source> {
  const sources = eachSource(paths, stdin, options.skip ?? new Set<string>());
  // Delivery-time order spans every path given: two account folders interleave in time.
  if (options.order === 'time') yield* await byDeliveryTime(sources);
  else yield* sources;
}

async function* eachSource(
  paths: readonly string[],
  stdin: () => AsyncIterable<Buffer | string>,
  skip: ReadonlySet<string>,
): AsyncGenerator<Source> {
  for (const given of paths) {
    if (given === STDIN_PATH) {
      yield { file: given, open: () => readAhead(stdin()), rereadable: false };
      continue;
    }
    let stats: Stats;
    try {
      stats = await stat(given);
    } catch (error) {
      yield { file: given, error: describeError(error) };
      continue;
    }
    if (stats.isDirectory()) yield* walkDirectory(given, stats, new Set(), skip);
    else yield fileSource(given);
  }
}

/**
 * CloudTrail names each file it delivers `<account>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<id>`
 * (S3 keys of one trail sort by account and region first): the time that name holds.
 */
const DELIVERY_TIME = /_CloudTrail(?:-[A-Za-z]+)?_[a-z0-9-]+_(\d{8}T\d{4}Z)_/;

/**
 * Sources in delivery-time order: those without a CloudTrail file name first (standard input
 * among them), in the order given, then the delivered files by the time in their names (ties
 * in path order). The walk is gathered first: paths only, a few megabytes for a year of a busy
 * trail.
 */
async function byDeliveryTime(walk: AsyncIterable<Source>): Promise<Source[]> {
  const sources: { source: Source; time: string }[] = [];
  for await (const source of walk) {
    const time = DELIVERY_TIME.exec(path.basename(source.file))?.[1] ?? '';
    sources.push({ source, time });
  }
  // Array.prototype.sort is stable: equal times keep the walk's path order.
  sources.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return sources.map((entry) => entry.source);
}
