/** Step 1 of §11.2: the binding rows with which an event is a candidate for one variable. */

import { type Expr, type ExprOf, walk } from '../yaral/ast';
import type { VariablePlan } from './analyze';
import { scalarOf, truthy } from './compare';
import { type Env, evaluate, type Scope } from './expr';
import { enumerateCopies, type FieldAccess, readAll, readOne } from './fields';
import { someValue, zeroValue } from './fields';
import type { Copy, Row, Scalar, UdmEvent, Value } from './types';

/** Rows beyond this per event add nothing but cost; the cap keeps hostile events bounded. */
const MAX_ROWS = 256;

function noAggregate(e: ExprOf<'aggregate'>): never {
  throw new Error(`aggregation '${e.fn}' outside outcome`);
}

/** What events filters see besides fields: never placeholders, counts or aggregations. */
abstract class FilterScope implements Scope {
  abstract field(access: FieldAccess): Value;
  abstract all(access: FieldAccess): Scalar[];

  variable(): Value {
    return '';
  }

  count(): number {
    return 0;
  }

  aggregate(e: ExprOf<'aggregate'>): Value {
    return noAggregate(e);
  }
}

/**
 * Reads fields of one event copy. A class, not an object of closures: one is made per event
 * and variable, and most events go no further.
 */
class CopyScope extends FilterScope {
  constructor(
    private readonly event: UdmEvent,
    private readonly copy: Copy,
  ) {
    super();
  }

  field(access: FieldAccess): Value {
    return readOne(this.event, access, this.copy);
  }

  all(access: FieldAccess): Scalar[] {
    return readAll(this.event, access);
  }
}

/** Reads every field as one value: how a filter that reads one field is judged for a value. */
class ValueScope extends FilterScope {
  constructor(private readonly value: Scalar) {
    super();
  }

  field(): Value {
    return this.value;
  }

  all(): Scalar[] {
    return [this.value];
  }
}

export function copyScope(event: UdmEvent, copy: Copy): Scope {
  return new CopyScope(event, copy);
}

function bind(plan: VariablePlan, scope: Scope, env: Env): Record<string, Scalar> | undefined {
  const values: Record<string, Scalar> = {};
  for (const b of plan.bindings) {
    const v = scalarOf(evaluate(b.value, scope, env));
    // One placeholder bound twice by the same event must agree (a transitive join, §3.1).
    if (b.placeholder in values && values[b.placeholder] !== v) return undefined;
    values[b.placeholder] = v;
  }
  return values;
}

const NO_COPY: Copy = new Map();

/** Results kept per filter before its memo is emptied: bounded, whatever the input holds. */
const MEMO_ENTRIES = 4096;

/** A filter tested before any copy is made. */
interface EventFilter {
  expr: Expr;
  /** The one field it reads, if it reads one: it is then a function of that field's value. */
  single?: FieldAccess;
  /** Whether it reads a repeated field that copies expand: some copy must pass it. */
  expands: boolean;
  memo: Map<Scalar, boolean>;
  /** holdsFor bound to this filter, made once. */
  test: (value: Scalar) => boolean;
  rejected: number;
}

/**
 * The filters an event must pass before any copy of it is made, tested in the order that has
 * rejected events most often so far: filters are pure, so their order changes nothing but time,
 * and the first (`product_name = "AWS Key Management Service"` in every KMS rule) is often the
 * one that rejects nothing. A filter that reads one field is a function of that field's value,
 * so its result is remembered by value: an event name decides most rules' filters in one
 * lookup. Filters that copies expand (`security_result.action = "BLOCK"`) count here when they
 * read one field: an event none of whose values (nor the absent field's zero value, which a copy
 * may read) passes has no copy that does. The copies are still tested one by one afterwards.
 */
class EventFilters {
  private readonly filters: EventFilter[];
  private tested = 0;

