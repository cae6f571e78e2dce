/** Outcome aggregations (§5, §11.2 step 7) over the tuples of one detection. */

import type { Expr, ExprOf, Outcome } from '../yaral/ast';
import { sortScalars } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { readAll, readValues, zeroValue } from './fields';
import type { Tuple } from './tuples';
import type { Candidate, Row, Scalar, Value } from './types';

/** Production keeps 25 random elements; we sort and keep the first 25 so tests are stable. */
export const ARRAY_CAP = 25;
/** §5: the risk score of an alerting rule without `$risk_score`. */
export const DEFAULT_RISK_SCORE = 40;

/** In outcomes a field is every element of the event: repeated fields are multi-valued. */
function outcomeScope(
  t: Tuple | undefined,
  outcome: (name: string) => Value | undefined,
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
    variable: (name) => outcome(name) ?? t?.placeholders[name] ?? '',
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

/**
 * The outcome variables of one group, each computed when first read: a condition that reads
 * none (most multi-event rules) costs no aggregation over a window that does not fire. An
 * outcome sees only those declared before it, as when they are computed in order.
 */
export class Outcomes {
  private readonly values: Record<string, Value> = {};
  private readonly index: Map<string, number>;

  constructor(
    private readonly outcomes: Outcome[],
    private readonly tuples: Tuple[],
    private readonly env: Env,
    /** The tuples an aggregation collects from; every tuple unless members stand for them. */
    private readonly tuplesFor: (e: ExprOf<'aggregate'>) => Tuple[] = () => tuples,
  ) {
    this.index = new Map(outcomes.map((o, i) => [o.name, i]));
  }

  /** The value of an outcome variable, or undefined for a name that is none. */
  value(name: string): Value | undefined {
    const at = this.index.get(name);
    if (at !== undefined) return this.valueAt(at);
    return name === 'risk_score' ? DEFAULT_RISK_SCORE : undefined;
  }

  all(): Record<string, Value> {
    const out: Record<string, Value> = {};
    this.outcomes.forEach((o, i) => (out[o.name] = this.valueAt(i)));
    if (!('risk_score' in out)) out.risk_score = DEFAULT_RISK_SCORE;
    return out;
  }

  private valueAt(at: number): Value {
    const o = this.outcomes[at];
    if (Object.hasOwn(this.values, o.name)) return this.values[o.name];
    const earlier = new Set(this.outcomes.slice(0, at).map((x) => x.name));
    const visible = (name: string) => (earlier.has(name) ? this.value(name) : undefined);
    const aggregate = (e: ExprOf<'aggregate'>): Value => {
      const collected = this.tuplesFor(e).flatMap((t) => {
        const v = evaluate(e.arg, outcomeScope(t, visible, aggregate), this.env);
        return Array.isArray(v) ? v : [v];
      });
      return aggregateValues(e.fn, collected);
    };
    const v = evaluate(o.expr, outcomeScope(this.tuples[0], visible, aggregate), this.env);
    return (this.values[o.name] = finalValue(o.expr, v, this.env));
  }
}

/**
 * The values one member adds to an aggregate whose argument reads only its own variable: what
 * the aggregation collects from each tuple holding that member and row.
 */
export function memberValues(
  arg: Expr,
  variable: string,
  cand: Candidate,
  row: Row,
  env: Env,
): Scalar[] {
  const t: Tuple = {
    members: new Map([[variable, { cand, row }]]),
    placeholders: row.placeholders,
  };
  const noAggregate = (): Value => {
    throw new Error('aggregation inside an aggregation');
  };
  const v = evaluate(
    arg,
    outcomeScope(t, () => undefined, noAggregate),
    env,
  );
  return Array.isArray(v) ? v : [v];
}
