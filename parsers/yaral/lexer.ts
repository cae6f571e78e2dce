/**
 * The YARA-L 2.0 lexer. It never throws: a character it cannot read, or a string, comment or
 * regex that does not end, becomes a `yaral_lexical` diagnostic and lexing goes on, so the parser
 * still sees the rest of the file. Words are all `ident` tokens with a lower-cased `keyword` when
 * they spell one: YARA-L keywords are case-insensitive and several (`regex`, `count`, `type`-like
 * meta keys) are ordinary names in other positions, so the parser decides by context.
 */

import { type Loc, type YaralDiagnostic, yaralDiagnostic } from './diagnostics';

export type TokenKind =
  | 'ident'
  | 'var' // $name
  | 'count' // #name
  | 'list' // %name
  | 'int'
  | 'float'
  | 'duration' // 5m, 1h, 2d
  | 'string' // "…", escapes decoded into `value`
  | 'rawstring' // `…`, nothing decoded
  | 'regex' // /…/, `value` is the pattern between the slashes
  | 'op' // = != < <= > >= + - * / %
  | 'punct' // ( ) [ ] { } , : . !
  | 'newline'
  | 'eof';

export interface Token extends Loc {
  kind: TokenKind;
  /** The source text of the token. */
  text: string;
  /** Decoded content: the name without its sigil, the string without quotes and escapes. */
  value: string;
  /** Lower-cased keyword, for `ident` tokens that spell one. */
  keyword?: string;
  endColumn: number;
}

export const KEYWORDS = new Set([
  'rule',
  'meta',
  'match',
  'over',
  'events',
  'condition',
  'outcome',
  'options',
  'and',
  'or',
  'not',
  'nocase',
  'in',
  'regex',
  'cidr',
  'before',
  'after',
  'all',
  'any',
  'if',
  'max',
  'min',
  'sum',
  'array',
  'array_distinct',
  'count',
  'count_distinct',
  'is',
  'null',
  'by',
  'window_start',
  'window_end',
  'true',
  'false',
]);

const DURATION_UNITS = new Set(['m', 'h', 'd']);
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
const TWO_CHAR_OPS = new Set(['!=', '<=', '>=']);
const ONE_CHAR_OPS = new Set(['=', '<', '>', '+', '-', '*', '/', '%']);
const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', '!']);

/** Tokens after which `/` divides; after anything else it opens a regex literal. */
function endsOperand(token: Token | undefined): boolean {
  if (!token) return false;
  if (token.kind === 'ident') {
    return !['and', 'or', 'not', 'in', 'nocase', 'any', 'all'].includes(token.keyword ?? '');
  }
  if (token.kind === 'punct') return token.text === ')' || token.text === ']';
  return !['op', 'newline', 'eof'].includes(token.kind);
}

const isIdentStart = (c: string) => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export interface LexResult {
  tokens: Token[];
  diagnostics: YaralDiagnostic[];
}

export function lex(text: string, file: string): LexResult {
  return new Lexer(text, file).run();
}

