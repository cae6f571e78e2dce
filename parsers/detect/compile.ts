/**
 * Compile-time checks of the engine: constructs it cannot evaluate are reported as `unsupported`
 * (§11.1), fields are resolved against the UDM schema and regexes against RE2.
 */

import { type Expr, type ExprOf, type Rule, walk } from '../yaral/ast';
import { type YaralCode, yaralDiagnostic } from '../yaral/diagnostics';
import { compileField, type FieldAccess } from './fields';
import { FUNCTIONS, functionName, PATTERN_ARG, validTimeZone, ZONE_FUNCTIONS } from './functions';
import { re2Error, re2Refusal } from '../yaral/re2';
import { isCidr } from './lists';
import type { EngineDiagnostic } from './types';

const KNOWN_OPTIONS = new Set(['allow_zero_values']);
const RESERVED = new Set(['window_start', 'window_end']);

export interface Checked {
  fields: WeakMap<Expr, FieldAccess>;
  /** The same accesses as a list: every field the rule reads. */
  accesses: FieldAccess[];
  diagnostics: EngineDiagnostic[];
}

function allExpressions(rule: Rule): Expr[] {
  const roots = [
    ...rule.events,
    ...rule.outcome.map((o) => o.expr),
    ...(rule.condition ? [rule.condition] : []),
    ...rule.options.map((o) => o.value),
  ];
  return roots.flatMap((r) => walk(r));
}

export function checkForEngine(rule: Rule, lists: Map<string, string[]>): Checked {
  const diagnostics: EngineDiagnostic[] = [];
  const report = (code: YaralCode, at: { loc: Rule['loc'] }, message: string) =>
    diagnostics.push(yaralDiagnostic(code, rule.file, at.loc, message));
  const unsupported = (at: { loc: Rule['loc'] }, what: string) =>
    report('yaral_unsupported', at, `the engine does not evaluate ${what}`);
  checkSections(rule, unsupported);
  const fields = new WeakMap<Expr, FieldAccess>();
  const accesses: FieldAccess[] = [];
  for (const e of allExpressions(rule)) {
    checkNode(e, lists, unsupported, report);
    if (e.kind !== 'field') continue;
    const head = e.path[0];
    if (head?.kind === 'name' && (head.name === 'graph' || head.name === 'detection')) {
      unsupported(e, `'${head.name}' variables (line ${e.loc.line})`);
      continue;
    }
    const access = compileField(e);
    if (typeof access === 'string') report('yaral_unknown_field', e, access);
    else {
      fields.set(e, access);
      accesses.push(access);
    }
  }
  return { fields, accesses, diagnostics };
}

type Unsupported = (at: { loc: Rule['loc'] }, what: string) => void;
type Report = (code: YaralCode, at: { loc: Rule['loc'] }, message: string) => void;

function checkSections(rule: Rule, unsupported: Unsupported): void {
  if (!rule.condition) unsupported(rule, 'a rule without condition');
  const w = rule.match?.window;
  if (w?.kind === 'by') unsupported(w, `tumbling windows ('by', line ${w.loc.line})`);
  for (const o of rule.options) {
    if (!KNOWN_OPTIONS.has(o.key)) unsupported(o, `option '${o.key}' (line ${o.loc.line})`);
  }
  const names = new Set(
    rule.events.flatMap((p) => walk(p)).flatMap((n) => (n.kind === 'field' ? [n.variable] : [])),
  );
  if (names.size > 1 && !rule.match) {
    unsupported(rule, `several event variables without a match section (line ${rule.loc.line})`);
  }
  if (w?.pivot && !names.has(w.pivot)) unsupported(w, `a pivot that is not an event variable`);
}

function checkNode(
  e: Expr,
  lists: Map<string, string[]>,
  unsupported: Unsupported,
  report: Report,
) {
  const where = `(line ${e.loc.line})`;
  if (e.kind === 'variable' && RESERVED.has(e.name)) unsupported(e, `'$${e.name}' ${where}`);
  if (e.kind === 'regex') checkRegex(e.pattern, e, report);
  if (e.kind === 'call') {
    const name = functionName(e.namespace, e.name);
    if (!FUNCTIONS[name]) unsupported(e, `function '${name}' ${where}`);
    const at = PATTERN_ARG[name];
    const pattern = at === undefined ? undefined : e.args[at];
    if (pattern?.kind === 'string') checkRegex(pattern.value, pattern, report);
    const zone = ZONE_FUNCTIONS.has(name) ? e.args[1] : undefined;
    if (zone?.kind === 'string' && !validTimeZone(zone.value)) {
      unsupported(zone, `time zone '${zone.value}' ${where}`);
    }
  }
  if (e.kind === 'in_list') {
    const values = lists.get(e.list);
    // A misspelt or missing list would leave its rule out of the run: that is an error.
    const missing = `no reference list '%${e.list}' in the lists folder ${where}`;
    if (!values) report('yaral_unknown_list', e, missing);
    else if (e.listKind === 'regex') values.forEach((p) => checkRegex(p, e, report));
    else if (e.listKind === 'cidr') values.forEach((v) => checkCidr(v, e, report));
  }
}

/** A value that is no range would never match, silently: `10.0.0.0/8 // office` is one. */
function checkCidr(value: string, at: ExprOf<'in_list'>, report: Report) {
  if (isCidr(value)) return;
  report('yaral_list_cidr', at, `reference list '%${at.list}' holds '${value}', no CIDR range`);
}

function checkRegex(pattern: string, at: { loc: Rule['loc'] }, report: Report) {
  const error = re2Error(pattern);
  if (error) report('yaral_regex', at, re2Refusal(pattern, error));
}
