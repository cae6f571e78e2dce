/**
 * Compile-time checks on a parsed rule: the checks of the YARA-L reference §10 that need no
 * events to evaluate. Regexes are compiled with RE2 (re2js), the dialect production uses.
 */

import { children, dottedPath, type Expr, type ExprOf, type Loc, type Rule, walk } from './ast';
import { type YaralCode, type YaralDiagnostic, yaralDiagnostic } from './diagnostics';
import { KEYWORDS } from './lexer';
import { re2Error, re2Refusal } from './re2';
import { resolveUdmPath, type UdmField } from '../mapping/udm-schema';

const MIN_WINDOW = 60;
const MAX_WINDOW = 48 * 3600;
const MAX_OUTCOMES = 20;
/** Multi-event `or` in rules (not search) is documented for at most this many variables. */
const MAX_OR_EVENTS = 2;
const LIST_LIMITS = { all: 7, regex: 4, cidr: 2 };
const RESERVED_NAMES = new Set(['window_start', 'window_end']);
const REGEX_FUNCTIONS = new Set(['regex', 'capture', 'replace']);
const UNEVALUATED_NAMESPACES = new Set(['window', 'metrics']);
const UNEVALUATED_ROOTS: Record<string, string> = {
  graph: 'entity graph fields',
  detection: 'composite-rule detection fields',
};

type Field = ExprOf<'field'>;

/** What the UDM schema says about one field reference. */
interface FieldInfo {
  error?: string;
  /** The last field the path names; absent for roots the schema does not describe. */
  udm?: UdmField;
  /** Some repeated field on the path is neither indexed nor map-accessed. */
  repeated: boolean;
  /** The path ends in `["key"]`, which always yields a string. */
  mapAccess: boolean;
  /** The root is not a UDM event (entity graph, detection). */
  foreign?: string;
}

export function checkRule(rule: Rule, file: string): YaralDiagnostic[] {
  const c = new Checker(rule, file);
  c.run();
  return c.diagnostics;
}

class Checker {
  readonly diagnostics: YaralDiagnostic[] = [];
  /** Event variables, at their first use in `events`. */
  private readonly events = new Map<string, Loc>();
  /** Placeholders bound in `events`, at their first use. */
  private readonly placeholders = new Map<string, Loc>();
  /** For each placeholder, the event variables it is compared with by `=`. */
  private readonly placeholderEvents = new Map<string, Set<string>>();
  private readonly matchVars: Set<string>;
  private readonly outcomes = new Map<string, number>();
  private readonly fieldCache = new Map<string, FieldInfo>();

  constructor(
    private readonly rule: Rule,
    private readonly file: string,
  ) {
    this.matchVars = new Set(rule.match?.variables.map((v) => v.name) ?? []);
  }

  run(): void {
    this.collectEventNames();
    this.checkKeywordNames();
    this.checkPlaceholdersBound();
    this.checkJoins();
    this.checkMatch();
    this.checkOutcomes();
    this.checkCondition();
    this.checkExpressions();
    this.checkOptions();
  }

  private report(code: YaralCode, at: Loc, message: string): void {
    this.diagnostics.push(yaralDiagnostic(code, this.file, at, message));
  }

  private allExprs(): Expr[] {
    const roots = [...this.rule.events, ...this.rule.outcome.map((o) => o.expr)];
    if (this.rule.condition) roots.push(this.rule.condition);
    return roots.flatMap(walk);
  }

  // ---- names ----

  private collectEventNames(): void {
    const nodes = this.rule.events.flatMap(walk);
    for (const n of nodes) {
      if (n.kind === 'field' && !this.events.has(n.variable)) this.events.set(n.variable, n.loc);
    }
    for (const n of nodes) {
      if (n.kind !== 'variable' || this.events.has(n.name) || this.placeholders.has(n.name))
        continue;
      if (RESERVED_NAMES.has(n.name.toLowerCase())) this.reportWindowBound(n.name, n.loc);
      else this.placeholders.set(n.name, n.loc);
    }
  }

  /** `$window_start`/`$window_end` exist only per match window, so never inside events. */
  private reportWindowBound(name: string, loc: Loc): void {
    const msg = `'$${name}' is only valid in outcome and condition of a rule with a match window`;
    this.report('yaral_window_bounds', loc, msg);
  }

