/**
 * `udm docs`: writes the docs page of each mapping in mappings/ (docs/<mapping>.md), with
 * examples from its fixture cases in fixtures/<mapping>/. `--check` writes nothing and fails
 * when a committed page differs from what would be written, or is missing.
 */

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DiagnosticsError } from '../diagnostics';
import { renderMappingDocs } from '../docs/mapping-docs';
import type { Io } from './io';
import { PACKAGE_ROOT, printDiagnostics, shown } from './mapper';

export interface DocsPageFile {
  /** Relative to the repository root: `docs/aws_kms.md`. */
  file: string;
  text: string;
}

/** Exit 0 when all is current, 1 when a page is stale, 2 when a mapping does not compile. */
export async function runDocs(check: boolean, io: Io): Promise<number> {
  let [failed, broken] = [false, false];
  for (const mappingFile of mappingFiles()) {
    const pages = await render(mappingFile, io);
    if (!pages) broken = true;
    for (const page of pages ?? []) {
      if (!syncPage(PACKAGE_ROOT, page, check, io)) failed = true;
    }
  }
  return broken ? 2 : failed ? 1 : 0;
}

function mappingFiles(): string[] {
  const dir = path.join(PACKAGE_ROOT, 'mappings');
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

async function render(mappingFile: string, io: Io): Promise<DocsPageFile[] | undefined> {
  const name = path.basename(mappingFile).replace(/\.ya?ml$/, '');
  try {
    // renderMappingDocs names the file relative to the repository, wherever this runs.
    return await renderMappingDocs(mappingFile, path.join(PACKAGE_ROOT, 'fixtures', name));
  } catch (err) {
    if (!(err instanceof DiagnosticsError)) throw err;
    printDiagnostics(err.diagnostics, io);
    return undefined;
  }
}

/**
 * Writes `page` under `root` when it changed; with `check`, writes nothing and says whether the
 * file there is current. Returns false when the page is stale or missing in check mode.
 */
export function syncPage(root: string, page: DocsPageFile, check: boolean, io: Io): boolean {
  const target = path.join(root, page.file);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === page.text) {
    if (!check) io.stderr.write(`udm docs: ${shown(target)} is up to date\n`);
    return true;
  }
  if (check) {
    const why = current === undefined ? 'missing' : 'stale';
    io.stderr.write(`${shown(target)}: ${why}, run \`udm docs\`\n`);
    return false;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, page.text);
  io.stderr.write(`udm docs: wrote ${shown(target)}\n`);
  return true;
}
