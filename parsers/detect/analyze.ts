/**
 * Static analysis of a parsed rule for the engine: which predicates filter one event variable,
 * which bind placeholders, which need a tuple, and which variables are bounded (§6).
 */

import { children, type Expr, type ExprOf, type Rule, walk } from '../yaral/ast';
import type { FieldAccess, Segment } from './fields';
import { expansionPrefixes } from './fields';

/** `$ph = <expr over one event variable>`: evaluated per copy, the value becomes the binding. */
export interface Binding {
  placeholder: string;
  value: Expr;
  /** Zero value of the bound field, for dropping zero match values; absent for functions. */
  fromField?: FieldAccess;
}

export interface VariablePlan {
  name: string;
  /** Filters that read no expanded repeated field: the same for every copy of an event. */
  eventFilters: Expr[];
  /** Filters evaluated per copy. */
  filters: Expr[];
  bindings: Binding[];
  /** Repeated steps expanded into copies (§3.6). */
  prefixes: Segment[][];
  /** Copy entries that tuple predicates read; rows differing only elsewhere are merged. */
  tuplePrefixes: string[];
}

export interface TuplePredicate {
  expr: Expr;
  variables: string[];
  placeholders: string[];
}

export interface Plan {
  variables: VariablePlan[];
  tuplePredicates: TuplePredicate[];
  /** Variables allowed to be absent: only unbounded condition terms or `or` name them. */
  optional: Set<string>;
  placeholders: Set<string>;
}

function refs(e: Expr, eventVars: Set<string>): { variables: string[]; placeholders: string[] } {
  const variables = new Set<string>();
  const placeholders = new Set<string>();
  for (const node of walk(e)) {
    if (node.kind === 'field') variables.add(node.variable);
    if (node.kind === 'variable') {
      (eventVars.has(node.name) ? variables : placeholders).add(node.name);
    }
  }
  return { variables: [...variables], placeholders: [...placeholders] };
}

/** Event variables in order of first appearance in `events`. */
export function eventVariables(rule: Rule): string[] {
  const names = new Set<string>();
  for (const p of rule.events) {
    for (const node of walk(p)) if (node.kind === 'field') names.add(node.variable);
  }
  return [...names];
}

function asBinding(p: Expr, eventVars: Set<string>, fields: WeakMap<Expr, FieldAccess>) {
  if (p.kind !== 'compare' || p.op !== '=') return undefined;
  const isPh = (e: Expr) => e.kind === 'variable' && !eventVars.has(e.name);
  const [ph, value] = isPh(p.right) ? [p.right, p.left] : isPh(p.left) ? [p.left, p.right] : [];
  if (!ph || !value || isPh(value)) return undefined;
  const r = refs(value, eventVars);
  if (r.variables.length !== 1 || r.placeholders.length) return undefined;
  if (walk(value).some((n) => n.kind === 'quantified')) return undefined;
  const fromField = value.kind === 'field' ? fields.get(value) : undefined;
  const binding: Binding = { placeholder: (ph as ExprOf<'variable'>).name, value, fromField };
  return { variable: r.variables[0], binding };
}

/** Field accesses outside `any`/`all`: those are read per copy. */
function copyFields(e: Expr, fields: WeakMap<Expr, FieldAccess>): FieldAccess[] {
  const out: FieldAccess[] = [];
  const stack = [e];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.kind === 'quantified') continue;
    if (node.kind === 'field') out.push(fields.get(node)!);
    stack.push(...children(node));
  }
  return out;
}

export function planRule(rule: Rule, fields: WeakMap<Expr, FieldAccess>): Plan {
  const names = eventVariables(rule);
  const eventVars = new Set(names);
  const plans = new Map<string, VariablePlan>();
  for (const name of names) {
    const empty = { eventFilters: [], filters: [], bindings: [], prefixes: [], tuplePrefixes: [] };
    plans.set(name, { name, ...empty });
  }
  const tuplePredicates: TuplePredicate[] = [];
  const placeholders = new Set<string>();
  for (const p of rule.events) {
    const bound = asBinding(p, eventVars, fields);
    const r = refs(p, eventVars);
    r.placeholders.forEach((ph) => placeholders.add(ph));
    if (bound) plans.get(bound.variable)!.bindings.push(bound.binding);
    else if (r.variables.length === 1 && !r.placeholders.length) {
      const plan = plans.get(r.variables[0])!;
      const expands = expansionPrefixes(copyFields(p, fields)).length > 0;
      (expands ? plan.filters : plan.eventFilters).push(p);
    } else tuplePredicates.push({ expr: p, ...r });
  }
  for (const plan of plans.values()) {
    const own = rule.events.flatMap((p) => copyFields(p, fields));
    const mine = own.filter((a) => a.variable === plan.name);
    plan.prefixes = expansionPrefixes(mine);
    const inTuples = tuplePredicates.flatMap((t) => copyFields(t.expr, fields));
    plan.tuplePrefixes = expansionPrefixes(inTuples.filter((a) => a.variable === plan.name)).map(
      (segs) => segs[segs.length - 1].prefix,
    );
  }
  const optional = unboundedVariables(rule.condition, eventVars);
  return { variables: [...plans.values()], tuplePredicates, optional, placeholders };
}

/**
 * Event variables that may be absent from a tuple: those that occur in condition only as `!$e`,
 * `#e = 0`, `#e < n` and the like, or only under an `or` (`$a or $b`: either alone can fire).
 */
function unboundedVariables(condition: Expr | undefined, eventVars: Set<string>): Set<string> {
  const bounded = new Set<string>();
  const optional = new Set<string>();
  const visit = (e: Expr, negated: boolean, inOr: boolean) => {
    const mark = (name: string, isBounded: boolean) =>
      (isBounded && !negated && !inOr ? bounded : optional).add(name);
    if (e.kind === 'variable' && eventVars.has(e.name)) mark(e.name, true);
    else if (e.kind === 'not') visit(e.operand, !negated, inOr);
    else if (e.kind === 'compare' && e.left.kind === 'count' && eventVars.has(e.left.name)) {
      const n = e.right.kind === 'int' ? e.right.value : 0;
      mark(e.left.name, (e.op === '>' && n >= 0) || (e.op === '>=' && n > 0));
    } else if (e.kind === 'and') e.operands.forEach((o) => visit(o, negated, inOr));
    else if (e.kind === 'or') e.operands.forEach((o) => visit(o, negated, true));
  };
  if (condition) visit(condition, false, false);
  return new Set([...optional].filter((v) => !bounded.has(v)));
}