  private checkKeywordNames(): void {
    const named: { name: string; loc: Loc }[] = [
      ...(this.rule.match?.variables ?? []),
      ...this.rule.outcome,
    ];
    for (const n of this.allExprs()) {
      if (n.kind === 'variable' || n.kind === 'count') named.push(n);
      if (n.kind === 'field') named.push({ name: n.variable, loc: n.loc });
    }
    for (const { name, loc } of named) {
      const lower = name.toLowerCase();
      if (KEYWORDS.has(lower) && !RESERVED_NAMES.has(lower)) {
        this.report(
          'yaral_keyword_variable',
          loc,
          `'${name}' is a keyword and cannot name a variable`,
        );
      }
    }
  }

  /** Every placeholder must be equated with something that reads an event field. */
  private checkPlaceholdersBound(): void {
    const bound = new Set<string>();
    for (const cmp of this.equalities()) {
      for (const [side, other] of [
        [cmp.left, cmp.right],
        [cmp.right, cmp.left],
      ]) {
        if (side.kind === 'variable' && walk(other).some((n) => n.kind === 'field')) {
          bound.add(side.name);
        }
      }
    }
    for (const [name, loc] of this.placeholders) {
      if (bound.has(name)) continue;
      const msg = `placeholder '$${name}' is never assigned from an event field`;
      this.report('yaral_undeclared_variable', loc, msg);
    }
  }

  private equalities(): ExprOf<'compare'>[] {
    return this.rule.events
      .flatMap(walk)
      .filter((n): n is ExprOf<'compare'> => n.kind === 'compare' && n.op === '=');
  }

  // ---- joins ----

  private checkJoins(): void {
    const parent = new Map([...this.events.keys()].map((e) => [e, e]));
    const find = (e: string): string => (parent.get(e) === e ? e : find(parent.get(e)!));
    const union = (vars: Iterable<string>) => {
      const [first, ...rest] = [...vars].map(find);
      for (const r of rest) parent.set(r, first);
    };
    for (const cmp of this.equalities()) {
      const nodes = walk(cmp);
      const evs = new Set(nodes.flatMap((n) => (n.kind === 'field' ? [n.variable] : [])));
      if (evs.size > 1 && nodes.some((n) => n.kind === 'arith')) {
        this.report(
          'yaral_join_arithmetic',
          cmp.loc,
          'a join between event variables cannot use arithmetic',
        );
      }
      union(evs);
      for (const n of nodes) if (n.kind === 'variable') this.linkPlaceholder(n.name, evs);
    }
    for (const evs of this.placeholderEvents.values()) union(evs);
    this.reportUnjoined(find);
  }

  private linkPlaceholder(name: string, evs: Set<string>): void {
    if (!this.placeholders.has(name)) return;
    const set = this.placeholderEvents.get(name) ?? new Set<string>();
    for (const e of evs) set.add(e);
    this.placeholderEvents.set(name, set);
  }

  private reportUnjoined(find: (e: string) => string): void {
    const [first] = this.events.keys();
    if (first === undefined) return;
    for (const [name, loc] of this.events) {
      if (find(name) === find(first)) continue;
      const msg = `event variable '$${name}' shares no equality or placeholder with '$${first}'`;
      this.report('yaral_unjoined_event', loc, msg);
    }
  }

  // ---- match ----

  private checkMatch(): void {
    const match = this.rule.match;
    if (!match) return;
    for (const v of match.variables) {
      if (this.placeholders.has(v.name)) continue;
      const what = this.events.has(v.name) ? 'an event variable' : 'not bound in events';
      this.report(
        'yaral_match_variable',
        v.loc,
        `match variable '$${v.name}' is ${what}; match needs placeholders`,
      );
    }
    const w = match.window;
    if (w.seconds < MIN_WINDOW || w.seconds > MAX_WINDOW) {
      this.report('yaral_window_range', w.loc, `window ${w.text} is outside 1m to 48h`);
    }
    if (w.pivot !== undefined && !this.events.has(w.pivot)) {
      this.report(
        'yaral_window_pivot',
        w.loc,
        `'$${w.pivot}' after '${w.kind}' is not an event variable`,
      );
    }
    if (w.kind === 'by') this.unsupported(w.loc, `tumbling window '${w.text}' ('by')`);
  }

  private unsupported(at: Loc, what: string): void {
    this.report('yaral_unsupported', at, `${what} parses, but the engine does not evaluate it`);
  }

  // ---- outcome ----

