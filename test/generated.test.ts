/**
 * The committed generated mapper is what the YAML compiles to now, and it maps exactly as the
 * in-memory compilation does.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSource } from '../parsers/cli/compile-command';
import { listCases, runCase } from '../parsers/fixtures/cases';
import { compileMappingOrThrow, generatedFileName, instantiate } from '../parsers/mapping/compile';

const MAPPING = 'mappings/aws_kms.yaml';
const FILE = path.join(__dirname, '..', generatedFileName(MAPPING));

describe(`${generatedFileName(MAPPING)}`, () => {
  const compiled = compileMappingOrThrow(MAPPING);

  it('is current (run `npm run compile` after changing the YAML)', async () => {
    expect(readFileSync(FILE, 'utf8')).toBe(await generatedSource(compiled.source));
  });

  it('maps every fixture exactly as the in-memory mapper does', async () => {
    const committed = instantiate(readFileSync(FILE, 'utf8'), FILE);
    for (const fixture of listCases(path.join(__dirname, '..', 'fixtures', 'aws_kms'))) {
      expect(await runCase(fixture, committed)).toEqual(await runCase(fixture, compiled.mapper));
    }
  });
});
