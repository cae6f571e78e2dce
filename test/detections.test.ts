/**
 * Every detection case: the case's raw records go through the mapping, the named rule runs over
 * the events, and the detections must be the ones a person derived by hand in case.yaml.
 */

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule, detect, loadReferenceLists } from '../parsers/detect/engine';
import { listDetectionCases, unmetDetections } from '../parsers/rules/cases';
import { loadRules, ruleFiles } from '../parsers/rules/load';
import { mappedEvents } from './detect/helpers';
import { udmProblems } from './udm-checks';

const ROOT = path.join(__dirname, '..');
const lists = loadReferenceLists(path.join(ROOT, 'rules', 'lists'));
const { rules } = loadRules(ruleFiles([path.join(ROOT, 'rules', 'aws_kms')]));
const cases = listDetectionCases(path.join(ROOT, 'fixtures', 'detections'));

describe('detection cases', () => {
  it('give every rule at least one positive and one negative case', () => {
    for (const rule of rules) {
      const own = cases.filter((c) => c.rule === rule.name);
      expect(
        own.some((c) => c.expect.detections > 0),
        rule.name,
      ).toBe(true);
      expect(
        own.some((c) => c.expect.detections === 0),
        rule.name,
      ).toBe(true);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, fixture) => {
    const rule = rules.find((r) => r.name === fixture.rule);
    expect(rule, `rule ${fixture.rule}`).toBeDefined();
    const { evaluator, diagnostics } = compileRule(rule!, { lists });
    expect(diagnostics).toEqual([]);
    const events = await mappedEvents(path.join(fixture.dir, 'input.ndjson'));
    for (const event of events) expect(udmProblems(event)).toEqual([]);
    expect(unmetDetections(fixture.expect, detect([evaluator!], events))).toEqual([]);
  });
});
