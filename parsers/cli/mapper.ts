/** Loading a mapping for a command, with its diagnostics printed the one way the CLI prints. */

import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadReferenceLists } from '../detect/engine';
import { listNameClash } from '../detect/lists';
import { formatDiagnostic, type Diagnostic } from '../diagnostics';
import { compileMappingFile, type CompiledMapping } from '../mapping/compile';
import { UsageError, type Io } from './io';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..');
export const DEFAULT_MAPPING = path.join(PACKAGE_ROOT, 'mappings', 'aws_kms.yaml');
export const DEFAULT_RULES = path.join(PACKAGE_ROOT, 'rules', 'aws_kms');
export const DEFAULT_LISTS = path.join(PACKAGE_ROOT, 'rules', 'lists');

/** A path as the user should see it: relative to where they are, when that is shorter. */
export function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export function printDiagnostics(diagnostics: Diagnostic[], io: Io): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
}

/**
 * Compiles a mapping for a command. `relativeTo: 'package'` names the file relative to the
 * repository (generated files must not depend on where the command ran); by default relative
 * to the working directory, as the user typed it.
 */
export function loadMapper(
  file: string,
  io: Io,
  relativeTo: 'cwd' | 'package' = 'cwd',
): CompiledMapping | undefined {
  const absolute = path.resolve(file);
  const name =
    relativeTo === 'package'
      ? path.relative(PACKAGE_ROOT, absolute).split(path.sep).join('/')
      : shown(absolute);
  const result = compileMappingFile(absolute, name);
  printDiagnostics(result.diagnostics, io);
  return result.compiled;
}

/**
 * The reference lists of `dir` (default: the bundled ones, which may be absent). A folder
 * that was named but is not there, or two files that would be one list, is a usage error.
 */
export function loadLists(dir: string | undefined): Map<string, string[]> {
  const chosen = dir ?? DEFAULT_LISTS;
  if (!existsSync(chosen)) {
    if (dir) throw new UsageError(`no such reference list directory: ${dir}`);
    return new Map();
  }
  const clash = listNameClash(chosen);
  if (clash) throw new UsageError(`${clash}: keep one`);
  return loadReferenceLists(chosen);
}