  private checkOutcomes(): void {
    this.rule.outcome.forEach((o, index) => {
      if (index === MAX_OUTCOMES) {
        this.report('yaral_outcome_count', o.loc, `more than ${MAX_OUTCOMES} outcome variables`);
      }
      if (this.outcomes.has(o.name)) {
        this.report('yaral_outcome_duplicate', o.loc, `outcome '$${o.name}' is defined twice`);
      }
      this.checkOutcomeExpr(o.expr, false);
      this.outcomes.set(o.name, index);
    });
  }

  /** `aggregated`: inside an aggregation, where multi-valued references are allowed. */
  private checkOutcomeExpr(e: Expr, aggregated: boolean): void {
    if (e.kind === 'aggregate') return this.checkAggregate(e);
    // window.* statistics aggregate their argument like max() does.
    if (e.kind === 'call' && e.namespace === 'window') aggregated = true;
    if (e.kind === 'if') this.checkIfElse(e);
    if (e.kind === 'field') this.checkOutcomeField(e, aggregated);
    if (e.kind === 'variable') this.checkOutcomeVariable(e, aggregated);
    for (const child of children(e)) this.checkOutcomeExpr(child, aggregated);
  }

  private checkAggregate(e: ExprOf<'aggregate'>): void {
    for (const n of walk(e.arg)) {
      if (n.kind === 'variable' && this.outcomes.has(n.name)) {
        const msg = `outcome '$${n.name}' is already aggregated; ${e.fn}() cannot re-aggregate it`;
        this.report('yaral_aggregation', n.loc, msg);
      }
    }
    this.checkOutcomeExpr(e.arg, true);
  }

  private checkOutcomeField(e: Field, aggregated: boolean): void {
    if (!this.events.has(e.variable)) {
      this.report(
        'yaral_undeclared_variable',
        e.loc,
        `'$${e.variable}' is not an event variable of this rule`,
      );
      return;
    }
    if (aggregated) return;
    const multi = !!this.rule.match;
    if (multi || this.fieldInfo(e).repeated) {
      const why = multi ? 'the rule has a match section' : 'the field is repeated';
      this.report('yaral_aggregation', e.loc, `'${fieldText(e)}' must be aggregated: ${why}`);
    }
  }

  private checkOutcomeVariable(e: ExprOf<'variable'>, aggregated: boolean): void {
    if (this.outcomes.has(e.name) || this.matchVars.has(e.name)) return;
    if (RESERVED_NAMES.has(e.name.toLowerCase())) {
      if (!this.rule.match) this.reportWindowBound(e.name, e.loc);
      return;
    }
    if (!this.placeholders.has(e.name)) {
      this.report(
        'yaral_undeclared_variable',
        e.loc,
        `'$${e.name}' is not defined before this outcome`,
      );
      return;
    }
    if (this.rule.match && !aggregated) {
      const msg = `placeholder '$${e.name}' must be aggregated: the rule has a match section`;
      this.report('yaral_aggregation', e.loc, msg);
    }
  }

  /** `else` defaults to 0, so it may be left out only when the result is a number. */
  private checkIfElse(e: ExprOf<'if'>): void {
    if (e.else || !this.isNonNumeric(e.then)) return;
    this.report(
      'yaral_if_else',
      e.loc,
      "if() returning a string or variable needs an 'else' value",
    );
  }

  private isNonNumeric(e: Expr): boolean {
    if (e.kind === 'string' || e.kind === 'variable') return true;
    if (e.kind !== 'field') return false;
    const info = this.fieldInfo(e);
    return info.mapAccess || info.udm?.kind === 'string' || info.udm?.kind === 'enum';
  }

  // ---- condition ----

  private checkCondition(): void {
    const cond = this.rule.condition;
    if (!cond) return;
    const bounded = new Set<string>();
    const referenced = new Set<string>();
    this.visitCondition(cond, false, bounded, referenced);
    if (![...bounded].some((v) => this.events.has(v))) {
      this.report(
        'yaral_condition_unbounded',
        cond.loc,
        'condition has no bounded event term such as $e or #e > 0',
      );
    }
    for (const [name, loc] of this.events) {
      if (referenced.has(name)) continue;
      const msg = `event variable '$${name}' is not referenced in condition, even by placeholder`;
      this.report('yaral_unreferenced_event', loc, msg);
    }
  }

  /** Collects bounded and referenced event variables; `negated` is true under `not`. */
  private visitCondition(
    e: Expr,
    negated: boolean,
    bounded: Set<string>,
    referenced: Set<string>,
  ): void {
    const term = this.conditionTerm(e);
    if (term) return this.recordTerm(e, term, negated, bounded, referenced);
    if (e.kind === 'not' && !e.bang && this.conditionTerm(e.operand)) {
      this.report(
        'yaral_condition_not',
        e.loc,
        "'not' cannot apply to an event or placeholder term",
      );
    }
    if (e.kind === 'or') this.checkOrTerms(e);
    if (e.kind === 'variable') this.checkConditionVariable(e);
    const under = negated || e.kind === 'not';
    for (const child of children(e)) this.visitCondition(child, under, bounded, referenced);
  }

