/** Loading a mapping for a command, with its diagnostics printed the one way the CLI prints. */

import * as path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics';
import { compileMappingFile, type CompiledMapping } from '../mapping/compile';
import type { Io } from './io';

export const PACKAGE_ROOT = path.join(__dirname, '..', '..');
export const DEFAULT_MAPPING = path.join(PACKAGE_ROOT, 'mappings', 'aws_kms.yaml');

/** A path as the user should see it: relative to where they are, when that is shorter. */
export function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export function printDiagnostics(diagnostics: Diagnostic[], io: Io): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
}

export function loadMapper(file: string, io: Io): CompiledMapping | undefined {
  const result = compileMappingFile(shown(path.resolve(file)));
  printDiagnostics(result.diagnostics, io);
  return result.compiled;
}
