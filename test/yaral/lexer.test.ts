import { describe, expect, it } from 'vitest';
import { lex, type Token } from '../../parsers/yaral/lexer';

const kinds = (text: string) => lex(text, 't').tokens.map((t) => t.kind);
const significant = (text: string): Token[] =>
  lex(text, 't').tokens.filter((t) => t.kind !== 'newline' && t.kind !== 'eof');

describe('yaral lexer', () => {
  it('reads a slash after an operator as a regex and after an operand as division', () => {
    const regex = significant('$e.f = /a\\/b+/ nocase');
    expect(regex.map((t) => t.kind)).toEqual(['var', 'punct', 'ident', 'op', 'regex', 'ident']);
    expect(regex[4].value).toBe('a\\/b+');
    expect(significant('$x / 2').map((t) => t.text)).toEqual(['$x', '/', '2']);
    expect(significant('max(1) / 2')[4]).toMatchObject({ kind: 'op', text: '/' });
    expect(significant('f(/x/, 1)')[2]).toMatchObject({ kind: 'regex', value: 'x' });
    expect(significant('a and /x/')[2]).toMatchObject({ kind: 'regex' });
    expect(significant('$e.port[0] / 4')[6]).toMatchObject({ kind: 'op', text: '/' });
  });

  it('reads raw strings verbatim and decodes double-quoted escapes', () => {
    expect(significant('`a\\d+"`')[0]).toMatchObject({ kind: 'rawstring', value: 'a\\d+"' });
    const s = significant('"q\\"b\\\\c\\n\\."')[0];
    expect(s).toMatchObject({ kind: 'string', value: 'q"b\\c\n\\.' });
  });

  it('reads durations, integers and floats, and refuses malformed numbers', () => {
    expect(significant('5m 1h 2d 7 1.5').map((t) => [t.kind, t.value])).toEqual([
      ['duration', '5m'],
      ['duration', '1h'],
      ['duration', '2d'],
      ['int', '7'],
      ['float', '1.5'],
    ]);
    const bad = lex('5mx', 't');
    expect(bad.diagnostics).toMatchObject([{ code: 'yaral_lexical', line: 1, column: 1 }]);
  });

  it('treats keywords case-insensitively and keeps sigils apart', () => {
    const t = significant('AND Or $x #e %list % 2');
    expect(t.map((x) => x.keyword ?? x.kind)).toEqual([
      'and',
      'or',
      'var',
      'count',
      'list',
      'op',
      'int',
    ]);
    expect(t[2].value).toBe('x');
    expect(t[4].value).toBe('list');
  });

  it('gives tokens 1-based lines, columns and end columns', () => {
    const t = significant('rule r {\n  meta:\n    a = "bc"')[7];
    expect(t).toMatchObject({ kind: 'string', line: 3, column: 9, endColumn: 13 });
  });

  it('skips comments, keeping the line break a multi-line block comment stands for', () => {
    expect(kinds('a // x\nb')).toEqual(['ident', 'newline', 'ident', 'eof']);
    expect(kinds('a /* x\n y */ b')).toEqual(['ident', 'newline', 'ident', 'eof']);
    expect(kinds('a /* x */ b')).toEqual(['ident', 'ident', 'eof']);
  });

  it('refuses nested block comments with a located diagnostic', () => {
    const r = lex('/* a\n  /* b */ c */', 't');
    // The first '*/' closes the comment, so ' c */' is left over and lexed as code.
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaral_lexical', line: 2, column: 3 });
    expect(r.diagnostics[0].message).toContain('do not nest');
  });

  it('reports unterminated strings, raw strings, regexes and comments without throwing', () => {
    const r = lex('a = "x\nb = `y\nc = /z\n/* never closed', 't');
    expect(r.diagnostics.map((d) => [d.line, d.column])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 1],
    ]);
    expect(r.diagnostics.map((d) => d.message.split(':')[0])).toEqual([
      'unterminated string',
      'unterminated raw string',
      'unterminated regex',
      'unterminated block comment',
    ]);
  });

  it('reports stray characters at their location', () => {
    const r = lex('a @ b\n  $ ¤', 't');
    expect(r.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 3, "unexpected '@'"],
      [2, 3, "'$' must be followed by a name"],
      [2, 5, 'unexpected character U+00a4'],
    ]);
  });
});
