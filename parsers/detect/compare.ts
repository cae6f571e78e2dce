/** Value comparison (§3.4): numbers, strings with optional nocase, enums by their order. */

import type { CompareOp } from '../yaral/ast';
import type { Scalar, Value } from './types';

/** A list reaching a scalar comparison stands for its first element (zero value when empty). */
export function scalarOf(v: Value | undefined): Scalar {
  if (Array.isArray(v)) return v.length ? v[0] : '';
  return v ?? '';
}

export function truthy(v: Value | undefined): boolean {
  const s = scalarOf(v);
  return typeof s === 'boolean' ? s : typeof s === 'number' ? s !== 0 : s !== '';
}

function ordered(op: CompareOp, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '!=':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Orders two scalars; enum names use the enum's declaration order when it is known. */
function order(a: Scalar, b: Scalar, nocase: boolean, enumValues?: string[]): number {
  if (enumValues && typeof a === 'string' && typeof b === 'string') {
    const ia = enumValues.indexOf(a);
    const ib = enumValues.indexOf(b);
    if (ia >= 0 && ib >= 0) return ia - ib;
  }
  if (typeof a === 'number' || typeof b === 'number') {
    const na = Number(a);
    const nb = Number(b);
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return na === nb ? 0 : na < nb ? -1 : 1;
  }
  let sa = String(a);
  let sb = String(b);
  if (nocase) {
    sa = sa.toLowerCase();
    sb = sb.toLowerCase();
  }
  return sa === sb ? 0 : sa < sb ? -1 : 1;
}

export function compareScalars(
  a: Scalar,
  op: CompareOp,
  b: Scalar,
  nocase = false,
  enumValues?: string[],
): boolean {
  return ordered(op, order(a, b, nocase, enumValues));
}

/** Sorting for arrays in outcomes: numbers numerically, then strings. */
export function sortScalars(values: Scalar[]): Scalar[] {
  return [...values].sort((a, b) => order(a, b, false));
}