  private recordTerm(
    e: Expr,
    term: { name: string; bounded: boolean; loc: Loc },
    negated: boolean,
    bounded: Set<string>,
    referenced: Set<string>,
  ): void {
    const isEvent = this.events.has(term.name);
    if (this.matchVars.has(term.name) && !isEvent) {
      this.report(
        'yaral_match_in_condition',
        term.loc,
        `match variable '$${term.name}' cannot be used in condition`,
      );
      return;
    }
    if (!isEvent && !this.placeholders.has(term.name)) {
      this.report(
        'yaral_undeclared_variable',
        e.loc,
        `'${term.name}' is not an event variable or placeholder`,
      );
      return;
    }
    const evs = isEvent ? [term.name] : [...(this.placeholderEvents.get(term.name) ?? [])];
    for (const v of evs) referenced.add(v);
    if (term.bounded && !negated) for (const v of evs) bounded.add(v);
  }

  /** `$e`, `!$e` and `#x op N` terms, with whether each requires its variable to exist. */
  private conditionTerm(e: Expr): { name: string; bounded: boolean; loc: Loc } | undefined {
    if (e.kind === 'variable' && this.events.has(e.name))
      return { name: e.name, bounded: true, loc: e.loc };
    if (e.kind === 'not' && e.bang && e.operand.kind === 'variable') {
      return { name: e.operand.name, bounded: false, loc: e.operand.loc };
    }
    if (e.kind !== 'compare') return undefined;
    const flipped: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const [count, n, op] =
      e.left.kind === 'count' ? [e.left, e.right, e.op] : [e.right, e.left, flipped[e.op] ?? e.op];
    if (count.kind !== 'count' || n.kind !== 'int') return undefined;
    return { name: count.name, bounded: isBoundedCount(op, n.value), loc: count.loc };
  }

  private checkOrTerms(e: ExprOf<'or'>): void {
    const evs = new Set(
      e.operands.flatMap((o) => {
        const term = this.conditionTerm(o);
        return term && this.events.has(term.name) ? [term.name] : [];
      }),
    );
    if (evs.size > MAX_OR_EVENTS) {
      const msg = `'or' may combine at most ${MAX_OR_EVENTS} event variables, found ${evs.size}`;
      this.report('yaral_condition_or', e.loc, msg);
    }
    for (const operand of e.operands) {
      const term = this.conditionTerm(operand);
      if (term && !term.bounded) {
        this.report(
          'yaral_condition_or',
          operand.loc,
          "'or' cannot combine a term that allows absence",
        );
      }
    }
  }

  private checkConditionVariable(e: ExprOf<'variable'>): void {
    if (this.outcomes.has(e.name) || this.events.has(e.name)) return;
    if (RESERVED_NAMES.has(e.name.toLowerCase())) {
      if (!this.rule.match) this.reportWindowBound(e.name, e.loc);
      return;
    }
    if (this.matchVars.has(e.name)) {
      this.report(
        'yaral_match_in_condition',
        e.loc,
        `match variable '$${e.name}' cannot be used in condition`,
      );
    } else if (!this.placeholders.has(e.name)) {
      this.report('yaral_undeclared_variable', e.loc, `'$${e.name}' is not defined in this rule`);
    }
  }

  // ---- expressions in every section ----

  private checkExpressions(): void {
    const nodes = this.allExprs();
    for (const n of nodes) this.checkNode(n);
    this.checkListLimits(nodes.filter((n): n is ExprOf<'in_list'> => n.kind === 'in_list'));
    const foreign = new Set<string>();
    for (const n of nodes) {
      if (n.kind !== 'field' || foreign.has(n.variable)) continue;
      const info = this.fieldInfo(n);
      if (info.foreign) {
        foreign.add(n.variable);
        this.unsupported(
          n.loc,
          `${info.foreign} ('$${n.variable}.${dottedPath(n).split('.')[0]}')`,
        );
      }
    }
  }

