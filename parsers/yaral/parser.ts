/**
 * A hand-written recursive-descent parser for YARA-L 2.0 rules (the engine is our own, so no
 * parser generator). Grammar decisions, beyond the sketch in the project's YARA-L reference §12:
 *
 * - Sections come in the fixed order meta, events, match, outcome, condition, options; meta,
 *   events and condition are required. A section out of order or repeated is reported and still
 *   parsed, so later sections are checked too. `events` without its ':' is reported and parsed.
 * - Newlines matter only at the top level of `events` and `outcome`. In `events` each line is one
 *   predicate and the predicates are ANDed, more loosely than an explicit `or`, so `a\nor b\nc`
 *   is `(a or b) and c`. A line that starts with `and`/`or` continues the previous predicate, and
 *   so does a line after one that ends in an operator (`… or` at the end of a line). Inside
 *   parentheses and call arguments newlines are ignored, so `max(` may span lines up to its `)`.
 * - Precedence, loosest first: `or`, `and`, `not`, comparison / `in %list`, `+ -`, `* / %`,
 *   unary minus, primary. `any`/`all` prefix a comparison or a function argument and become a
 *   `quantified` node around the operand they quantify. `nocase` follows a comparison, a call or
 *   an `in %list`.
 * - Unary minus on a number literal is accepted (the language has no negative literals; we are
 *   lenient and let the checker or engine decide). A predicate starting with `(` is accepted
 *   although production rejects it (known issue).
 * - `max`/`min`/`sum`/`count`/`count_distinct`/`array`/`array_distinct` without a namespace are
 *   aggregations with one argument; `if(c, a[, b])` is its own node; other calls keep their
 *   namespace (`re.regex`, `window.avg`) for the checker to judge.
 * - Recovery: a syntax error inside `meta`, `events`, `outcome` or `options` skips to the next
 *   line; in `match` and `condition` to the next section. Nesting deeper than MAX_DEPTH is one
 *   `yaral_nesting` error for the section, never a stack overflow. Internally a failure is thrown
 *   to the nearest recovery point; `parseRules` itself never throws.
 */

import type {
  AggregateFn,
  CompareOp,
  Expr,
  ListKind,
  Loc,
  MetaEntry,
  OptionEntry,
  Outcome,
} from './ast';
import type { Match, PathStep, Rule, Window, WindowKind } from './ast';
import { type YaralCode, type YaralDiagnostic, yaralDiagnostic } from './diagnostics';
import { lex, type Token } from './lexer';

export interface ParseResult {
  rules: Rule[];
  diagnostics: YaralDiagnostic[];
}

export const MAX_DEPTH = 200;
/** Past this many syntax errors in one file the rest is noise; the parser stops reporting. */
const MAX_SYNTAX_ERRORS = 100;

const SECTIONS = ['meta', 'events', 'match', 'outcome', 'condition', 'options'] as const;
type SectionName = (typeof SECTIONS)[number];
const REQUIRED: SectionName[] = ['meta', 'events', 'condition'];
const AGGREGATES = new Set<string>([
  'max',
  'min',
  'sum',
  'count',
  'count_distinct',
  'array',
  'array_distinct',
]);
const COMPARE_OPS = new Set<string>(['=', '!=', '<', '<=', '>', '>=']);
const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

export function parseRules(text: string, file: string): ParseResult {
  const lexed = lex(text, file);
  const parser = new Parser(lexed.tokens, file);
  const rules = parser.parseFile();
  return { rules, diagnostics: [...lexed.diagnostics, ...parser.diagnostics] };
}

/** Thrown inside the parser to unwind to the nearest recovery point. */
class SyntaxFailure {
  constructor(readonly toSectionEnd: boolean) {}
}

/** Seconds in a duration token such as `5m`. */
export function durationSeconds(text: string): number {
  return Number(text.slice(0, -1)) * UNIT_SECONDS[text.slice(-1)];
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  if (t.kind === 'newline') return 'end of line';
  return `'${t.text.length > 30 ? `${t.text.slice(0, 30)}…` : t.text}'`;
}

function span(start: Loc, end: Loc & { line: number }): Loc {
  const endColumn = end.line === start.line ? end.endColumn : undefined;
  return endColumn === undefined
    ? { line: start.line, column: start.column }
    : { line: start.line, column: start.column, endColumn };
}

