/**
 * Real example values for the docs: every fixture case runs through the reference interpreter
 * with a tracer, and each row keeps the first value it wrote, in fixture-name order.
 */

import { existsSync } from 'node:fs';
import { listCases, runCase, type FixtureCase } from '../fixtures/cases';
import { interpret, type TraceEntry } from '../mapping/interpret';
import type { Plan } from '../mapping/resolve';
import type { Mapper } from '../mapping/types';

export interface Example {
  value: string;
  /** The fixture case (directory name) the value comes from. */
  fixture: string;
}

export interface Examples {
  /** Row id → the first value the row wrote. */
  byRow: Map<string, Example>;
  /** How many fixture cases were run. */
  cases: number;
}

export async function collectExamples(plan: Plan, fixturesDir: string): Promise<Examples> {
  const byRow = new Map<string, Example>();
  const cases = existsSync(fixturesDir) ? listCases(fixturesDir) : [];
  for (const fixture of cases) {
    for (const entry of await tracedEntries(plan, fixture)) {
      if (byRow.has(entry.row.id)) continue;
      byRow.set(entry.row.id, { value: String(entry.value), fixture: fixture.name });
    }
  }
  return { byRow, cases: cases.length };
}

/**
 * The values written for the events a case emits, in order. Values traced for a record that is
 * then rejected are left out: they appear in no event, so they would be no example.
 */
async function tracedEntries(plan: Plan, fixture: FixtureCase): Promise<TraceEntry[]> {
  let entries: TraceEntry[] = [];
  const traced = new Map<object, TraceEntry[]>();
  const mapper = interpret(plan, (entry) => entries.push(entry));
  const tracing: Mapper = {
    logType: mapper.logType,
    accept: (data) => mapper.accept(data),
    map(data, issues) {
      entries = [];
      const event = mapper.map(data, issues);
      traced.set(event, entries);
      return event;
    },
    mapToJson: (data, issues) => JSON.stringify(tracing.map(data, issues)),
  };
  const result = await runCase(fixture, tracing);
  return result.events.flatMap((event) => traced.get(event) ?? []);
}
