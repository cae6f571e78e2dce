/** The rules against the mapping: every field they read is written, every literal possible. */

import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileMappingOrThrow } from '../../parsers/mapping/compile';
import { checkContract, mappingDomain } from '../../parsers/rules/contract';
import { loadRules, ruleFiles } from '../../parsers/rules/load';
import { parseRules } from '../../parsers/yaral/parser';

const ROOT = path.join(__dirname, '..', '..');
const domain = mappingDomain(compileMappingOrThrow('mappings/aws_kms.yaml').plan);

describe('the rule↔mapping contract', () => {
  const files = ruleFiles([path.join(ROOT, 'rules', 'aws_kms')]);

  it('covers the fourteen KMS rules, one per file, named after the file', () => {
    const { rules } = loadRules(files, domain);
    expect(rules).toHaveLength(14);
    for (const rule of rules) expect(path.basename(rule.file, '.yaral')).toBe(rule.name);
  });

  it.each(files.map((f) => [path.basename(f), f]))(
    '%s: parses and meets the contract',
    (_, file) => {
      const { diagnostics } = loadRules([file], domain);
      expect(diagnostics.get(file)!.filter((d) => d.severity === 'error')).toEqual([]);
    },
  );

  it('takes labels and detection fields the mapping writes, by key and element by element', () => {
    const text = [
      'rule labels {',
      '  meta:',
      '    author = "test"',
      '  events:',
      '    $e.principal.user.attribute.labels["mfaAuthenticated"] = "false"',
      '    $e.principal.user.attribute.labels.value = "false"',
      '    $e.security_result.detection_fields["encryptionAlgorithm"] != ""',
      '    $e.security_result.detection_fields["noSuchKey"] != ""',
      '  condition:',
      '    $e',
      '}',
    ].join('\n');
    const { rules } = parseRules(text, 'labels.yaral');
    const found = checkContract(rules[0], domain).map((d) => [d.line, d.message]);
    expect(found).toEqual([
      [8, 'the mapping never writes security_result.detection_fields.noSuchKey'],
    ]);
  });

  it('reports a field and a literal the mapping never writes, at their lines', () => {
    const text = [
      'rule probe {',
      '  meta:',
      '    author = "test"',
      '  events:',
      '    $kms.metadata.product_event_type = "DisableKeyy"',
      '    $kms.security_result.action = "ALLOW"',
      '    $kms.target.resource.attribute.labels["alias"] = "x"',
      '    $kms.metadata.event_type = "USER_RESOURCE_DELETION"',
      '    $kms.metadata.product_event_type = /^(List|Describe)/',
      '  condition:',
      '    $kms',
      '}',
    ].join('\n');
    const [rule] = parseRules(text, 'probe.yaral').rules;
    const found = checkContract(rule, domain).map((d) => [d.code, d.line, d.column]);
    expect(found).toEqual([
      ['yaral_contract_value', 5, 40],
      ['yaral_contract_field', 7, 5],
      ['yaral_contract_value', 8, 32],
    ]);
  });

  it('knows the closed sets: event types, actions and KMS event names', () => {
    expect([...domain.values.get('security_result.action')!].sort()).toEqual(['ALLOW', 'BLOCK']);
    expect(domain.values.get('metadata.event_type')).toContain('USER_RESOURCE_ACCESS');
    expect(domain.values.get('metadata.product_event_type')).toContain('DeleteImportedKeyMaterial');
    expect(domain.fields).toContain('additional.fields.pendingWindowInDays');
    expect(domain.fields).toContain('about.resource.id');
  });
});
