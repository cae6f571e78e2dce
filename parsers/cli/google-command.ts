/**
 * `udm google export` and `udm google import`: fixture cases to and from Google's content-hub
 * fixture layout (see parsers/fixtures/google-layout.ts), so our cases can be replayed against
 * Google's parser and Google's vectors can become cases.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Document } from 'yaml';
import { listCases } from '../fixtures/cases';
import { compareLikeGoogle, exportCase, importGoogle, mapText } from '../fixtures/google-layout';
import type { Mapper } from '../mapping/types';
import { count, emptyCounts, summarize } from '../run/map-run';
import type { Io } from './io';
import { DEFAULT_MAPPING, loadMapper, PACKAGE_ROOT, shown } from './mapper';

export const CASES_DIR = path.join(PACKAGE_ROOT, 'fixtures', 'aws_kms');

const prettyJson = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

function loadDefaultMapper(io: Io): Mapper | undefined {
  return loadMapper(shown(DEFAULT_MAPPING), io)?.mapper;
}

/**
 * Writes `<outDir>/<case>/<LOG_TYPE>_log.json` and `<LOG_TYPE>_events.json` for each named
 * case (all cases when none is named). Exit code 0, or 2 for an unknown case or a broken
 * mapping (nothing is written then).
 */
export async function runGoogleExport(
  caseNames: string[],
  outDir: string,
  io: Io,
  casesDir: string = CASES_DIR,
): Promise<number> {
  const cases = listCases(casesDir);
  const unknown = caseNames.filter((name) => !cases.some((c) => c.name === name));
  if (unknown.length) {
    for (const name of unknown) {
      io.stderr.write(`udm google export: no case named ${name} in ${shown(casesDir)}\n`);
    }
    return 2;
  }
  const mapper = loadDefaultMapper(io);
  if (!mapper) return 2;

  const chosen = caseNames.length ? cases.filter((c) => caseNames.includes(c.name)) : cases;
  for (const fixture of chosen) {
    const { log, events } = await exportCase(fixture, mapper);
    const dir = path.join(outDir, fixture.name);
    mkdirSync(dir, { recursive: true });
    const logFile = path.join(dir, `${mapper.logType}_log.json`);
    const eventsFile = path.join(dir, `${mapper.logType}_events.json`);
    writeFileSync(logFile, prettyJson(log));
    writeFileSync(eventsFile, prettyJson(events));
    const n = events.events.length;
    const none = n === 0 ? ' (no record of the case maps: both files are empty)' : '';
    io.stderr.write(
      `udm google export: ${fixture.name}: ${n} event${n === 1 ? '' : 's'} in ` +
        `${shown(logFile)} and ${shown(eventsFile)}${none}\n`,
    );
  }
  return 0;
}

/** Parsed JSON of a file, or undefined with the reason printed. */
function readJson(file: string, io: Io): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    io.stderr.write(`udm google import: ${file}: ${(err as Error).message}\n`);
    return undefined;
  }
}

const shownValue = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));

/** Our event for each raw entry, or why there is not exactly one. */
async function eventsPerEntry(
  entries: string[],
  mapper: Mapper,
): Promise<({ event: Record<string, unknown> } | { why: string })[]> {
  const results = [];
  for (const entry of entries) {
    const outcomes = await mapText(entry, mapper);
    const events = outcomes.flatMap((o) => (o.kind === 'event' ? [o.event] : []));
    if (outcomes.length === 1 && events.length === 1) results.push({ event: events[0] });
    else {
      const [o] = outcomes;
      const why =
        outcomes.length !== 1
          ? `${outcomes.length} records in the entry`
          : o.kind === 'skip'
            ? `skipped (${o.reason}: ${o.detail})`
            : `rejected (${o.kind === 'reject' ? o.reason : ''})`;
      results.push({ why });
    }
  }
  return results;
}