  private checkNode(n: Expr): void {
    switch (n.kind) {
      case 'field':
        return this.checkField(n);
      case 'compare':
        return this.checkCompare(n);
      case 'in_list':
        this.checkEnumNocase(n.operand, n.nocase, n.loc);
        if (n.operand.kind === 'quantified') {
          this.report(
            'yaral_quantifier',
            n.operand.loc,
            `'${n.operand.quantifier}' cannot be combined with a reference list`,
          );
        }
        return;
      case 'regex':
        return this.checkRegex(n.pattern, n.loc);
      case 'call':
        return this.checkCall(n);
    }
  }

  private checkField(n: Field): void {
    const error = this.fieldInfo(n).error;
    if (error) this.report('yaral_unknown_field', n.loc, error);
  }

  private checkCompare(n: ExprOf<'compare'>): void {
    if (isLiteral(n.left) && isLiteral(n.right)) {
      this.report('yaral_literal_comparison', n.loc, 'comparing two literals is not allowed');
    }
    this.checkEnumNocase(n.left, n.nocase, n.loc) || this.checkEnumNocase(n.right, n.nocase, n.loc);
    this.checkEnumValue(n.left, n.right);
    this.checkEnumValue(n.right, n.left);
    this.checkLiteralType(n.left, n.right) || this.checkLiteralType(n.right, n.left);
    this.checkQuantified(n);
  }

  /** `$e.target.port = "80"`: numbers and strings do not compare. */
  private checkLiteralType(side: Expr, other: Expr): boolean {
    const field = side.kind === 'quantified' ? side.operand : side;
    if (field.kind !== 'field' || !isLiteral(other) || other.kind === 'regex') return false;
    const info = this.fieldInfo(field);
    const kind = info.mapAccess ? 'string' : info.udm?.kind;
    const numeric = kind === 'integer' || kind === 'float';
    const bad =
      (numeric && other.kind === 'string') ||
      (kind === 'string' && (other.kind === 'int' || other.kind === 'float'));
    if (bad) {
      const what = numeric ? 'a number' : 'a string';
      const msg = `'${fieldText(field)}' is ${what}; it cannot be compared with ${other.kind}`;
      this.report('yaral_type_mismatch', other.loc, msg);
    }
    return bad;
  }

  /** `any`/`all` quantify one repeated field against a literal, nothing else (§3.6). */
  private checkQuantified(n: ExprOf<'compare'>): void {
    const [q, other] = n.left.kind === 'quantified' ? [n.left, n.right] : [n.right, n.left];
    if (q.kind !== 'quantified') return;
    const operand = q.operand;
    let why: string | undefined;
    if (other.kind === 'variable') why = 'a placeholder';
    else if (other.kind === 'field') why = 'a join';
    else if (operand.kind === 'field' && operand.path.some((s) => s.kind !== 'name')) {
      why = 'an index or map access';
    }
    if (why)
      this.report('yaral_quantifier', q.loc, `'${q.quantifier}' cannot be combined with ${why}`);
  }

  private enumField(e: Expr): UdmField | undefined {
    const field = e.kind === 'quantified' ? e.operand : e;
    if (field.kind !== 'field') return undefined;
    const info = this.fieldInfo(field);
    return !info.mapAccess && info.udm?.kind === 'enum' ? info.udm : undefined;
  }

  private checkEnumNocase(e: Expr, nocase: boolean, loc: Loc): boolean {
    const udm = nocase ? this.enumField(e) : undefined;
    if (udm)
      this.report('yaral_nocase_enum', loc, `'nocase' cannot apply to enum field '${udm.name}'`);
    return !!udm;
  }

  private checkEnumValue(side: Expr, other: Expr): void {
    const udm = this.enumField(side);
    if (!udm || other.kind !== 'string' || !udm.enumValues) return;
    if (udm.enumValues.includes(other.value)) return;
    const msg = `'${other.value}' is not a value of enum field '${udm.name}' (${udm.typeName})`;
    this.report('yaral_unknown_enum', other.loc, msg);
  }

  private checkCall(n: ExprOf<'call'>): void {
    const root = n.namespace?.split('.')[0];
    if (root && UNEVALUATED_NAMESPACES.has(root))
      this.unsupported(n.loc, `function '${root}.${n.name}'`);
    if (n.namespace === 're' && REGEX_FUNCTIONS.has(n.name)) {
      const pattern = n.args[1];
      if (pattern?.kind === 'string') this.checkRegex(pattern.value, pattern.loc);
    }
  }

  private checkRegex(pattern: string, loc: Loc): void {
    const error = re2Error(pattern);
    if (error) this.report('yaral_regex', loc, re2Refusal(pattern, error));
  }