class Parser {
  readonly diagnostics: YaralDiagnostic[] = [];
  private i = 0;
  /** Newlines are skipped while this is positive (inside brackets, newline-blind sections). */
  private nlSkip = 0;
  private depth = 0;
  private syntaxErrors = 0;
  private prev: Token;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {
    this.prev = tokens[0];
  }

  // ---- token access ----

  private peek(): Token {
    if (this.nlSkip > 0) this.skipNewlines();
    return this.tokens[this.i];
  }

  /** The token after the next one, newlines skipped as `peek` would. */
  private peekAfter(): Token {
    let j = this.i;
    if (this.nlSkip > 0) while (this.tokens[j].kind === 'newline') j++;
    return this.tokens[Math.min(j + 1, this.tokens.length - 1)];
  }

  private nextSignificant(): Token {
    let j = this.i;
    while (this.tokens[j].kind === 'newline') j++;
    return this.tokens[j];
  }

  private skipNewlines(): void {
    while (this.tokens[this.i].kind === 'newline') this.i++;
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    this.prev = t;
    return t;
  }

  private isKw(t: Token, kw: string): boolean {
    return t.kind === 'ident' && t.keyword === kw;
  }

  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private isOp(t: Token, op: string): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private acceptKw(kw: string): Token | undefined {
    return this.isKw(this.peek(), kw) ? this.advance() : undefined;
  }

  private acceptPunct(p: string): Token | undefined {
    return this.isPunct(this.peek(), p) ? this.advance() : undefined;
  }

  private expectPunct(p: string, after: string): Token {
    const t = this.peek();
    if (this.isPunct(t, p)) return this.advance();
    return this.fail(t, `expected '${p}' ${after}, found ${describe(t)}`);
  }

  private from(start: Loc): Loc {
    return span(start, this.prev);
  }

  // ---- diagnostics and recovery ----

  private report(code: YaralCode, at: Loc, message: string): void {
    if (code === 'yaral_syntax' && ++this.syntaxErrors > MAX_SYNTAX_ERRORS) return;
    this.diagnostics.push(yaralDiagnostic(code, this.file, at, message));
  }

  private fail(at: Loc, message: string, code: YaralCode = 'yaral_syntax'): never {
    this.report(code, at, message);
    throw new SyntaxFailure(code === 'yaral_nesting');
  }

  /** Runs `body`; on failure restores bracket state and skips to the recovery point. */
  private recover(body: () => void, toSectionEnd: boolean): void {
    const saved = { nlSkip: this.nlSkip, depth: this.depth };
    try {
      body();
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
      this.nlSkip = saved.nlSkip;
      this.depth = saved.depth;
      if (toSectionEnd || e.toSectionEnd) this.skipToSectionEnd();
      else this.skipLine();
    }
  }

  private skipLine(): void {
    while (!this.atRawLineEnd() && !this.atSectionHeader()) this.i++;
  }

  /** `name:` for a section name: where a one-line rule's next section starts. */
  private atSectionHeader(): boolean {
    const t = this.tokens[this.i];
    return this.isSectionName(t) && this.isPunct(this.tokens[this.i + 1], ':');
  }

  private skipToSectionEnd(): void {
    while (!this.atSectionEnd()) this.i++;
  }

  private atRawLineEnd(): boolean {
    const t = this.tokens[this.i];
    return t.kind === 'newline' || t.kind === 'eof' || this.isPunct(t, '}');
  }

  /** A section name at the start of what follows, with or without its ':'. */
  private isSectionName(t: Token): boolean {
    return t.kind === 'ident' && (SECTIONS as readonly string[]).includes(t.keyword ?? '');
  }

  private atSectionEnd(): boolean {
    const t = this.nextSignificant();
    return t.kind === 'eof' || this.isPunct(t, '}') || this.isSectionName(t);
  }

  // ---- file and rule ----

  parseFile(): Rule[] {
    const rules: Rule[] = [];
    this.nlSkip = 1;
    while (this.peek().kind !== 'eof') {
      const t = this.peek();
      if (this.isKw(t, 'rule')) {
        rules.push(this.parseRule());
        continue;
      }
      this.report('yaral_syntax', t, `expected 'rule', found ${describe(t)}`);
      this.advance();
      while (this.peek().kind !== 'eof' && !this.isKw(this.peek(), 'rule')) this.advance();
    }
    return rules;
  }