  constructor(plan: VariablePlan, env: Env) {
    const perCopy = plan.filters.map((f) => eventFilter(f, true, env)).filter((f) => f.single);
    this.filters = [...plan.eventFilters.map((f) => eventFilter(f, false, env)), ...perCopy];
  }

  pass(event: UdmEvent, env: Env): boolean {
    if ((++this.tested & 1023) === 0) this.filters.sort((a, b) => b.rejected - a.rejected);
    for (const filter of this.filters) {
      if (holds(filter, event, env)) continue;
      filter.rejected++;
      return false;
    }
    return true;
  }
}

function eventFilter(expr: Expr, expands: boolean, env: Env): EventFilter {
  const single = onlyField(expr, env);
  const filter = { expr, single, expands, memo: new Map(), rejected: 0 } as EventFilter;
  filter.test = (value) => holdsFor(filter, value, env);
  return filter;
}

function holds(filter: EventFilter, event: UdmEvent, env: Env): boolean {
  const access = filter.single;
  if (!access) return truthy(evaluate(filter.expr, copyScope(event, NO_COPY), env));
  if (!filter.expands) return filter.test(readOne(event, access, NO_COPY));
  return filter.test(zeroValue(access)) || someValue(event, access, filter.test);
}

function holdsFor(filter: EventFilter, value: Scalar, env: Env): boolean {
  let result = filter.memo.get(value);
  if (result === undefined) {
    result = truthy(evaluate(filter.expr, new ValueScope(value), env));
    if (filter.memo.size >= MEMO_ENTRIES) filter.memo.clear();
    filter.memo.set(value, result);
  }
  return result;
}

/**
 * The one field a filter reads, when it reads one (however often: `$e.x = "a" or $e.x = "b"`)
 * and quantifies nothing.
 */
function onlyField(filter: Expr, env: Env): FieldAccess | undefined {
  const nodes = walk(filter);
  if (nodes.some((n) => n.kind === 'quantified')) return undefined;
  const accesses = nodes.flatMap((n) => (n.kind === 'field' ? [env.fields.get(n)] : []));
  const read = new Set(accesses.map((a) => a && JSON.stringify([a.segments, a.leaf])));
  return read.size === 1 ? accesses[0] : undefined;
}

const eventFilters = new WeakMap<VariablePlan, EventFilters>();

/**
 * Whether the event passes the variable's filters that do not depend on the copy (the event
 * name, say), which most events fail: tested once, before any copy is made.
 */
export function passesEventFilters(event: UdmEvent, plan: VariablePlan, env: Env): boolean {
  let filters = eventFilters.get(plan);
  if (!filters) eventFilters.set(plan, (filters = new EventFilters(plan, env)));
  return filters.pass(event, env);
}

/**
 * The rows with which the event is a candidate for the variable. `screened`: the event passed
 * the variable's event filters already (DetectionStream tests them before it buffers events).
 */
export function candidateRows(
  event: UdmEvent,
  plan: VariablePlan,
  env: Env,
  screened = false,
): Row[] {
  if (!screened && !passesEventFilters(event, plan, env)) return [];

  const rows = new Map<string, Row>();
  // Copies that differ only in elements no later predicate reads are the same row; without
  // bindings or tuple predicates every copy is, and the first that passes is the only row.
  const oneRow = plan.bindings.length === 0 && plan.tuplePrefixes.length === 0;
  for (const copy of enumerateCopies(event, plan.prefixes)) {
    const scope = copyScope(event, copy);
    if (!plan.filters.every((f) => truthy(evaluate(f, scope, env)))) continue;
    const placeholders = bind(plan, scope, env);
    if (!placeholders) continue;
    if (oneRow) return [{ copy, placeholders }];
    const key = JSON.stringify([placeholders, plan.tuplePrefixes.map((p) => copy.get(p))]);
    if (!rows.has(key)) rows.set(key, { copy, placeholders });
    if (rows.size >= MAX_ROWS) break;
  }
  return [...rows.values()];
}
