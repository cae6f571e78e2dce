/**
 * Rewrites the golden (expected.json) of every fixture case whose output changed, and lists
 * them. Review each listed diff against the case's case.yaml and the spec before committing.
 * Usage: npm run goldens [-- FILTER]
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { GOLDEN_FILE, goldenText, listCases, runCase } from '../parsers/fixtures/cases';
import { compileMappingOrThrow } from '../parsers/mapping/compile';

async function main(filter = ''): Promise<void> {
  const mapper = compileMappingOrThrow('mappings/aws_kms.yaml').mapper;
  let changed = 0;
  for (const fixture of listCases('fixtures/aws_kms')) {
    if (!fixture.name.includes(filter)) continue;
    const file = path.join(fixture.dir, GOLDEN_FILE);
    const text = goldenText(fixture, await runCase(fixture, mapper));
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
    writeFileSync(file, text);
    changed++;
    console.log(`updated ${file}`);
  }
  console.log(`${changed} golden(s) changed`);
}

void main(process.argv[2]);