/**
 * Creates a fixture case from Google's layout: `input.ndjson` (the raw entries, one per line),
 * `google-expected.json` (Google's events file, when given) and a `case.yaml` whose counts come
 * from mapping the input. Hand expectations are left for a person to write. With an events
 * file, prints how our events differ from Google's, as Google's validator compares them.
 * Exit code 0 (differences included), 1 when the case exists or the files are not Google's
 * layout, 2 for a broken mapping.
 */
export async function runGoogleImport(
  logFile: string,
  eventsFile: string | undefined,
  caseDir: string,
  io: Io,
): Promise<number> {
  if (existsSync(caseDir)) {
    io.stderr.write(`udm google import: ${shown(caseDir)} exists; choose a new case directory\n`);
    return 1;
  }
  const log = readJson(logFile, io);
  const events = eventsFile === undefined ? { value: undefined } : readJson(eventsFile, io);
  if (!log || !events) return 1;

  const imported = importGoogle(log.value, events.value);
  for (const problem of imported.problems) io.stderr.write(`udm google import: ${problem}\n`);
  if (imported.problems.length) return 1;

  const mapper = loadDefaultMapper(io);
  if (!mapper) return 2;
  if (imported.logType !== undefined && imported.logType !== mapper.logType) {
    io.stderr.write(
      `udm google import: ${logFile}: raw_logs.type is ${imported.logType}, ` +
        `but the mapping is for ${mapper.logType}\n`,
    );
    return 1;
  }

  const counts = emptyCounts();
  for (const outcome of await mapText(imported.input, mapper)) count(counts, outcome);
  const { read, mapped, skipped, rejected } = counts;

  const sources = [logFile, eventsFile].filter((f): f is string => f !== undefined);
  const from = sources.map((f) => path.basename(f)).join(' and ');
  const spec = new Document({
    description:
      `Imported from Google's content-hub fixture layout (${from}): ` +
      `the ${imported.entries.length} raw_logs.entries[].data strings, one per line`,
    shape: 'eventbridge',
    sources: [{ file: path.basename(logFile) }],
    expect: { counts: { read, mapped, skipped, rejected } },
  });
  (spec.getIn(['expect', 'counts'], true) as { flow: boolean }).flow = true;

  mkdirSync(caseDir, { recursive: true });
  const written = ['input.ndjson', 'case.yaml'];
  writeFileSync(path.join(caseDir, 'input.ndjson'), imported.input + '\n');
  if (events.value !== undefined) {
    writeFileSync(path.join(caseDir, 'google-expected.json'), prettyJson(events.value));
    written.splice(1, 0, 'google-expected.json');
  }
  writeFileSync(path.join(caseDir, 'case.yaml'), spec.toString({ lineWidth: 0 }));
  io.stderr.write(
    `udm google import: created ${shown(caseDir)} (${written.join(', ')}): ` +
      `${summarize(counts)}\n`,
  );
  io.stderr.write(
    'udm google import: next, run `npx udm test --update` to write expected.json, then write the ' +
      'expected UDM values in case.yaml (expect.events) by hand from the spec\n',
  );

  if (!imported.expected) return 0;
  const ours = await eventsPerEntry(imported.entries, mapper);
  let differences = 0;
  imported.expected.forEach((google, i) => {
    const mine = ours[i];
    if ('why' in mine) {
      io.stderr.write(`event ${i}: ours none, ${mine.why}; google an event\n`);
      differences++;
      return;
    }
    for (const d of compareLikeGoogle(mine.event, google)) {
      io.stderr.write(
        `event ${i}: ${d.path}: ours ${shownValue(d.ours)}, google ${shownValue(d.google)}\n`,
      );
      differences++;
    }
  });
  io.stderr.write(
    `udm google import: ${differences} difference${differences === 1 ? '' : 's'} from ` +
      `Google's expected events (fields Google's validator ignores left out)\n`,
  );
  return 0;
}
