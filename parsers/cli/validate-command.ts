/**
 * `udm validate`: every problem in each mapping file, in one run, each with a stable code, its
 * location and the YAML line it is about. Warnings (such as a source path no fixture has) are
 * printed but do not fail the run.
 */

import { existsSync, readFileSync } from 'node:fs';
import { diagnostic, formatWithExcerpt, hasErrors } from '../diagnostics';
import type { Diagnostic, Printable } from '../diagnostics';
import { fixtureRecords, fixturesDirFor } from '../fixtures/cases';
import { reportUnseenSources } from '../mapping/checks';
import { analyzeMappingFile } from '../mapping/compile';
import { interpret } from '../mapping/interpret';
import type { Io } from './io';
import { PACKAGE_ROOT, shown } from './mapper';

export async function runValidate(files: string[], io: Io): Promise<number> {
  let failed = false;
  for (const file of files) {
    const diagnostics = await validateMapping(file);
    printWithExcerpts(file, diagnostics, io);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    io.stderr.write(`udm validate: ${file}: ${errors} error(s), ${warnings} warning(s)\n`);
    failed ||= hasErrors(diagnostics);
  }
  return failed ? 1 : 0;
}

async function validateMapping(file: string): Promise<Diagnostic[]> {
  const { plan, diagnostics } = analyzeMappingFile(file);
  if (!plan) return diagnostics;
  const dir = fixturesDirFor(file, PACKAGE_ROOT);
  if (!existsSync(dir)) {
    const message = `no fixture cases in ${shown(dir)}: source paths are not checked`;
    return [
      ...diagnostics,
      diagnostic('mapping_no_fixtures', { file, line: 1, column: 1 }, message),
    ];
  }
  const records = await fixtureRecords(dir, interpret(plan));
  return [...diagnostics, ...reportUnseenSources(plan, records)];
}

export function printWithExcerpts(file: string, diagnostics: Printable[], io: Io): void {
  let lines: string[] | undefined;
  try {
    lines = readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    lines = undefined;
  }
  for (const d of diagnostics) io.stderr.write(formatWithExcerpt(d, lines) + '\n\n');
}
