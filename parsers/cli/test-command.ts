/**
 * `udm test`: runs every fixture case and shows only what fails, field by field, naming the
 * mapping row behind each field. `--update` rewrites the goldens whose output changed and shows
 * what changed; the hand-written checks of case.yaml are never rewritten.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  GOLDEN_FILE,
  goldenText,
  runCase,
  scanCases,
  unmetExpectations,
  type FixtureCase,
} from '../fixtures/cases';
import { compareWithGolden, formatDiff, readGolden } from '../fixtures/compare';
import type { CompiledMapping } from '../mapping/compile';
import { validateUdmEvent } from '../udm/validate';
import { UsageError, type Io } from './io';
import { loadMapper, shown } from './mapper';

export interface TestOptions {
  filter?: string;
  update?: boolean;
  mapping: string;
  fixtures: string;
}

interface Outcome {
  failed: boolean;
  updated: boolean;
  lines: string[];
}

export async function runTest(options: TestOptions, io: Io): Promise<number> {
  if (!existsSync(options.fixtures))
    throw new UsageError(`no fixtures directory ${options.fixtures}`);
  // Named from the repository, so goldens (which record reject reasons) match wherever it runs.
  const compiled = loadMapper(options.mapping, io, 'package');
  if (!compiled) return 2;
  const { cases, problems } = scanCases(options.fixtures);
  for (const problem of problems) io.stdout.write(`BROKEN ${problem}\n`);

  const selected = cases.filter((c) => c.name.includes(options.filter ?? ''));
  if (options.filter !== undefined && selected.length === 0) {
    throw new UsageError(`no fixture case name contains ${JSON.stringify(options.filter)}`);
  }
  let [failed, updated] = [0, 0];
  for (const fixture of selected) {
    const outcome = await testCase(fixture, compiled, options.update === true);
    if (outcome.lines.length) io.stdout.write(outcome.lines.join('\n') + '\n');
    failed += outcome.failed ? 1 : 0;
    updated += outcome.updated ? 1 : 0;
  }

  const broken = problems.length ? `, ${problems.length} broken` : '';
  const update = options.update ? `; ${updated} golden(s) updated` : '';
  const passed = selected.length - failed;
  const summary = `${selected.length} case(s), ${passed} passed, ${failed} failed${broken}`;
  io.stdout.write(`udm test: ${summary}${update}\n`);
  return failed + problems.length > 0 ? 1 : 0;
}

async function testCase(fixture: FixtureCase, compiled: CompiledMapping, update: boolean) {
  const outcome: Outcome = { failed: false, updated: false, lines: [] };
  const result = await runCase(fixture, compiled.mapper);
  const goldenFile = path.join(fixture.dir, GOLDEN_FILE);
  const { golden, problem } = readGolden(goldenFile);
  const diffs = golden ? compareWithGolden(compiled.plan, golden, result) : [];

  const text = goldenText(fixture, result);
  const stale = !golden || readFileSync(goldenFile, 'utf8') !== text;
  if (update && stale) {
    writeFileSync(goldenFile, text);
    outcome.updated = true;
    outcome.lines.push(
      `UPDATED ${fixture.name}: ${shown(goldenFile)}`,
      ...diffs.flatMap(formatDiff),
    );
  } else if (problem || diffs.length || stale) {
    outcome.failed = true;
    outcome.lines.push(`FAIL ${fixture.name}`, ...(problem ? [`  ${problem}`] : []));
    outcome.lines.push(...diffs.flatMap(formatDiff));
    if (!problem && !diffs.length) outcome.lines.push(`  ${GOLDEN_FILE} is not in canonical form`);
  }

  const invalid = result.events.flatMap((event, i) =>
    validateUdmEvent(event).map((p) => `event ${i} is not valid UDM: ${p.path}: ${p.message}`),
  );
  const unmet = [...invalid, ...unmetExpectations(fixture, result)];
  if (unmet.length) {
    if (!outcome.failed) outcome.lines.push(`FAIL ${fixture.name}`);
    outcome.failed = true;
    const caseFile = shown(path.join(fixture.dir, 'case.yaml'));
    outcome.lines.push(...unmet.map((u) => `  ${caseFile}: ${u}`));
  }
  return outcome;
}
