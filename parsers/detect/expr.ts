/**
 * The expression evaluator shared by events, outcome and condition. What a field, a variable or a
 * count means depends on the section, so the caller supplies a Scope.
 */

import type { Expr, ExprOf } from '../yaral/ast';
import { compareScalars, scalarOf, truthy } from './compare';
import type { FieldAccess } from './fields';
import { FUNCTIONS, functionName } from './functions';
import { inList } from './lists';
import { regexFind } from './regex';
import type { Scalar, Value } from './types';

export interface Scope {
  /** The field's value in this scope: one value per copy, or every element in outcomes. */
  field(access: FieldAccess): Value;
  /** Every element of the field, for `any`/`all`. */
  all(access: FieldAccess): Scalar[];
  variable(name: string): Value;
  count(name: string): number;
  aggregate(e: ExprOf<'aggregate'>): Value;
}

export interface Env {
  fields: WeakMap<Expr, FieldAccess>;
  lists: Map<string, string[]>;
  now: Date;
}

export function evaluate(e: Expr, scope: Scope, env: Env): Value {
  switch (e.kind) {
    case 'field':
      return scope.field(env.fields.get(e)!);
    case 'variable':
      return scope.variable(e.name);
    case 'count':
      return scope.count(e.name);
    case 'string':
    case 'int':
    case 'float':
    case 'bool':
      return e.value;
    case 'regex':
      return e.pattern;
    case 'duration':
      return e.seconds;
    case 'quantified':
      return quantifiedValues(e, scope, env);
    default:
      return evaluateCompound(e, scope, env);
  }
}

function evaluateCompound(e: Expr, scope: Scope, env: Env): Value {
  switch (e.kind) {
    case 'arith':
      return arith(e, scope, env);
    case 'compare':
      return compare(e, scope, env);
    case 'in_list':
      return inListExpr(e, scope, env);
    case 'call':
      return call(e, scope, env);
    case 'aggregate':
      return scope.aggregate(e);
    case 'if':
      if (truthy(evaluate(e.cond, scope, env))) return evaluate(e.then, scope, env);
      return e.else ? evaluate(e.else, scope, env) : 0;
    case 'and':
      return e.operands.every((o) => truthy(evaluate(o, scope, env)));
    case 'or':
      return e.operands.some((o) => truthy(evaluate(o, scope, env)));
    case 'not':
      return !truthy(evaluate(e.operand, scope, env));
    default:
      throw new Error(`cannot evaluate ${e.kind}`);
  }
}

function quantifiedValues(e: ExprOf<'quantified'>, scope: Scope, env: Env): Scalar[] {
  const operand = e.operand;
  if (operand.kind === 'field') return scope.all(env.fields.get(operand)!);
  const v = evaluate(operand, scope, env);
  return Array.isArray(v) ? v : [v];
}

function arith(e: ExprOf<'arith'>, scope: Scope, env: Env): number {
  const a = Number(scalarOf(evaluate(e.left, scope, env))) || 0;
  const b = Number(scalarOf(evaluate(e.right, scope, env))) || 0;
  switch (e.op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? 0 : a / b;
    default:
      return b === 0 ? 0 : a % b;
  }
}

function enumOf(e: Expr, env: Env): string[] | undefined {
  return e.kind === 'field' ? env.fields.get(e)?.enumValues : undefined;
}

/** A quantified side is tested element by element; `all` over the zero value alone when empty. */
function compare(e: ExprOf<'compare'>, scope: Scope, env: Env): boolean {
  const { left, right } = e;
  const quant = left.kind === 'quantified' ? left : right.kind === 'quantified' ? right : undefined;
  const test = (l: Scalar, r: Scalar): boolean => {
    if (right.kind === 'regex' || left.kind === 'regex') {
      const [text, pattern] = right.kind === 'regex' ? [l, r] : [r, l];
      const hit = regexFind(String(text), String(pattern), e.nocase);
      return e.op === '!=' ? !hit : hit;
    }
    return compareScalars(l, e.op, r, e.nocase, enumOf(left, env) ?? enumOf(right, env));
  };
  if (!quant) {
    return test(scalarOf(evaluate(left, scope, env)), scalarOf(evaluate(right, scope, env)));
  }
  const values = quantifiedValues(quant, scope, env);
  const other = scalarOf(evaluate(quant === left ? right : left, scope, env));
  const one = (v: Scalar) => (quant === left ? test(v, other) : test(other, v));
  return quant.quantifier === 'any' ? values.some(one) : values.every(one);
}

function inListExpr(e: ExprOf<'in_list'>, scope: Scope, env: Env): boolean {
  const values = env.lists.get(e.list) ?? [];
  return inList(String(scalarOf(evaluate(e.operand, scope, env))), values, e.listKind, e.nocase);
}

/** A quantified argument runs the function once per element and combines with any/all. */
function call(e: ExprOf<'call'>, scope: Scope, env: Env): Value {
  const fn = FUNCTIONS[functionName(e.namespace, e.name)];
  const callEnv = { nocase: e.nocase, now: env.now };
  const qi = e.args.findIndex((a) => a.kind === 'quantified');
  const args = e.args.map((a, i) => (i === qi ? [] : evaluate(a, scope, env)));
  if (qi < 0) return fn(args, callEnv);
  const q = e.args[qi] as ExprOf<'quantified'>;
  const results = quantifiedValues(q, scope, env).map((v) => {
    const withV = args.map((a, i) => (i === qi ? v : a));
    return truthy(fn(withV, callEnv));
  });
  return q.quantifier === 'any' ? results.some(Boolean) : results.every(Boolean);
}
