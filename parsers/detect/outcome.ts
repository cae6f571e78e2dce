/** Outcome aggregations (§5, §11.2 step 7) over the tuples of one detection. */

import type { Expr, ExprOf, Outcome } from '../yaral/ast';
import { sortScalars } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { readAll, readValues, zeroValue } from './fields';
import type { Tuple } from './tuples';
import type { Scalar, Value } from './types';

/** Production keeps 25 random elements; we sort and keep the first 25 so tests are stable. */
export const ARRAY_CAP = 25;
/** §5: the risk score of an alerting rule without `$risk_score`. */
export const DEFAULT_RISK_SCORE = 40;

/** In outcomes a field is every element of the event: repeated fields are multi-valued. */
function outcomeScope(
  t: Tuple | undefined,
  values: Record<string, Value>,
  agg: Scope['aggregate'],
) {
  const scope: Scope = {
    field: (access) => {
      const m = t?.members.get(access.variable);
      return m ? readValues(m.cand.event, access) : [];
    },
    all: (access) => {
      const m = t?.members.get(access.variable);
      return m ? readAll(m.cand.event, access) : [zeroValue(access)];
    },
    variable: (name) => (name in values ? values[name] : (t?.placeholders[name] ?? '')),
    count: () => 0,
    aggregate: agg,
  };
  return scope;
}

function numbers(values: Scalar[]): number[] {
  return values.map(Number).filter((n) => !Number.isNaN(n));
}

function aggregateValues(fn: ExprOf<'aggregate'>['fn'], values: Scalar[]): Value {
  const distinct = () => [...new Map(values.map((v) => [`${typeof v}:${v}`, v])).values()];
  switch (fn) {
    case 'max':
      return values.length ? Math.max(...numbers(values)) : 0;
    case 'min':
      return values.length ? Math.min(...numbers(values)) : 0;
    case 'sum':
      return numbers(values).reduce((a, b) => a + b, 0);
    case 'count':
      return values.length;
    case 'count_distinct':
      return distinct().length;
    case 'array':
      return sortScalars(values).slice(0, ARRAY_CAP);
    default:
      return sortScalars(distinct()).slice(0, ARRAY_CAP);
  }
}

/** A non-aggregated outcome of a single event: one value stays a scalar. */
function finalValue(expr: Expr, v: Value, env: Env): Value {
  if (expr.kind === 'aggregate' || !Array.isArray(v) || v.length > 1) return v;
  if (v.length === 1) return v[0];
  const access = expr.kind === 'field' ? env.fields.get(expr) : undefined;
  return access ? zeroValue(access) : '';
}

export function computeOutcomes(
  outcomes: Outcome[],
  tuples: Tuple[],
  env: Env,
): Record<string, Value> {
  const values: Record<string, Value> = {};
  const aggregate = (e: ExprOf<'aggregate'>): Value => {
    const collected = tuples.flatMap((t) => {
      const v = evaluate(e.arg, outcomeScope(t, values, aggregate), env);
      return Array.isArray(v) ? v : [v];
    });
    return aggregateValues(e.fn, collected);
  };
  for (const o of outcomes) {
    const v = evaluate(o.expr, outcomeScope(tuples[0], values, aggregate), env);
    values[o.name] = finalValue(o.expr, v, env);
  }
  if (!('risk_score' in values)) values.risk_score = DEFAULT_RISK_SCORE;
  return values;
}
