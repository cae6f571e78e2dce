import { checkRule } from '../../parsers/yaral/check';
import type { YaralDiagnostic } from '../../parsers/yaral/diagnostics';
import { parseRules } from '../../parsers/yaral/parser';

/**
 * A rule with `events` lines starting on line 5, column 5, and the given later sections
 * (already indented as the caller wants). Keeps test expectations about lines predictable.
 */
export function ruleText(events: string[], rest = 'condition:\n    $e'): string {
  const body = events.map((l) => `    ${l}`).join('\n');
  return `rule t {\n  meta:\n    author = "tests"\n  events:\n${body}\n  ${rest}\n}\n`;
}

/** Parse and check; returns every diagnostic. */
export function diagnose(text: string): YaralDiagnostic[] {
  const parsed = parseRules(text, 't.yaral');
  return [...parsed.diagnostics, ...parsed.rules.flatMap((r) => checkRule(r, 't.yaral'))];
}

export const at = (d: YaralDiagnostic) => `${d.code}@${d.line}:${d.column}`;
