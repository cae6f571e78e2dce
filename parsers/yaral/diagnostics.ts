/**
 * The YARA-L diagnostic catalog. It mirrors `parsers/diagnostics.ts` (same object shape, same
 * builder contract: the severity comes from the catalog, never from the caller) but keeps its own
 * codes so the rule parser can grow without touching the mapping compiler's catalog.
 */

import type { Printable, Severity } from '../diagnostics';

export const YARAL_CODES = {
  yaral_syntax: ['error', 'the rule text does not follow the YARA-L grammar'],
  yaral_lexical: ['error', 'a character, string, comment or regex cannot be read as a token'],
  yaral_nesting: ['error', 'expressions are nested deeper than the parser accepts'],
  yaral_section_order: ['error', 'a section is missing, repeated or out of order'],
  yaral_unsupported: ['warning', 'the construct parses but the engine will not evaluate it'],
  yaral_undeclared_variable: ['error', 'a variable is used but never bound in events or outcome'],
  yaral_keyword_variable: ['error', 'a variable is named after a keyword'],
  yaral_unjoined_event: ['error', 'an event variable is not joined to the others'],
  yaral_match_variable: ['error', 'a match variable is not a placeholder bound in events'],
  yaral_match_in_condition: ['error', 'a match variable is referenced in condition'],
  yaral_window_range: ['error', 'the match window is outside 1m to 48h'],
  yaral_window_bounds: ['error', 'window_start/window_end used in events or without a window'],
  yaral_window_pivot: ['error', 'the sliding window pivot is not an event variable'],
  yaral_outcome_count: ['error', 'more than 20 outcome variables'],
  yaral_outcome_duplicate: ['error', 'an outcome variable is defined twice'],
  yaral_aggregation: ['error', 'an outcome uses a multi-valued value without aggregating it'],
  yaral_if_else: ['error', "an if() returning a non-number lacks its 'else' value"],
  yaral_condition_unbounded: ['error', 'condition has no bounded event term'],
  yaral_condition_not: ['error', "'not' is applied to an event or placeholder term"],
  yaral_condition_or: ['error', "'or' combines an unbounded term"],
  yaral_unreferenced_event: ['error', 'an event variable is not referenced in condition'],
  yaral_unknown_field: ['error', 'the UDM field does not exist or cannot be accessed that way'],
  yaral_nocase_enum: ['error', "'nocase' is applied to an enum comparison"],
  yaral_unknown_enum: ['error', 'an enum field is compared with a value the enum does not have'],
  yaral_type_mismatch: ['error', 'a field is compared with a literal of another type'],
  yaral_quantifier: ['error', "'any'/'all' is combined with something it cannot quantify"],
  yaral_join_arithmetic: ['error', 'a join between event variables uses arithmetic'],
  yaral_literal_comparison: ['error', 'a comparison has a literal on both sides'],
  yaral_list_limit: ['error', 'too many reference-list lookups in one rule'],
  yaral_regex: ['error', 'a regular expression cannot be compiled'],
  yaral_list_cidr: ['error', "a list used with 'in cidr' holds a value that is no CIDR range"],
  yaral_unknown_list: ['error', 'a rule uses a reference list that is not in the lists folder'],
  // The rule↔mapping contract (parsers/rules/contract.ts).
  yaral_contract_field: ['error', 'an events test reads a UDM field the mapping never writes'],
  yaral_contract_value: ['error', 'a rule compares a field with a value the mapping never writes'],
  yaral_contract_context: ['warning', 'an outcome reads a field the mapping never writes'],
  yaral_duplicate_rule: ['error', 'two rules have the same name'],
  yaral_contract_foreign: ['warning', 'a rule outside rules/ breaks the contract with the mapping'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type YaralCode = keyof typeof YARAL_CODES;

/** The project's printable diagnostic shape, with a YARA-L code in place of a mapping code. */
export type YaralDiagnostic = Printable & { code: YaralCode };

/** A position inside a rule file; nodes and tokens carry one, diagnostics add the file. */
export interface Loc {
  line: number;
  column: number;
  /** Exclusive end column on `line`, when the located text is on one line. */
  endColumn?: number;
}

export function yaralDiagnostic(
  code: YaralCode,
  file: string,
  at: Loc,
  message: string,
): YaralDiagnostic {
  const end = at.endColumn !== undefined ? { endColumn: at.endColumn } : {};
  const where = { file, line: at.line, column: at.column, ...end };
  return { ...where, code, severity: YARAL_CODES[code][0], message };
}