  private checkListLimits(lists: ExprOf<'in_list'>[]): void {
    const over = (items: ExprOf<'in_list'>[], limit: number, what: string) => {
      if (items.length > limit) {
        const msg = `more than ${limit} ${what} in one rule (${items.length})`;
        this.report('yaral_list_limit', items[limit].loc, msg);
      }
    };
    over(lists, LIST_LIMITS.all, "'in %list' lookups");
    over(
      lists.filter((l) => l.listKind === 'regex'),
      LIST_LIMITS.regex,
      "'in regex' lookups",
    );
    over(
      lists.filter((l) => l.listKind === 'cidr'),
      LIST_LIMITS.cidr,
      "'in cidr' lookups",
    );
  }

  private checkOptions(): void {
    for (const o of this.rule.options) {
      if (o.key === 'suppression_window') this.unsupported(o.loc, "option 'suppression_window'");
    }
  }

  // ---- UDM schema ----

  private fieldInfo(e: Field): FieldInfo {
    const key = e.path
      .map((s) => (s.kind === 'name' ? `.${s.name}` : s.kind === 'index' ? '[]' : '[k]'))
      .join('');
    let info = this.fieldCache.get(key);
    if (!info) {
      info = resolveField(e);
      this.fieldCache.set(key, info);
    }
    return info;
  }
}

function isBoundedCount(op: string, n: number): boolean {
  if (op === '>') return n >= 0;
  if (op === '>=' || op === '=') return n > 0;
  if (op === '!=') return n === 0;
  return false;
}

function isLiteral(e: Expr): boolean {
  return ['string', 'regex', 'int', 'float', 'bool'].includes(e.kind);
}

function fieldText(e: Field): string {
  return `$${e.variable}.${dottedPath(e)}`;
}

/** Resolves a field path against the UDM schema, allowing map access on maps and labels. */
export function resolveField(e: Field): FieldInfo {
  const first = e.path[0];
  if (first?.kind === 'name' && UNEVALUATED_ROOTS[first.name]) {
    return { repeated: false, mapAccess: false, foreign: UNEVALUATED_ROOTS[first.name] };
  }
  const keyAt = e.path.findIndex((s) => s.kind === 'key');
  const steps = keyAt < 0 ? e.path : e.path.slice(0, keyAt);
  if (keyAt >= 0 && keyAt < e.path.length - 1) {
    return {
      error: 'a map value is a string: nothing may follow ["key"]',
      repeated: false,
      mapAccess: true,
    };
  }
  const names = steps.flatMap((s) => (s.kind === 'name' ? [s.name] : []));
  const resolved = resolveNames(names);
  if ('error' in resolved) return { error: resolved.error, repeated: false, mapAccess: keyAt >= 0 };
  const udm = resolved.fields[resolved.fields.length - 1];
  if (keyAt >= 0 && !resolved.structMap && !isMap(udm)) {
    const msg = `'${names.join('.')}' is not a map: ["key"] applies to Struct fields and labels`;
    return { error: msg, udm, repeated: false, mapAccess: true };
  }
  const repeated = keyAt < 0 && hasUnindexedRepeated(steps, resolved.fields);
  return { udm, repeated, mapAccess: keyAt >= 0 };
}

function resolveNames(
  names: string[],
): { fields: UdmField[]; structMap: boolean } | { error: string } {
  const resolved = resolveUdmPath(names.join('.'));
  const last = names[names.length - 1];
  if (!('error' in resolved) || (last !== 'seconds' && last !== 'nanos')) return resolved;
  // `metadata.event_timestamp.seconds`: the proto Timestamp's own fields are addressable.
  const parent = resolveUdmPath(names.slice(0, -1).join('.'));
  if ('error' in parent || parent.fields[parent.fields.length - 1].kind !== 'timestamp')
    return resolved;
  const unit: UdmField = { name: last, jsonName: last, kind: 'integer', repeated: false };
  return { fields: [...parent.fields, unit], structMap: false };
}

function isMap(f: UdmField): boolean {
  return (
    f.kind === 'struct' || (f.kind === 'message' && f.repeated && /\.Label$/.test(f.typeName ?? ''))
  );
}

function hasUnindexedRepeated(steps: Field['path'], fields: UdmField[]): boolean {
  let n = 0;
  for (let i = 0; i < steps.length; i++) {
    if (steps[i].kind !== 'name') continue;
    const field = fields[n++];
    if (field?.repeated && steps[i + 1]?.kind !== 'index') return true;
  }
  return false;
}
