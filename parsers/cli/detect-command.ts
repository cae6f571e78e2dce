/**
 * `udm detect`: raw CloudTrail input (any shape `udm map` reads) or UDM NDJSON in, the rules run
 * over the mapped events, one JSON detection per line out, and a table per rule on stderr.
 */

import { existsSync } from 'node:fs';
import { hasErrors } from '../diagnostics';
import type { Detection } from '../detect/engine';
import { DEFAULT_REORDER_BUFFER, DetectionStream, type LateEvent } from '../detect/stream';
import type { RecordOrigin } from '../input/types';
import type { Mapper } from '../mapping/types';
import { mappingDomain } from '../rules/contract';
import { ourRule, prepareRules, ruleFiles } from '../rules/load';
import { describeRejection, emptyCounts, mapItem, summarize } from '../run/map-run';
import type { Rule } from '../yaral/ast';
import { LineWriter, outputFailure, refuseOverwritingInputs, UsageError, wholeNumber } from './io';
import type { Io } from './io';
import { mapOutcomes } from './map-command';
import { DEFAULT_LISTS, DEFAULT_RULES, loadLists, loadMapper } from './mapper';
import { printWithExcerpts } from './validate-command';

export interface DetectOptions {
  reorderBuffer?: string;
  rules?: string[];
  lists?: string;
  out?: string;
  mapping: string;
  now?: string;
  quiet?: boolean;
}

export async function runDetect(paths: string[], options: DetectOptions, io: Io): Promise<number> {
  const inputs = paths.length ? paths : ['-'];
  if (inputs.includes('-') && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new UsageError('no input: give files or directories, or pipe events into `-`');
  }
  const loaded = [options.mapping, ...(options.rules ?? [DEFAULT_RULES])];
  await refuseOverwritingInputs(inputs, [options.out], [...loaded, options.lists ?? DEFAULT_LISTS]);
  const capacity =
    options.reorderBuffer === undefined
      ? DEFAULT_REORDER_BUFFER
      : wholeNumber('--reorder-buffer', options.reorderBuffer, 1, MAX_REORDER_BUFFER);
  const compiled = loadMapper(options.mapping, io);
  if (!compiled) return 2;
  const evaluators = compileRules(options, mappingDomain(compiled.plan), io);
  if (!evaluators) return 2;

  let writer: LineWriter | undefined;
  try {
    writer = options.out
      ? LineWriter.toFile(options.out)
      : LineWriter.toStream(io.stdout, 'stdout');
    const stream = new DetectionStream(evaluators, { capacity });
    const tally = new RuleTally(evaluators.map((e) => e.rule));
    const emit = async (found: Detection[]) => {
      for (const detection of found) {
        tally.add(detection);
        await writer?.write(JSON.stringify(detection));
      }
    };
    const { counts, late } = await streamEvents(inputs, compiled.mapper, stream, emit, {
      ...options,
      outputId: writer.id,
      io,
    });
    await emit(stream.finish());
    await writer.close();
    io.stderr.write(tally.table());
    const where = options.out ? ` in ${options.out}` : '';
    const lateNote = late ? `; late ${late} (not evaluated: see --reorder-buffer)` : '';
    const summary = `${summarize(counts)}${lateNote}; ${tally.total} detection(s)${where}`;
    io.stderr.write(`udm detect: ${summary}\n`);
    return counts.rejected > 0 || late > 0 ? 1 : 0;
  } catch (error) {
    return outputFailure('detect', error, io);
  } finally {
    writer?.destroy();
  }
}

/**
 * Maps the input (or takes it as UDM) and feeds each event to the rules as it comes, reporting
 * rejected records as map does and late events the same way. Nothing is held but what the
 * stream holds.
 */
async function streamEvents(
  inputs: string[],
  mapper: Mapper,
  stream: DetectionStream,
  emit: (found: Detection[]) => Promise<void>,
  context: DetectOptions & { outputId?: string; io: Io },
) {
  const counts = emptyCounts();
  const read = {
    skip: new Set(context.outputId ? [context.outputId] : []),
    order: 'time' as const,
  };
  const run = { read, counts, map: mapItem };
  let late = 0;
  for await (const outcomes of mapOutcomes(inputs, mapper, run, context, context.io)) {
    const found: Detection[] = [];
    for (const outcome of outcomes) {
      if (outcome.kind !== 'event') continue;
      const pushed = stream.push(outcome.event);
      for (const detection of pushed.detections) found.push(detection);
      if (!pushed.late) continue;
      late++;
      if (!context.quiet) context.io.stderr.write(describeLate(outcome.origin, pushed.late) + '\n');
    }
    if (found.length) await emit(found);
  }
  return { counts, late };
}

function describeLate(origin: RecordOrigin, late: LateEvent): string {
  const reason =
    `event time ${late.time} is before ${late.evaluatedUpTo}, already evaluated: ` +
    'more than --reorder-buffer events came between them; not evaluated';
  return describeRejection(origin, reason);
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
  if (prepared.rules.length === 0) throw new UsageError(`no rules in ${given.join(', ')}`);
  if (failed) {
    // An error is a rule or list that says something other than what its author meant: no
    // rule runs, so no run looks complete while one of its rules is missing.
    io.stderr.write('udm detect: errors in the rules or lists above; no rule was run\n');
    return undefined;
  }
  for (const rule of prepared.notRun) {
    io.stderr.write(`udm detect: not running ${rule.name} (${rule.file}): see the notes above\n`);
  }
  return prepared.evaluators;
}

function parseNow(now: string | undefined): Date | undefined {
  if (now === undefined) return undefined;
  const date = new Date(now);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--now takes an RFC 3339 time, not ${now}`);
  return date;
}

/** Counts per rule, kept as detections stream out: how many, and how many events they name. */
export class RuleTally {
  private readonly perRule = new Map<string, { detections: number; events: Set<string> }>();
  total = 0;

  constructor(private readonly rules: Rule[]) {
    for (const rule of rules) this.perRule.set(rule.name, { detections: 0, events: new Set() });
  }

  add(detection: Detection): void {
    const entry = this.perRule.get(detection.rule);
    this.total++;
    if (!entry) return;
    entry.detections++;
    for (const ids of Object.values(detection.events)) ids.forEach((id) => entry.events.add(id));
  }

  table(): string {
    const width = Math.max(4, ...this.rules.map((r) => r.name.length));
    const lines = [`${'rule'.padEnd(width)}  detections  events`];
    for (const rule of this.rules) {
      const { detections, events } = this.perRule.get(rule.name) ?? {
        detections: 0,
        events: new Set(),
      };
      const numbers = `${String(detections).padStart(10)}  ${String(events.size).padStart(6)}`;
      lines.push(`${rule.name.padEnd(width)}  ${numbers}`);
    }
    return lines.join('\n') + '\n';
  }
}

/** The most events the reorder buffer may hold: about 5 GB of parsed events. */
const MAX_REORDER_BUFFER = 1_000_000;