  private parseRule(): Rule {
    const start = this.advance();
    const rule: Rule = {
      name: '',
      file: this.file,
      meta: [],
      events: [],
      outcome: [],
      options: [],
      loc: span(start, start),
    };
    this.recover(() => {
      const name = this.peek();
      if (name.kind !== 'ident')
        this.fail(name, `expected a rule name after 'rule', found ${describe(name)}`);
      rule.name = this.advance().value;
      rule.loc = span(name, name);
      this.expectPunct('{', `after the name of rule '${rule.name}'`);
    }, true);
    this.parseSections(rule);
    return rule;
  }

  private parseSections(rule: Rule): void {
    const seen = new Set<SectionName>();
    let last = -1;
    for (;;) {
      const t = this.peek();
      if (this.isPunct(t, '}')) {
        this.advance();
        break;
      }
      if (t.kind === 'eof' || this.isKw(t, 'rule')) {
        this.report(
          'yaral_syntax',
          t,
          `expected '}' to close rule '${rule.name}', found ${describe(t)}`,
        );
        break;
      }
      if (!this.isSectionName(t)) {
        const names = SECTIONS.join(', ');
        this.report(
          'yaral_syntax',
          t,
          `expected a section (${names}) or '}', found ${describe(t)}`,
        );
        this.advance();
        this.skipToSectionEnd();
        continue;
      }
      last = this.sectionHeader(t, seen, last);
      this.parseSection(t.keyword as SectionName, rule);
    }
    for (const name of REQUIRED) {
      if (!seen.has(name)) {
        this.report(
          'yaral_section_order',
          rule.loc,
          `rule '${rule.name}' has no '${name}' section`,
        );
      }
    }
  }

  /** Consumes `name:` and checks order; returns the new position in the section order. */
  private sectionHeader(t: Token, seen: Set<SectionName>, last: number): number {
    const name = t.keyword as SectionName;
    const index = SECTIONS.indexOf(name);
    this.advance();
    if (!this.acceptPunct(':')) {
      const next = this.peek();
      this.report('yaral_syntax', next, `expected ':' after '${name}', found ${describe(next)}`);
    }
    if (seen.has(name)) {
      this.report('yaral_section_order', t, `section '${name}' appears twice`);
    } else if (index < last) {
      const after = SECTIONS[last];
      this.report('yaral_section_order', t, `section '${name}' must come before '${after}'`);
    }
    seen.add(name);
    return Math.max(last, index);
  }

  private parseSection(name: SectionName, rule: Rule): void {
    switch (name) {
      case 'meta':
        return this.lines(() => rule.meta.push(this.metaEntry()), true);
      case 'events':
        return this.lines(() => rule.events.push(this.predicate()), false);
      case 'match':
        return this.recover(() => (rule.match = this.matchSection()), true);
      case 'outcome':
        return this.lines(() => rule.outcome.push(this.outcomeEntry()), false);
      case 'condition':
        return this.recover(() => (rule.condition = this.conditionSection()), true);
      case 'options':
        return this.lines(() => rule.options.push(this.optionEntry()), true);
    }
  }

  /** Parses one entry per line until the section ends; `blind` sections ignore line breaks. */
  private lines(entry: () => void, blind: boolean): void {
    const saved = this.nlSkip;
    this.nlSkip = blind ? 1 : 0;
    for (;;) {
      this.skipNewlines();
      if (this.atSectionEnd()) break;
      const before = this.i;
      this.recover(() => {
        entry();
        if (!blind) this.expectLineEnd();
      }, false);
      if (this.i === before) this.i++; // never loop on a token nothing consumes
    }
    this.nlSkip = saved;
  }

  private expectLineEnd(): void {
    const t = this.tokens[this.i];
    if (this.atRawLineEnd()) return;
    this.fail(t, `expected the end of the line, found ${describe(t)}`);
  }

  // ---- sections ----

