import { describe, expect, it } from 'vitest';
import { lex } from '../../parsers/yaral/lexer';
import { MAX_DEPTH, parseRules } from '../../parsers/yaral/parser';
import { at, diagnose, ruleText } from './helpers';

describe('hostile input', () => {
  it('refuses 10000 nested parentheses with one diagnostic, not a stack overflow', () => {
    const deep = `${'('.repeat(10000)}$e.a = 1${')'.repeat(10000)}`;
    const r = parseRules(ruleText([deep, '$e.metadata.id = "x"']), 't');
    expect(r.diagnostics.map(at)).toEqual([`yaral_nesting@5:${5 + MAX_DEPTH}`]);
    // The rest of the section is skipped, later sections still parse.
    expect(r.rules[0].condition).toMatchObject({ kind: 'variable', name: 'e' });
  });

  it('refuses deep nesting of not, calls and if() too', () => {
    for (const deep of [
      `${'not '.repeat(5000)}$e.a = 1`,
      `${'f('.repeat(5000)}1${')'.repeat(5000)} = 1`,
      `$e.a = ${'max('.repeat(5000)}1${')'.repeat(5000)}`,
      // A long operator chain builds a tree as deep as the chain is long.
      `$e.a = ${Array.from({ length: 100_000 }, () => '1').join(' + ')}`,
    ]) {
      const codes = parseRules(ruleText([deep]), 't').diagnostics.map((d) => d.code);
      expect(codes).toEqual(['yaral_nesting']);
    }
  });

  it('parses a 1 MB rule file in reasonable time', () => {
    const line =
      '$e.principal.hostname = /^host-[0-9]+\\.example\\.com$/ nocase or $e.target.port = 1';
    const lines = Array.from({ length: Math.ceil(1_000_000 / line.length) }, () => line);
    const text = ruleText(lines);
    expect(text.length).toBeGreaterThan(1_000_000);
    const started = Date.now();
    const r = parseRules(text, 't');
    const elapsed = Date.now() - started;
    expect(r.diagnostics).toEqual([]);
    expect(r.rules[0].events).toHaveLength(lines.length);
    expect(elapsed).toBeLessThan(5000);
  });

  it('caps the number of syntax errors reported for a file of garbage', () => {
    const garbage = ruleText(Array.from({ length: 5000 }, () => '= = ='));
    const r = parseRules(garbage, 't');
    expect(r.diagnostics.length).toBeLessThanOrEqual(101);
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaral_syntax', line: 5, column: 5 });
  });

  it('reports unterminated everything without throwing', () => {
    for (const text of [
      'rule',
      'rule t',
      'rule t {',
      'rule t { meta:',
      'rule t { meta: a =',
      'rule t { meta: a = "x',
      'rule t { events: $e.a = `x',
      'rule t { events: $e.a = /x',
      'rule t { events: $e.a[',
      'rule t { events: $e.a["k',
      'rule t { events: re.regex(',
      'rule t { match: $x over',
      'rule t { outcome: $o = if(',
      'rule t { condition: #e >',
      '/* rule t {',
      '"',
      '$',
      '\u0000\u0001\uffff',
    ]) {
      const r = parseRules(text, 't');
      expect(r.diagnostics.length, text).toBeGreaterThan(0);
      for (const d of r.diagnostics) expect(d.line, text).toBeGreaterThanOrEqual(1);
      expect(() => diagnose(text)).not.toThrow();
    }
  });

  it('lexes a long line of slashes and quotes in linear time', () => {
    const text = '/"/`'.repeat(100_000);
    const started = Date.now();
    lex(text, 't');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('hostile input through the checker', () => {
  it('checks a rule with thousands of predicates and outcomes quickly', () => {
    const events = Array.from(
      { length: 5000 },
      (_, i) => `$e.principal.hostname = "h${i}" or $e.target.port = ${i}`,
    );
    const outcome = Array.from({ length: 50 }, (_, i) => `    $o${i} = max(${i})`).join('\n');
    const started = Date.now();
    const d = diagnose(ruleText(events, `outcome:\n${outcome}\n  condition:\n    $e`));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(d.map((x) => x.code)).toEqual(['yaral_outcome_count']);
  });
});
