/**
 * The contract between rules and the mapping: every UDM field a rule reads is one the mapping
 * writes, and every literal a rule compares with a field the mapping fills from a closed set
 * (constants, value tables, source paths with known values) is in that set. A rule that breaks
 * it can never fire on this mapping's events, so it is reported with the rule's line.
 */

import { RE2JS } from 're2js';
import type { Plan, PlannedRow } from '../mapping/resolve';
import { allRows } from '../mapping/rows';
import { walk, type Expr, type ExprOf, type Rule } from '../yaral/ast';
import { yaralDiagnostic, type YaralDiagnostic } from '../yaral/diagnostics';

export interface MappingDomain {
  /** UDM paths the mapping writes, snake_case, no indexes: `additional.fields.policy`. */
  fields: Set<string>;
  /** Closed value sets by UDM path. */
  values: Map<string, Set<string>>;
}

/** What the mapping can write, worked out from its plan. */
export function mappingDomain(plan: Plan): MappingDomain {
  const fields = new Set<string>();
  const values = new Map<string, Set<string>>();
  const visit = (rows: PlannedRow[], prefix: string) => {
    for (const row of rows) {
      const path = prefix + writtenPath(row);
      if (row.kind === 'for_each') visit(row.children, `${path}.`);
      else fields.add(path);
      // A label is read by its key (`labels["k"]`) or element by element (`labels.value`).
      if (row.out.write.mode === 'label') {
        for (const part of ['key', 'value']) fields.add(`${prefix}${row.target}.${part}`);
      }
      const closed = closedValues(plan, row);
      if (!closed) continue;
      const set = values.get(path) ?? new Set<string>();
      for (const value of closed) set.add(value);
      values.set(path, set);
    }
  };
  visit(plan.rows, '');
  // A path also written by a row with an open set of values is open.
  for (const row of allRows(plan.rows)) {
    if (!closedValues(plan, row)) values.delete(writtenPath(row));
  }
  return { fields, values };
}

/** The path a rule reads a row's value at: a Struct entry and a label by their keys. */
function writtenPath(row: PlannedRow): string {
  const { write } = row.out;
  return write.mode === 'struct' || write.mode === 'label'
    ? `${row.target}.${write.key}`
    : row.target;
}

/** The values a row can write, when they are a closed set; undefined when open. */
function closedValues(plan: Plan, row: PlannedRow): string[] | undefined {
  switch (row.kind) {
    case 'constant':
      return [row.value];
    case 'table':
      return row.fallback === undefined
        ? undefined
        : [...row.table.map(([, v]) => v), row.fallback];
    case 'copy': {
      if (row.transform) return undefined;
      const sets = row.source.map((source) => plan.mapping.knownValues.get(source));
      return sets.every((set) => set !== undefined) ? (sets.flat() as string[]) : undefined;
    }
    default:
      return undefined;
  }
}

/** The UDM path a rule field reads, in the domain's form; `.seconds` of a timestamp dropped. */
export function fieldPath(field: ExprOf<'field'>): string {
  const names = field.path.flatMap((step) =>
    step.kind === 'name' ? [step.name] : step.kind === 'key' ? [step.key] : [],
  );
  const path = names.join('.');
  return path.replace(/\.(seconds|nanos)$/, '');
}

/**
 * A field the mapping never writes is an error in `events` (the test can never hold as meant)
 * and a warning in `outcome` (the context stays empty).
 */
export function checkContract(rule: Rule, domain: MappingDomain): YaralDiagnostic[] {
  const out: YaralDiagnostic[] = [];
  const sections: [Expr[], 'yaral_contract_field' | 'yaral_contract_context'][] = [
    [rule.events, 'yaral_contract_field'],
    [rule.outcome.map((o) => o.expr), 'yaral_contract_context'],
  ];
  for (const [exprs, code] of sections) {
    for (const expr of exprs.flatMap(walk)) {
      if (expr.kind === 'field' && !domain.fields.has(fieldPath(expr))) {
        const message = `the mapping never writes ${fieldPath(expr)}`;
        out.push(yaralDiagnostic(code, rule.file, expr.loc, message));
      }
      if (expr.kind === 'compare') out.push(...checkLiteral(rule, expr, domain));
    }
  }
  return out;
}

/**
 * A rule that is not ours (a community rule written for AWS_CLOUDTRAIL, say) is still checked
 * against this mapping, but its contract errors are warnings: it parses, it just would not fire.
 */
export function asForeign(diagnostics: YaralDiagnostic[]): YaralDiagnostic[] {
  return diagnostics.map((d) =>
    d.code === 'yaral_contract_field' || d.code === 'yaral_contract_value'
      ? { ...d, code: 'yaral_contract_foreign', severity: 'warning' }
      : d,
  );
}

/** A literal compared with a closed-set field must be one of its values (a regex, match one). */
function checkLiteral(rule: Rule, compare: ExprOf<'compare'>, domain: MappingDomain) {
  const sides: [Expr, Expr][] = [
    [compare.left, compare.right],
    [compare.right, compare.left],
  ];
  const out: YaralDiagnostic[] = [];
  for (const [field, literal] of sides) {
    if (field.kind !== 'field' || (compare.op !== '=' && compare.op !== '!=')) continue;
    const values = domain.values.get(fieldPath(field));
    if (!values || inSet(literal, values, compare.nocase)) continue;
    const shown =
      literal.kind === 'regex' ? `/${literal.pattern}/` : JSON.stringify(literalText(literal));
    const message =
      `${shown} is never a value of ${fieldPath(field)} in this mapping ` +
      `(its values: ${[...values].slice(0, 8).join(', ')}${values.size > 8 ? ', …' : ''})`;
    out.push(yaralDiagnostic('yaral_contract_value', rule.file, literal.loc, message));
  }
  return out;
}

function literalText(literal: Expr): string | undefined {
  return literal.kind === 'string' ? literal.value : undefined;
}

function inSet(literal: Expr, values: Set<string>, nocase: boolean): boolean {
  if (literal.kind === 'string') {
    if (!nocase) return values.has(literal.value);
    return [...values].some((v) => v.toLowerCase() === literal.value.toLowerCase());
  }
  if (literal.kind === 'regex') {
    const pattern = re2(literal.pattern, nocase);
    return pattern === undefined || [...values].some((v) => pattern.matcher(v).find());
  }
  return true; // not a literal: nothing to check statically
}

/** RE2 semantics, as the engine matches; a pattern RE2 refuses is the parser's to report. */
function re2(pattern: string, nocase: boolean): RE2JS | undefined {
  try {
    return RE2JS.compile(pattern, nocase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch {
    return undefined;
  }
}
