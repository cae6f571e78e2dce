/**
 * The YARA-L 2.0 syntax tree. Nodes are plain data with a `kind` tag and a location, so the later
 * engine can walk them with a switch. Names are stored without their sigils (`$e` is `e`).
 */

import type { Loc } from './diagnostics';

export type { Loc };

export interface Rule {
  name: string;
  file: string;
  meta: MetaEntry[];
  /** Top-level predicates of `events`, implicitly ANDed (§3.3). */
  events: Expr[];
  match?: Match;
  outcome: Outcome[];
  /** Absent only when the section is missing or failed to parse; a diagnostic says so. */
  condition?: Expr;
  options: OptionEntry[];
  loc: Loc;
}

export interface MetaEntry {
  key: string;
  value: string;
  loc: Loc;
}

export type WindowKind = 'hop' | 'before' | 'after' | 'by';

export interface Window {
  /** Window length in seconds. */
  seconds: number;
  /** The duration as written (`1h`). */
  text: string;
  /** `hop` is plain `over`; `before`/`after` are sliding windows around `pivot`; `by` tumbles. */
  kind: WindowKind;
  pivot?: string;
  loc: Loc;
}

export interface Match {
  variables: { name: string; loc: Loc }[];
  window: Window;
  loc: Loc;
}

export interface Outcome {
  name: string;
  expr: Expr;
  loc: Loc;
}

export interface OptionEntry {
  key: string;
  value: Expr;
  loc: Loc;
}

/** One step of a field path after the event variable. */
export type PathStep =
  | { kind: 'name'; name: string; loc: Loc }
  | { kind: 'index'; index: number; loc: Loc } // [0]
  | { kind: 'key'; key: string; loc: Loc }; // ["key"]

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type ListKind = 'plain' | 'regex' | 'cidr';
export type AggregateFn =
  'max' | 'min' | 'sum' | 'count' | 'count_distinct' | 'array' | 'array_distinct';

export type Expr =
  /** `$e.principal.ip[0]`: an event variable and the path below it. */
  | { kind: 'field'; variable: string; path: PathStep[]; loc: Loc }
  /** `$x`: a placeholder, an event variable, a match or an outcome variable, by context. */
  | { kind: 'variable'; name: string; loc: Loc }
  /** `#x` in condition: distinct events of `$x`, or distinct values of placeholder `$x`. */
  | { kind: 'count'; name: string; loc: Loc }
  /** `raw` marks a back-quoted string, whose text is not unescaped. */
  | { kind: 'string'; value: string; raw: boolean; loc: Loc }
  | { kind: 'regex'; pattern: string; loc: Loc }
  | { kind: 'int'; value: number; loc: Loc }
  | { kind: 'float'; value: number; loc: Loc }
  | { kind: 'bool'; value: boolean; loc: Loc }
  /** A duration where an expression is expected (options values). */
  | { kind: 'duration'; seconds: number; text: string; loc: Loc }
  | { kind: 'arith'; op: ArithOp; left: Expr; right: Expr; loc: Loc }
  /** `nocase` makes the string or regex comparison case-insensitive. */
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr; nocase: boolean; loc: Loc }
  /** `any`/`all` over a repeated field, as a comparison operand or a function argument. */
  | { kind: 'quantified'; quantifier: 'any' | 'all'; operand: Expr; loc: Loc }
  | { kind: 'in_list'; operand: Expr; list: string; listKind: ListKind; nocase: boolean; loc: Loc }
  /** `re.regex(…)` has namespace `re`; a bare call (`period_start_for_max(…)`) has none. */
  | { kind: 'call'; namespace?: string; name: string; args: Expr[]; nocase: boolean; loc: Loc }
  | { kind: 'aggregate'; fn: AggregateFn; arg: Expr; loc: Loc }
  /** `else` is absent when the rule omits it (0 for numbers, §5). */
  | { kind: 'if'; cond: Expr; then: Expr; else?: Expr; loc: Loc }
  | { kind: 'and'; operands: Expr[]; loc: Loc }
  | { kind: 'or'; operands: Expr[]; loc: Loc }
  /** `bang` marks the condition form `!$e`, which is the same as `not $e`. */
  | { kind: 'not'; operand: Expr; bang: boolean; loc: Loc };

export type ExprKind = Expr['kind'];
export type ExprOf<K extends ExprKind> = Extract<Expr, { kind: K }>;

/** The direct children of a node, for walkers. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'arith':
    case 'compare':
      return [e.left, e.right];
    case 'quantified':
    case 'in_list':
    case 'not':
      return [e.operand];
    case 'call':
      return e.args;
    case 'aggregate':
      return [e.arg];
    case 'if':
      return e.else ? [e.cond, e.then, e.else] : [e.cond, e.then];
    case 'and':
    case 'or':
      return e.operands;
    default:
      return [];
  }
}

/** Every node under `e`, `e` first, depth-first; iterative so deep trees cannot overflow. */
export function walk(e: Expr): Expr[] {
  const out: Expr[] = [];
  const stack = [e];
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    // children() may return the node's own array: copy before reversing.
    stack.push(...[...children(node)].reverse());
  }
  return out;
}

/** The dotted names of a field path, without index or key steps: `about.labels`. */
export function dottedPath(field: ExprOf<'field'>): string {
  return field.path.flatMap((s) => (s.kind === 'name' ? [s.name] : [])).join('.');
}