class Lexer {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  private readonly diagnostics: YaralDiagnostic[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  run(): LexResult {
    while (this.pos < this.text.length) this.next();
    this.push('eof', this.pos, '');
    return { tokens: this.tokens, diagnostics: this.diagnostics };
  }

  private get column(): number {
    return this.pos - this.lineStart + 1;
  }

  private next(): void {
    const c = this.text[this.pos];
    const d = this.text[this.pos + 1] ?? '';
    if (c === '\n') return this.newline();
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') return void this.pos++;
    if (c === '/' && d === '/') return this.lineComment();
    if (c === '/' && d === '*') return this.blockComment();
    if (c === '"') return this.quoted();
    if (c === '`') return this.raw();
    if (c === '/' && !endsOperand(this.tokens[this.tokens.length - 1])) return this.regex();
    if (isDigit(c)) return this.number();
    if (isIdentStart(c)) return this.word('ident', this.pos);
    if ((c === '$' || c === '#') && isIdentStart(d)) return this.sigil(c === '$' ? 'var' : 'count');
    if (c === '%' && isIdentStart(d)) return this.sigil('list');
    this.operator(c, d);
  }

  private newline(): void {
    const last = this.tokens[this.tokens.length - 1];
    // Runs of blank lines carry no more meaning than one line break.
    if (last && last.kind !== 'newline') this.push('newline', this.pos, '\n');
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  private push(kind: TokenKind, start: number, value: string, keyword?: string): void {
    const column = start - this.lineStart + 1;
    const raw = this.text.slice(start, Math.max(start, this.pos));
    const token: Token = { kind, text: raw, value, line: this.line, column, endColumn: column };
    token.endColumn = column + (kind === 'newline' ? 1 : raw.length);
    if (kind === 'newline') token.text = '\n';
    if (keyword) token.keyword = keyword;
    this.tokens.push(token);
  }

  private report(start: number, end: number, message: string): void {
    const column = start - this.lineStart + 1;
    const at = { line: this.line, column, endColumn: column + Math.max(1, end - start) };
    this.diagnostics.push(yaralDiagnostic('yaral_lexical', this.file, at, message));
  }

  private lineComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++;
  }

  private blockComment(): void {
    const start = { pos: this.pos, line: this.line, lineStart: this.lineStart };
    let sawNewline = false;
    this.pos += 2;
    while (this.pos < this.text.length && !this.text.startsWith('*/', this.pos)) {
      if (this.text.startsWith('/*', this.pos)) this.nestedOpen();
      if (this.text[this.pos] === '\n') {
        sawNewline = true;
        this.line++;
        this.lineStart = this.pos + 1;
      }
      this.pos++;
    }
    if (this.pos >= this.text.length) {
      const at = { line: start.line, column: start.pos - start.lineStart + 1 };
      const message = "unterminated block comment: no '*/' before the end of the file";
      this.diagnostics.push(
        yaralDiagnostic('yaral_lexical', this.file, { ...at, endColumn: at.column + 2 }, message),
      );
      return;
    }
    this.pos += 2;
    // A comment spanning lines still separates the lines around it (events and outcome care).
    if (sawNewline) this.markLineBreak();
  }

  // Block comments do not nest; point at the inner opener, since the first closer ends both.
  private nestedOpen(): void {
    this.report(this.pos, this.pos + 2, "'/*' inside a block comment: comments do not nest");
  }

  private markLineBreak(): void {
    const last = this.tokens[this.tokens.length - 1];
    if (!last || last.kind === 'newline') return;
    const column = this.column;
    this.tokens.push({
      kind: 'newline',
      text: '\n',
      value: '\n',
      line: this.line,
      column,
      endColumn: column + 1,
    });
  }

  private quoted(): void {
    const start = this.pos++;
    let value = '';
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '"') {
        this.pos++;
        return this.push('string', start, value);
      }
      if (c === '\n') break;
      if (c === '\\' && this.pos + 1 < this.text.length && this.text[this.pos + 1] !== '\n') {
        const e = this.text[this.pos + 1];
        // Unknown escapes keep their backslash: `"\."` reaches a regex function intact.
        value += ESCAPES[e] ?? `\\${e}`;
        this.pos += 2;
        continue;
      }
      value += c;
      this.pos++;
    }
    this.report(start, this.pos, "unterminated string: no closing '\"' on this line");
    this.push('string', start, value);
  }

  private raw(): void {
    const start = this.pos++;
    const close = this.text.indexOf('`', this.pos);
    const eol = this.text.indexOf('\n', this.pos);
    if (close < 0 || (eol >= 0 && eol < close)) {
      this.pos = eol < 0 ? this.text.length : eol;
      this.report(start, this.pos, "unterminated raw string: no closing '`' on this line");
      return this.push('rawstring', start, this.text.slice(start + 1, this.pos));
    }
    this.pos = close + 1;
    this.push('rawstring', start, this.text.slice(start + 1, close));
  }

  private regex(): void {
    const start = this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos];
      if (c === '\n') break;
      if (c === '\\' && this.text[this.pos + 1] !== '\n') {
        this.pos += 2;
        continue;
      }
      if (c === '/') {
        this.pos++;
        return this.push('regex', start, this.text.slice(start + 1, this.pos - 1));
      }
      this.pos++;
    }
    this.pos = Math.min(this.pos, this.text.length);
    this.report(start, this.pos, "unterminated regex: no closing '/' on this line");
    this.push('regex', start, this.text.slice(start + 1, this.pos));
  }

  private number(): void {
    const start = this.pos;
    while (isDigit(this.text[this.pos] ?? '')) this.pos++;
    const c = this.text[this.pos] ?? '';
    if (c === '.' && isDigit(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      while (isDigit(this.text[this.pos] ?? '')) this.pos++;
      return this.push('float', start, this.text.slice(start, this.pos));
    }
    if (DURATION_UNITS.has(c) && !isIdentPart(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      return this.push('duration', start, this.text.slice(start, this.pos));
    }
    if (isIdentStart(c)) {
      // `12abc` is neither a number nor a name; take it whole so one diagnostic covers it.
      while (isIdentPart(this.text[this.pos] ?? '')) this.pos++;
      this.report(
        start,
        this.pos,
        `'${this.text.slice(start, this.pos)}' is not a number or duration`,
      );
      return;
    }
    this.push('int', start, this.text.slice(start, this.pos));
  }

  private word(kind: TokenKind, start: number, from = start): void {
    this.pos = from;
    while (isIdentPart(this.text[this.pos] ?? '')) this.pos++;
    const value = this.text.slice(from, this.pos);
    const lower = value.toLowerCase();
    this.push(kind, start, value, kind === 'ident' && KEYWORDS.has(lower) ? lower : undefined);
  }

  private sigil(kind: 'var' | 'count' | 'list'): void {
    this.word(kind, this.pos, this.pos + 1);
  }

  private operator(c: string, d: string): void {
    const start = this.pos;
    if (TWO_CHAR_OPS.has(c + d)) {
      this.pos += 2;
      return this.push('op', start, c + d);
    }
    this.pos++;
    if (ONE_CHAR_OPS.has(c)) return this.push('op', start, c);
    if (PUNCT.has(c)) return this.push('punct', start, c);
    const shown =
      c === '$' || c === '#' ? `'${c}' must be followed by a name` : `unexpected ${describe(c)}`;
    this.report(start, this.pos, shown);
  }
}

function describe(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 32 || code > 126 ? `character U+${code.toString(16).padStart(4, '0')}` : `'${c}'`;
}