  private metaEntry(): MetaEntry {
    const key = this.peek();
    if (key.kind !== 'ident') this.fail(key, `expected a meta key, found ${describe(key)}`);
    this.advance();
    const eq = this.peek();
    if (!this.isOp(eq, '='))
      this.fail(eq, `expected '=' after meta key '${key.value}', found ${describe(eq)}`);
    this.advance();
    const value = this.peek();
    if (value.kind !== 'string') {
      this.fail(
        value,
        `expected a quoted string as the value of '${key.value}', found ${describe(value)}`,
      );
    }
    this.advance();
    return { key: key.value, value: value.value, loc: this.from(key) };
  }

  private predicate(): Expr {
    return this.parseOr();
  }

  private outcomeEntry(): Outcome {
    const name = this.peek();
    if (name.kind !== 'var')
      this.fail(name, `expected an outcome variable ('$name'), found ${describe(name)}`);
    this.advance();
    const eq = this.peek();
    if (!this.isOp(eq, '='))
      this.fail(eq, `expected '=' after '$${name.value}', found ${describe(eq)}`);
    this.advance();
    this.skipNewlines();
    const expr = this.parseOr();
    return { name: name.value, expr, loc: span(name, name) };
  }

  private optionEntry(): OptionEntry {
    const key = this.peek();
    if (key.kind !== 'ident') this.fail(key, `expected an option name, found ${describe(key)}`);
    this.advance();
    const eq = this.peek();
    if (!this.isOp(eq, '='))
      this.fail(eq, `expected '=' after option '${key.value}', found ${describe(eq)}`);
    this.advance();
    return { key: key.value, value: this.parsePrimary(), loc: span(key, key) };
  }

  private matchSection(): Match {
    this.nlSkip++;
    const start = this.peek();
    const variables: Match['variables'] = [];
    do {
      const v = this.peek();
      if (v.kind !== 'var')
        this.fail(v, `expected a match variable ('$name'), found ${describe(v)}`);
      this.advance();
      variables.push({ name: v.value, loc: span(v, v) });
    } while (this.acceptPunct(','));
    const window = this.window();
    this.nlSkip--;
    this.expectSectionEnd('match');
    return { variables, window, loc: this.from(start) };
  }

  private window(): Window {
    const t = this.peek();
    const by = this.isKw(t, 'by');
    if (!by && !this.isKw(t, 'over'))
      this.fail(t, `expected 'over' or 'by' after the match variables, found ${describe(t)}`);
    this.advance();
    const d = this.peek();
    if (d.kind !== 'duration')
      this.fail(d, `expected a duration such as 5m, 1h or 1d, found ${describe(d)}`);
    this.advance();
    const window: Window = {
      seconds: durationSeconds(d.value),
      text: d.value,
      kind: by ? 'by' : 'hop',
      loc: span(t, d),
    };
    const dir = this.peek();
    if (!by && (this.isKw(dir, 'before') || this.isKw(dir, 'after'))) {
      this.advance();
      const pivot = this.peek();
      if (pivot.kind !== 'var')
        this.fail(
          pivot,
          `expected an event variable after '${dir.keyword}', found ${describe(pivot)}`,
        );
      this.advance();
      window.kind = dir.keyword as WindowKind;
      window.pivot = pivot.value;
      window.loc = this.from(t);
    }
    return window;
  }

  private conditionSection(): Expr {
    this.nlSkip++;
    const e = this.parseOr();
    this.nlSkip--;
    this.expectSectionEnd('condition');
    return e;
  }

  private expectSectionEnd(section: string): void {
    if (this.atSectionEnd()) return;
    const t = this.nextSignificant();
    this.fail(
      t,
      `expected the end of the '${section}' section, found ${describe(t)}`,
      'yaral_syntax',
    );
  }

  // ---- expressions ----

  private enter(at: Token): void {
    if (++this.depth > MAX_DEPTH)
      this.fail(at, `expressions nest deeper than ${MAX_DEPTH} levels`, 'yaral_nesting');
  }

  /** Is the next token, possibly on a following line, the connective `kw`? */
  private continuesWith(kw: 'and' | 'or'): boolean {
    return this.isKw(this.nextSignificant(), kw);
  }

  private parseOr(): Expr {
    return this.logical('or', () => this.parseAnd());
  }

  private parseAnd(): Expr {
    return this.logical('and', () => this.parseNot());
  }

