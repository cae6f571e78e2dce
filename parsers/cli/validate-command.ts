/**
 * `udm validate`: every problem in each mapping file, in one run, each with a stable code, its
 * location and the YAML line it is about. Warnings (such as a source path no fixture has) are
 * printed but do not fail the run.
 */

import { existsSync, readFileSync } from 'node:fs';
import { diagnostic, formatWithExcerpt, hasErrors } from '../diagnostics';
import type { Diagnostic, Printable } from '../diagnostics';
import { fixtureRecords, fixturesDirFor } from '../fixtures/cases';
import { reportIgnoreProblems, reportUnseenSources } from '../mapping/checks';
import { analyzeMappingFile, compileMappingFile } from '../mapping/compile';
import { mappingDomain } from '../rules/contract';
import { ourRule, prepareRules } from '../rules/load';
import { interpret } from '../mapping/interpret';
import type { Io } from './io';
import { DEFAULT_MAPPING, loadLists, PACKAGE_ROOT, shown } from './mapper';

/** Mapping and rule files alike: `.yaral` files are parsed, checked and held to the contract. */
export async function runValidate(files: string[], io: Io, listsDir?: string): Promise<number> {
  const rules = files.filter((f) => f.endsWith('.yaral'));
  let failed = rules.length > 0 && !validateRules(rules, io, listsDir);
  for (const file of files.filter((f) => !f.endsWith('.yaral'))) {
    const diagnostics = await validateMapping(file);
    printWithExcerpts(file, diagnostics, io);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    io.stderr.write(`udm validate: ${file}: ${errors} error(s), ${warnings} warning(s)\n`);
    failed ||= hasErrors(diagnostics);
  }
  return failed ? 1 : 0;
}

/** Rule files against the bundled mapping's contract; false when any has an error. */
function validateRules(files: string[], io: Io, listsDir?: string): boolean {
  const compiled = compileMappingFile(DEFAULT_MAPPING);
  const domain = compiled.compiled ? mappingDomain(compiled.compiled.plan) : undefined;
  const lists = loadLists(listsDir);
  const { rules, diagnostics } = prepareRules(files, { domain, ours: ourRule, lists });
  let ok = true;
  for (const [file, found] of diagnostics) {
    printWithExcerpts(file, found, io);
    const errors = found.filter((d) => d.severity === 'error').length;
    const count = rules.filter((r) => r.file === file).length;
    io.stderr.write(
      `udm validate: ${file}: ${count} rule(s), ${errors} error(s), ` +
        `${found.length - errors} warning(s)\n`,
    );
    ok &&= errors === 0;
  }
  return ok;
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
  return [
    ...diagnostics,
    ...reportUnseenSources(plan, records),
    ...reportIgnoreProblems(plan, records),
  ];
}

/** At most this many diagnostics are printed per file: garbage input makes thousands. */
const PRINT_LIMIT = 50;

export function printWithExcerpts(file: string, diagnostics: Printable[], io: Io): void {
  let lines: string[] | undefined;
  try {
    lines = readFileSync(file, 'utf8').split(/\r?\n/);
  } catch {
    lines = undefined;
  }
  for (const d of diagnostics.slice(0, PRINT_LIMIT)) {
    io.stderr.write(formatWithExcerpt(d, lines) + '\n\n');
  }
  if (diagnostics.length > PRINT_LIMIT) {
    io.stderr.write(`${file}: … and ${diagnostics.length - PRINT_LIMIT} more problem(s)\n`);
  }
}
