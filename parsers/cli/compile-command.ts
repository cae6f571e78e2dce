/**
 * `udm compile`: writes each mapping's generated module to parsers/generated/, formatted by
 * Prettier so a changed row shows as a small diff. `--check` writes nothing and fails when a
 * committed module differs from what the YAML compiles to now.
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { generatedFileName } from '../mapping/compile';
import type { Io } from './io';
import { loadMapper, PACKAGE_ROOT, shown } from './mapper';

export async function generatedSource(source: string): Promise<string> {
  const config = (await resolveConfig(path.join(PACKAGE_ROOT, 'package.json'))) ?? {};
  return format(source, { ...config, parser: 'babel' });
}

/** Exit 0 when all is current, 1 when a module is stale, 2 when a mapping does not compile. */
export async function runCompile(files: string[], check: boolean, io: Io): Promise<number> {
  let [failed, broken] = [false, false];
  for (const file of files) {
    const compiled = loadMapper(file, io, 'package');
    if (!compiled) {
      broken = true;
      continue;
    }
    const target = path.join(PACKAGE_ROOT, generatedFileName(file));
    const text = await generatedSource(compiled.source);
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (check) {
      if (current === text) continue;
      failed = true;
      io.stderr.write(`${shown(target)}: stale, run \`udm compile\` (compiled from ${file})\n`);
    } else if (current !== text) {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
      io.stderr.write(`udm compile: wrote ${shown(target)} from ${file}\n`);
    }
  }
  return broken ? 2 : failed ? 1 : 0;
}