  private logical(kw: 'and' | 'or', operand: () => Expr): Expr {
    const first = operand();
    const operands = [first];
    while (this.continuesWith(kw)) {
      this.skipNewlines();
      this.advance();
      this.skipNewlines();
      operands.push(operand());
    }
    if (operands.length === 1) return first;
    return { kind: kw, operands, loc: this.from(first.loc) };
  }

  private parseNot(): Expr {
    const t = this.peek();
    const bang = this.isPunct(t, '!');
    if (!bang && !this.isKw(t, 'not')) return this.parseComparison();
    this.advance();
    this.enter(t);
    const operand = bang ? this.parsePrimary() : this.parseNot();
    this.depth--;
    return { kind: 'not', operand, bang, loc: this.from(t) };
  }

  private parseComparison(): Expr {
    const start = this.peek();
    const quantifier =
      this.isKw(start, 'any') || this.isKw(start, 'all') ? this.advance().keyword : undefined;
    let left = this.parseAdditive();
    if (quantifier)
      left = {
        kind: 'quantified',
        quantifier: quantifier as 'any' | 'all',
        operand: left,
        loc: this.from(start),
      };
    const t = this.peek();
    if (this.isKw(t, 'in')) return this.inList(left, start);
    if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
      this.advance();
      this.skipNewlines();
      const right = this.parseAdditive();
      const nocase = !!this.acceptKw('nocase');
      return {
        kind: 'compare',
        op: t.text as CompareOp,
        left,
        right,
        nocase,
        loc: this.from(start),
      };
    }
    if (left.kind === 'call' && this.acceptKw('nocase'))
      return { ...left, nocase: true, loc: this.from(start) };
    return left;
  }

  private inList(operand: Expr, start: Loc): Expr {
    this.advance();
    let listKind: ListKind = 'plain';
    if (this.acceptKw('regex')) listKind = 'regex';
    else if (this.acceptKw('cidr')) listKind = 'cidr';
    const list = this.peek();
    if (list.kind !== 'list')
      this.fail(list, `expected a reference list ('%name') after 'in', found ${describe(list)}`);
    this.advance();
    const nocase = !!this.acceptKw('nocase');
    return { kind: 'in_list', operand, list: list.value, listKind, nocase, loc: this.from(start) };
  }

  private parseAdditive(): Expr {
    return this.arith(['+', '-'], () => this.parseMultiplicative());
  }

  private parseMultiplicative(): Expr {
    return this.arith(['*', '/', '%'], () => this.parseUnary());
  }

  /** Left-associative chain; its length counts as depth, since the tree it builds is as deep. */
  private arith(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    for (let length = 1; ; length++) {
      const t = this.peek();
      if (t.kind !== 'op' || !ops.includes(t.text)) return left;
      if (this.depth + length > MAX_DEPTH) {
        this.fail(t, `expressions nest deeper than ${MAX_DEPTH} levels`, 'yaral_nesting');
      }
      this.advance();
      this.skipNewlines();
      const right = operand();
      left = { kind: 'arith', op: t.text as '+', left, right, loc: this.from(left.loc) };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (!this.isOp(t, '-')) return this.parsePrimary();
    this.advance();
    const n = this.peek();
    if (n.kind !== 'int' && n.kind !== 'float')
      this.fail(n, `expected a number after '-', found ${describe(n)}`);
    this.advance();
    return { kind: n.kind, value: -Number(n.value), loc: this.from(t) };
  }

  parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'var':
        return this.variableOrField();
      case 'count':
        this.advance();
        return { kind: 'count', name: t.value, loc: span(t, t) };
      case 'string':
      case 'rawstring':
        this.advance();
        return { kind: 'string', value: t.value, raw: t.kind === 'rawstring', loc: span(t, t) };
      case 'regex':
        this.advance();
        return { kind: 'regex', pattern: t.value, loc: span(t, t) };
      case 'int':
      case 'float':
        this.advance();
        return { kind: t.kind, value: Number(t.value), loc: span(t, t) };
      case 'duration':
        this.advance();
        return {
          kind: 'duration',
          seconds: durationSeconds(t.value),
          text: t.value,
          loc: span(t, t),
        };
      case 'ident':
        return this.identPrimary(t);
      case 'punct':
        if (t.text === '(') return this.parenthesized(t);
    }
    return this.fail(t, `expected an expression, found ${describe(t)}`);
  }

  private parenthesized(open: Token): Expr {
    this.advance();
    this.enter(open);
    this.nlSkip++;
    const inner = this.parseOr();
    this.expectPunct(')', `to close the '(' at ${open.line}:${open.column}`);
    this.nlSkip--;
    this.depth--;
    return inner;
  }

  private identPrimary(t: Token): Expr {
    if (t.keyword === 'true' || t.keyword === 'false') {
      this.advance();
      return { kind: 'bool', value: t.keyword === 'true', loc: span(t, t) };
    }
    const next = this.peekAfter();
    if (!this.isPunct(next, '(') && !this.isPunct(next, '.')) {
      return this.fail(t, `expected an expression, found ${describe(t)}`);
    }
    return this.call(t);
  }

  private variableOrField(): Expr {
    const v = this.advance();
    const path: PathStep[] = [];
    for (;;) {
      const t = this.tokens[this.i];
      if (this.isPunct(t, '.')) path.push(this.nameStep());
      else if (this.isPunct(t, '[')) path.push(this.bracketStep());
      else break;
    }
    if (!path.length) return { kind: 'variable', name: v.value, loc: span(v, v) };
    return { kind: 'field', variable: v.value, path, loc: this.from(v) };
  }

  private nameStep(): PathStep {
    this.advance();
    const n = this.peek();
    if (n.kind !== 'ident') this.fail(n, `expected a field name after '.', found ${describe(n)}`);
    this.advance();
    return { kind: 'name', name: n.value, loc: span(n, n) };
  }

  private bracketStep(): PathStep {
    const open = this.advance();
    const k = this.peek();
    if (k.kind !== 'int' && k.kind !== 'string') {
      this.fail(k, `expected an index or a quoted key after '[', found ${describe(k)}`);
    }
    this.advance();
    this.expectPunct(']', k.kind === 'int' ? 'after the index' : 'after the map key');
    const loc = this.from(open);
    return k.kind === 'int'
      ? { kind: 'index', index: Number(k.value), loc }
      : { kind: 'key', key: k.value, loc };
  }

  private call(start: Token): Expr {
    const names = [this.advance().value];
    while (this.acceptPunct('.')) {
      const n = this.peek();
      if (n.kind !== 'ident')
        this.fail(n, `expected a function name after '.', found ${describe(n)}`);
      names.push(this.advance().value);
    }
    const name = names.join('.');
    this.expectPunct('(', `after function name '${name}'`);
    this.enter(start);
    this.nlSkip++;
    const args = this.isPunct(this.peek(), ')') ? [] : this.args();
    this.expectPunct(')', `to close the arguments of '${name}'`);
    this.nlSkip--;
    this.depth--;
    return this.callNode(names, args, start);
  }

  private args(): Expr[] {
    const args: Expr[] = [];
    do {
      const start = this.peek();
      const q =
        this.isKw(start, 'any') || this.isKw(start, 'all') ? this.advance().keyword : undefined;
      const arg = this.parseOr();
      args.push(
        q
          ? { kind: 'quantified', quantifier: q as 'any', operand: arg, loc: this.from(start) }
          : arg,
      );
    } while (this.acceptPunct(','));
    return args;
  }

  private callNode(names: string[], args: Expr[], start: Token): Expr {
    const loc = this.from(start);
    const lower = names[0].toLowerCase();
    if (names.length === 1 && lower === 'if') {
      if (args.length < 2 || args.length > 3)
        this.fail(start, `if() takes 2 or 3 arguments, found ${args.length}`);
      return {
        kind: 'if',
        cond: args[0],
        then: args[1],
        ...(args[2] ? { else: args[2] } : {}),
        loc,
      };
    }
    if (names.length === 1 && AGGREGATES.has(lower)) {
      if (args.length !== 1)
        this.fail(start, `${lower}() takes one argument, found ${args.length}`);
      return { kind: 'aggregate', fn: lower as AggregateFn, arg: args[0], loc };
    }
    const name = names[names.length - 1];
    const namespace = names.length > 1 ? names.slice(0, -1).join('.') : undefined;
    return { kind: 'call', ...(namespace ? { namespace } : {}), name, args, nocase: false, loc };
  }
}
