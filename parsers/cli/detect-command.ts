/**
 * `udm detect`: raw CloudTrail input (any shape `udm map` reads) or UDM NDJSON in, the rules run
 * over the mapped events, one JSON detection per line out, and a table per rule on stderr.
 */

import { existsSync } from 'node:fs';
import { hasErrors } from '../diagnostics';
import { detect, loadReferenceLists, type Detection } from '../detect/engine';
import type { Mapper, UdmEvent } from '../mapping/types';
import { mappingDomain } from '../rules/contract';
import { ourRule, prepareRules, ruleFiles } from '../rules/load';
import { emptyCounts, summarize } from '../run/map-run';
import type { Rule } from '../yaral/ast';
import { LineWriter, outputFailure, refuseOverwritingInputs, UsageError, type Io } from './io';
import { mapOutcomes } from './map-command';
import { DEFAULT_LISTS, DEFAULT_RULES, loadMapper } from './mapper';
import { printWithExcerpts } from './validate-command';

export interface DetectOptions {
  rules?: string[];
  lists?: string;
  out?: string;
  mapping: string;
  now?: string;
  quiet?: boolean;
}

export async function runDetect(paths: string[], options: DetectOptions, io: Io): Promise<number> {
  const inputs = paths.length ? paths : ['-'];
  refuseOverwritingInputs(inputs, [options.out]);
  const compiled = loadMapper(options.mapping, io);
  if (!compiled) return 2;
  const evaluators = compileRules(options, mappingDomain(compiled.plan), io);
  if (!evaluators) return 2;

  let writer: LineWriter | undefined;
  try {
    writer = options.out
      ? LineWriter.toFile(options.out)
      : LineWriter.toStream(io.stdout, 'stdout');
    const { counts, events } = await mapEvents(inputs, compiled.mapper, writer.id, options, io);
    const detections = detect(evaluators, events);
    for (const detection of detections) await writer.write(JSON.stringify(detection));
    await writer.close();
    io.stderr.write(
      ruleTable(
        evaluators.map((e) => e.rule),
        detections,
      ),
    );
    const where = options.out ? ` in ${options.out}` : '';
    io.stderr.write(
      `udm detect: ${summarize(counts)}; ${detections.length} detection(s)${where}\n`,
    );
    return counts.rejected > 0 ? 1 : 0;
  } catch (error) {
    return outputFailure('detect', error, io);
  } finally {
    writer?.destroy();
  }
}

/** Every event of the input, mapped (or taken as UDM), rejected records reported as map does. */
async function mapEvents(
  inputs: string[],
  mapper: Mapper,
  outputId: string | undefined,
  options: DetectOptions,
  io: Io,
) {
  const counts = emptyCounts();
  const events: UdmEvent[] = [];
  const read = { skip: new Set(outputId ? [outputId] : []) };
  for await (const outcome of mapOutcomes(inputs, mapper, read, counts, options, io)) {
    if (outcome.kind === 'event') events.push(outcome.event);
  }
  return { counts, events };
}

/**
 * Parses, checks and compiles every rule and prints what was found. An error stops the run;
 * a rule the engine cannot evaluate is left out with a note, and the others run.
 */
function compileRules(options: DetectOptions, domain: ReturnType<typeof mappingDomain>, io: Io) {
  const given = options.rules?.length ? options.rules : [DEFAULT_RULES];
  const missing = given.find((p) => !existsSync(p));
  if (missing) throw new UsageError(`no such rules file or directory: ${missing}`);
  const files = ruleFiles(given);
  if (files.length === 0) throw new UsageError(`no .yaral rule files in ${given.join(', ')}`);

  const lists = loadLists(options.lists);
  const prepared = prepareRules(files, {
    lists,
    now: parseNow(options.now),
    domain,
    ours: ourRule,
  });
  let failed = false;
  for (const [file, found] of prepared.diagnostics) {
    if (found.length) printWithExcerpts(file, found, io);
    failed ||= hasErrors(found);
  }
  for (const rule of prepared.notRun) {
    io.stderr.write(`udm detect: not running ${rule.name} (${rule.file}): see the notes above\n`);
  }
  if (prepared.rules.length === 0) throw new UsageError(`no rules in ${given.join(', ')}`);
  return failed ? undefined : prepared.evaluators;
}

function loadLists(dir: string | undefined): Map<string, string[]> {
  const chosen = dir ?? DEFAULT_LISTS;
  if (!existsSync(chosen)) {
    if (dir) throw new UsageError(`no such reference list directory: ${dir}`);
    return new Map();
  }
  return loadReferenceLists(chosen);
}

function parseNow(now: string | undefined): Date | undefined {
  if (now === undefined) return undefined;
  const date = new Date(now);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--now takes an RFC 3339 time, not ${now}`);
  return date;
}

/** A summary table: each rule, how many detections, and how many events they involve. */
export function ruleTable(rules: Rule[], detections: Detection[]): string {
  const width = Math.max(4, ...rules.map((r) => r.name.length));
  const lines = [`${'rule'.padEnd(width)}  detections  events`];
  for (const rule of rules) {
    const own = detections.filter((d) => d.rule === rule.name);
    const ids = new Set(own.flatMap((d) => Object.values(d.events).flat()));
    const numbers = `${String(own.length).padStart(10)}  ${String(ids.size).padStart(6)}`;
    lines.push(`${rule.name.padEnd(width)}  ${numbers}`);
  }
  return lines.join('\n') + '\n';
}
