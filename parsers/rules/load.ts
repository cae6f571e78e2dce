/**
 * Loading rule files: every `.yaral` file under the given paths, parsed and checked (syntax,
 * compile-time checks, and the contract with the mapping when one is given).
 */

import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Rule } from '../yaral/ast';
import { checkRule } from '../yaral/check';
import { yaralDiagnostic, type YaralDiagnostic } from '../yaral/diagnostics';
import { compileRule, type EngineOptions, type RuleEvaluator } from '../detect/engine';
import { parseRules } from '../yaral/parser';
import { asForeign, checkContract, type MappingDomain } from './contract';

/** The project's own rules (under rules/), held to the mapping contract in full. */
export function ourRule(file: string): boolean {
  const rulesDir = path.join(__dirname, '..', '..', 'rules');
  return !path.relative(rulesDir, path.resolve(file)).startsWith('..');
}

export interface LoadedRules {
  rules: Rule[];
  /** Diagnostics by file, so the CLI can print each with its excerpt. */
  diagnostics: Map<string, YaralDiagnostic[]>;
}

export { ruleFiles } from './files';

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

export interface PreparedRules extends LoadedRules {
  /** An evaluator for every rule the engine can run, in file order. */
  evaluators: RuleEvaluator[];
  /** Rules that parse but use something the engine does not evaluate: they are not run. */
  notRun: Rule[];
}

/**
 * Everything that stands between rule files and a run: parsing, compile-time checks, the
 * contract with the mapping, the engine's own checks (RE2, lists, unsupported constructs),
 * and one name per rule. Each problem is reported once, whichever stage found it.
 */
export function prepareRules(
  files: string[],
  options: EngineOptions & { domain?: MappingDomain; ours?: (file: string) => boolean },
): PreparedRules {
  const loaded = loadRules(files, options.domain, options.ours);
  const prepared: PreparedRules = { ...loaded, evaluators: [], notRun: [] };
  const seen = new Map<string, Rule>();
  for (const rule of loaded.rules) {
    const found = loaded.diagnostics.get(rule.file)!;
    const first = seen.get(rule.name);
    if (first) {
      const message = `rule ${rule.name} is also defined in ${first.file}:${first.loc.line}`;
      found.push(yaralDiagnostic('yaral_duplicate_rule', rule.file, rule.loc, message));
    }
    seen.set(rule.name, first ?? rule);
    const { evaluator, diagnostics } = compileRule(rule, options);
    found.push(...diagnostics);
    if (evaluator && !first) prepared.evaluators.push(evaluator);
    else if (!first) prepared.notRun.push(rule);
  }
  for (const [file, found] of prepared.diagnostics) prepared.diagnostics.set(file, unique(found));
  return prepared;
}

/** One diagnostic per place and kind: two stages may notice the same construct. */
function unique(found: YaralDiagnostic[]): YaralDiagnostic[] {
  const keys = new Set<string>();
  return found.filter((d) => {
    const key = `${d.line}:${d.column}:${d.code === 'yaral_unsupported' ? '' : d.message}`;
    if (keys.has(key)) return false;
    keys.add(key);
    return true;
  });
}
