import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRule } from '../../parsers/yaral/check';
import { parseRules } from '../../parsers/yaral/parser';

const DATA = path.join(__dirname, 'data');
const COMMUNITY = path.join(DATA, 'community');
const files = [
  path.join(DATA, 'aws_kms_key_disabled_or_scheduled_for_deletion.yaral'),
  ...fs
    .readdirSync(COMMUNITY)
    .filter((f) => f.endsWith('.yaral'))
    .sort()
    .map((f) => path.join(COMMUNITY, f)),
];

describe('community rules from chronicle/detection-rules', () => {
  it('has a corpus to check, each file listed in SOURCES.md', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    const sources = fs.readFileSync(path.join(COMMUNITY, 'SOURCES.md'), 'utf8');
    for (const f of files.slice(1)) expect(sources).toContain(path.basename(f));
  });

  it.each(files.map((f) => [path.basename(f), f]))(
    '%s parses and checks without errors',
    (name, file) => {
      const text = fs.readFileSync(file, 'utf8');
      const parsed = parseRules(text, name);
      expect(parsed.diagnostics).toEqual([]);
      expect(parsed.rules).toHaveLength(1);
      const rule = parsed.rules[0];
      // Community style: the file name is the rule name.
      expect(`${rule.name}.yaral`).toBe(name);
      const errors = checkRule(rule, name).filter((d) => d.severity === 'error');
      expect(errors).toEqual([]);
    },
  );
});
