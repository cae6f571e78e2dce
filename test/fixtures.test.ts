/**
 * The fixture cases: each input maps to its golden exactly, and to the values a person derived
 * from the spec in case.yaml; the reference interpreter agrees with the compiled mapper.
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GOLDEN_FILE,
  goldenText,
  listCases,
  runCase,
  unmetExpectations,
} from '../parsers/fixtures/cases';
import { compileMappingOrThrow } from '../parsers/mapping/compile';
import { interpret } from '../parsers/mapping/interpret';
import { udmProblems } from './udm-checks';

const compiled = compileMappingOrThrow('mappings/aws_kms.yaml');
const reference = interpret(compiled.plan);
const cases = listCases(path.join(__dirname, '..', 'fixtures', 'aws_kms'));

describe('fixture cases', () => {
  it('has at least 40 of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, fixture) => {
    it('matches its golden (udm test --update rewrites changed ones)', async () => {
      const result = await runCase(fixture, compiled.mapper);
      const golden = readFileSync(path.join(fixture.dir, GOLDEN_FILE), 'utf8');
      expect(goldenText(fixture, result)).toBe(golden);
    });

    it('meets the hand-written expectations of case.yaml', async () => {
      const result = await runCase(fixture, compiled.mapper);
      expect(unmetExpectations(fixture, result)).toEqual([]);
      for (const event of result.events) expect(udmProblems(event)).toEqual([]);
    });

    it('maps the same through the jsonpath-plus reference interpreter', async () => {
      expect(await runCase(fixture, reference)).toEqual(await runCase(fixture, compiled.mapper));
    });
  });
});
