/**
 * Loading rule files: every `.yaral` file under the given paths, parsed and checked (syntax,
 * compile-time checks, and the contract with the mapping when one is given).
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../yaral/ast';
import { checkRule } from '../yaral/check';
import type { YaralDiagnostic } from '../yaral/diagnostics';
import { parseRules } from '../yaral/parser';
import { asForeign, checkContract, type MappingDomain } from './contract';

export interface LoadedRules {
  rules: Rule[];
  /** Diagnostics by file, so the CLI can print each with its excerpt. */
  diagnostics: Map<string, YaralDiagnostic[]>;
}

/** The `.yaral` files under each path (a file, or a directory walked in sorted order). */
export function ruleFiles(paths: string[]): string[] {
  return paths.flatMap((given) => {
    if (!statSync(given).isDirectory()) return [given];
    return readdirSync(given, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.yaral'))
      .sort()
      .map((name) => path.join(given, name));
  });
}

/**
 * `ours` says which files are the project's own rules, held to the mapping contract; for the
 * others a broken contract is a warning.
 */
export function loadRules(
  files: string[],
  domain?: MappingDomain,
  ours: (file: string) => boolean = () => true,
): LoadedRules {
  const loaded: LoadedRules = { rules: [], diagnostics: new Map() };
  for (const file of files) {
    const { rules, diagnostics } = parseRules(readFileSync(file, 'utf8'), file);
    const contract = (rule: Rule) => {
      if (!domain) return [];
      const found = checkContract(rule, domain);
      return ours(file) ? found : asForeign(found);
    };
    const checks = rules.flatMap((rule) => [...checkRule(rule, file), ...contract(rule)]);
    loaded.rules.push(...rules);
    loaded.diagnostics.set(file, [...diagnostics, ...checks]);
  }
  return loaded;
}
