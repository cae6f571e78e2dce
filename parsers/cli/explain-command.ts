/**
 * `udm explain CASE UDM_PATH`: where one field of a fixture's output comes from: the row (file
 * and line), its logic, the source path that supplied the value and the value it had.
 */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CASE_NAME, loadCase, runCase } from '../fixtures/cases';
import { interpret, type TraceEntry } from '../mapping/interpret';
import { rowsWriting } from '../mapping/lineage';
import type { Condition } from '../mapping/model';
import type { Plan, PlannedRow } from '../mapping/resolve';
import { allRows, rowLabel } from '../mapping/rows';
import { UsageError, type Io } from './io';
import { loadMapper } from './mapper';

export interface ExplainOptions {
  mapping: string;
  fixtures: string;
  event?: string;
}

export async function runExplain(
  caseName: string,
  udmPath: string,
  options: ExplainOptions,
  io: Io,
): Promise<number> {
  if (
    !CASE_NAME.test(caseName) ||
    !existsSync(path.join(options.fixtures, caseName, 'case.yaml'))
  ) {
    throw new UsageError(`no fixture case ${JSON.stringify(caseName)} in ${options.fixtures}`);
  }
  const compiled = loadMapper(options.mapping, io);
  if (!compiled) return 2;
  const fixture = loadCase(path.join(options.fixtures, caseName));
  const traces = await traceCase(fixture, compiled.plan);
  const wanted = options.event === undefined ? undefined : Number(options.event);
  if (wanted !== undefined && !Number.isInteger(wanted)) {
    throw new UsageError(
      `--event takes an event number (0, 1, …), not ${JSON.stringify(options.event)}`,
    );
  }

  if (wanted !== undefined && (wanted < 0 || wanted >= traces.length)) {
    throw new UsageError(
      `${caseName} has ${traces.length} event(s): --event takes 0 to ${traces.length - 1}`,
    );
  }
  let found = 0;
  traces.forEach((entries, index) => {
    if (wanted !== undefined && wanted !== index) return;
    for (const entry of entries.filter((e) => samePath(e.path, udmPath))) {
      found++;
      io.stdout.write(describeEntry(compiled.plan, caseName, index, entry).join('\n') + '\n');
    }
  });
  if (found > 0) return 0;

  io.stdout.write(`${caseName}: no event has ${udmPath}\n`);
  const writers = rowsWriting(compiled.plan.rows, udmPath, new Map());
  for (const row of writers.length ? writers : candidates(compiled.plan, udmPath)) {
    io.stdout.write(`  written by ${rowLabel(compiled.plan.mapping.file, row)}: ${logicOf(row)}\n`);
  }
  return 1;
}

/** Every traced write of every event the case maps, in event order. */
async function traceCase(fixture: ReturnType<typeof loadCase>, plan: Plan) {
  const traces: TraceEntry[][] = [];
  let current: TraceEntry[] = [];
  const mapper = interpret(plan, (entry) => current.push(entry));
  const tracing = {
    ...mapper,
    map(data: Record<string, unknown>, issues: string[]) {
      current = [];
      const event = mapper.map(data, issues);
      if (issues.length === 0) traces.push(current);
      return event;
    },
  };
  await runCase(fixture, tracing);
  return traces;
}

/**
 * `security_result.action` matches `security_result[0].action[0]`: indexes left out match any
 * element; indexes given must match. A label's `.key` is explained by the row of its `.value`.
 */
function samePath(traced: string, asked: string): boolean {
  const wanted = asked.replace(/\["([^"]+)"\]/g, '.$1').replace(/\.key$/, '.value');
  if (traced === wanted) return true;
  return !/\[\d+\]/.test(wanted) && stripIndexes(traced) === wanted;
}

function stripIndexes(udmPath: string): string {
  return udmPath.replace(/\[\d+\]/g, '');
}

function candidates(plan: Plan, udmPath: string): PlannedRow[] {
  const wanted = stripIndexes(udmPath).replace(/\.(key|value)$/, '');
  return allRows(plan.rows).filter((row) => wanted.endsWith(row.target) || row.target === wanted);
}

function logicOf(row: PlannedRow): string {
  const test = (c: Condition) => `${c.source.join(' or ')} ${c.test} ${JSON.stringify(c.expected)}`;
  const when = row.when.length ? ` when ${row.when.map(test).join(' and ')}` : '';
  switch (row.kind) {
    case 'constant':
      return `constant ${JSON.stringify(row.value)}${when}`;
    case 'table':
      return `value table on ${row.source.join(' or ')}${when}`;
    case 'copy': {
      const { transform: t } = row;
      const transform = !t
        ? ''
        : t.name === 'after'
          ? `, text after ${JSON.stringify(t.marker)}`
          : `, ${t.name}`;
      return `copy of ${row.source.join(' or ')}${transform}${when}`;
    }
    default:
      return `one element per item of ${row.source}`;
  }
}

function describeEntry(plan: Plan, caseName: string, index: number, entry: TraceEntry): string[] {
  const spec = entry.row.spec.length ? ` (spec row ${entry.row.spec.join(', ')})` : '';
  const lines = [
    `${caseName}, event ${index}: ${entry.path} = ${JSON.stringify(entry.value)}`,
    `  row     ${rowLabel(plan.mapping.file, entry.row)}${spec}`,
    `  logic   ${logicOf(entry.row)}`,
  ];
  if (entry.source !== undefined) {
    lines.push(`  source  ${entry.source} = ${JSON.stringify(entry.raw)?.slice(0, 200)}`);
  }
  return lines;
}
