import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Expr, PathStep } from '../../parsers/yaral/ast';
import { parseRules } from '../../parsers/yaral/parser';
import { at, ruleText } from './helpers';

const parse = (text: string) => parseRules(text, 't.yaral');

function onlyRule(text: string) {
  const r = parse(text);
  expect(r.diagnostics).toEqual([]);
  expect(r.rules).toHaveLength(1);
  return r.rules[0];
}

function step(s: PathStep): string {
  if (s.kind === 'name') return s.name;
  return `[${s.kind === 'index' ? s.index : s.key}]`;
}

/** A compact rendering of an expression: enough structure to assert precedence. */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'and':
    case 'or':
      return `(${e.operands.map(shape).join(` ${e.kind} `)})`;
    case 'not':
      return `not ${shape(e.operand)}`;
    case 'compare':
      return `${shape(e.left)}${e.op}${shape(e.right)}${e.nocase ? ' nocase' : ''}`;
    case 'field':
      return `$${e.variable}.${e.path.map(step).join('.')}`;
    case 'variable':
      return `$${e.name}`;
    case 'count':
      return `#${e.name}`;
    case 'string':
      return JSON.stringify(e.value);
    case 'int':
    case 'float':
      return String(e.value);
    default:
      return e.kind;
  }
}

describe('events: implicit AND', () => {
  it('ANDs lines more loosely than an explicit or: a / or b / c is (a or b) and c', () => {
    const rule = onlyRule(ruleText(['$e.a.b = 1', 'or $e.a.c = 2', '$e.a.d = 3']));
    expect(rule.events.map(shape)).toEqual(['($e.a.b=1 or $e.a.c=2)', '$e.a.d=3']);
  });

  it('continues a predicate on a line starting with and, or after a line ending in or', () => {
    const rule = onlyRule(ruleText(['$e.a = 1', 'and $e.b = 2 or', '$e.c = 3', '$e.d = 4']));
    expect(rule.events.map(shape)).toEqual(['(($e.a=1 and $e.b=2) or $e.c=3)', '$e.d=4']);
  });

  it('keeps not tighter than and, and and tighter than or, within a line', () => {
    const rule = onlyRule(ruleText(['not $e.a = 1 and $e.b = 2 or $e.c = 3']));
    expect(shape(rule.events[0])).toBe('((not $e.a=1 and $e.b=2) or $e.c=3)');
  });

  it("parses the community KMS rule's event-name line as one or-predicate", () => {
    const file = path.join(
      __dirname,
      'data',
      'aws_kms_key_disabled_or_scheduled_for_deletion.yaral',
    );
    const rule = onlyRule(fs.readFileSync(file, 'utf8'));
    expect(rule.name).toBe('aws_kms_key_disabled_or_scheduled_for_deletion');
    expect(rule.events).toHaveLength(4);
    expect(shape(rule.events[2])).toBe(
      '($cloudtrail.metadata.product_event_type="DisableKey" or ' +
        '$cloudtrail.metadata.product_event_type="ScheduleKeyDeletion")',
    );
    expect(rule.events[2].loc).toMatchObject({ line: 37, column: 5 });
    expect(rule.outcome).toHaveLength(14);
    expect(rule.meta.find((m) => m.key === 'severity')?.value).toBe('High');
  });

  it('ignores newlines inside parentheses and call arguments', () => {
    const rule = onlyRule(
      ruleText(['($e.a = 1', '  or $e.b = 2)', 're.regex(', '  $e.c, `x`) nocase']),
    );
    expect(rule.events.map((e) => e.kind)).toEqual(['or', 'call']);
    expect(rule.events[1]).toMatchObject({
      kind: 'call',
      namespace: 're',
      name: 'regex',
      nocase: true,
    });
  });
});

describe('expressions', () => {
  it('parses fields with index and map steps, lists, quantifiers and nocase', () => {
    const rule = onlyRule(
      ruleText([
        '$e.about[1].labels["k"] = "v" nocase',
        'not $e.principal.ip in cidr %nets',
        'any $e.principal.ip = "10.0.0.1"',
        '$e.target.hostname in regex %hosts nocase',
        're.regex(all $e.about.hostname, `^a`)',
      ]),
    );
    expect(shape(rule.events[0])).toBe('$e.about.[1].labels.[k]="v" nocase');
    expect(rule.events[1]).toMatchObject({
      kind: 'not',
      operand: { kind: 'in_list', listKind: 'cidr', list: 'nets', nocase: false },
    });
    expect(rule.events[2]).toMatchObject({
      kind: 'compare',
      left: { kind: 'quantified', quantifier: 'any' },
    });
    expect(rule.events[3]).toMatchObject({ kind: 'in_list', listKind: 'regex', nocase: true });
    expect(rule.events[4]).toMatchObject({ kind: 'call', name: 'regex' });
    const args = rule.events[4].kind === 'call' ? rule.events[4].args : [];
    expect(args[0]).toMatchObject({
      kind: 'quantified',
      quantifier: 'all',
      operand: { kind: 'field' },
    });
    expect(args[1]).toMatchObject({ kind: 'string', raw: true, value: '^a' });
  });

  it('gives arithmetic its usual precedence and binds placeholders', () => {
    const rule = onlyRule(ruleText(['$e.a.b + 2 * 3 > -1', '$x = strings.to_lower($e.c.d)']));
    expect(rule.events[0]).toMatchObject({
      kind: 'compare',
      left: { kind: 'arith', op: '+', right: { kind: 'arith', op: '*' } },
      right: { kind: 'int', value: -1 },
    });
    expect(rule.events[1]).toMatchObject({
      right: { kind: 'call', namespace: 'strings', name: 'to_lower' },
    });
  });
});

describe('sections', () => {
  const full = ruleText(
    ['$e.principal.user.userid = $user'],
    [
      'match:',
      '    $user over 10m after $e',
      '  outcome:',
      '    $risk = max(',
      '      // comment inside',
      '      35 + if($e.principal.user.userid = "root", 40)',
      '    )',
      '    $names = array_distinct($e.principal.user.userid)',
      '  condition:',
      '    #e > 2 and $risk >= 50',
      '  options:',
      '    allow_zero_values = true',
    ].join('\n'),
  );

  it('parses match windows, multi-line outcomes, conditions and options', () => {
    const rule = onlyRule(full);
    expect(rule.match).toMatchObject({
      variables: [{ name: 'user' }],
      window: { seconds: 600, kind: 'after', pivot: 'e', text: '10m' },
    });
    expect(rule.outcome.map((o) => o.name)).toEqual(['risk', 'names']);
    expect(rule.outcome[0].expr).toMatchObject({
      kind: 'aggregate',
      fn: 'max',
      arg: { kind: 'arith', right: { kind: 'if', cond: { kind: 'compare' } } },
    });
    expect(JSON.stringify(rule.outcome[0].expr)).not.toContain('"else"');
    expect(shape(rule.condition!)).toBe('(#e>2 and $risk>=50)');
    expect(rule.options).toMatchObject([
      { key: 'allow_zero_values', value: { kind: 'bool', value: true } },
    ]);
  });

  it('parses tumbling and before windows', () => {
    const by = onlyRule(ruleText(['$e.a.b = $k'], 'match:\n    $k by 1h\n  condition:\n    $e'));
    expect(by.match?.window).toMatchObject({ kind: 'by', seconds: 3600 });
    const before = onlyRule(
      ruleText(['$e.a.b = $k'], 'match:\n    $k over 2d before $e\n  condition:\n    $e'),
    );
    expect(before.match?.window).toMatchObject({ kind: 'before', seconds: 172800, pivot: 'e' });
  });

  it('reads several rules from one file', () => {
    const r = parse(
      `${ruleText(['$e.a = 1'])}\n${ruleText(['$e.b = 2']).replace('rule t', 'rule u')}`,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.rules.map((x) => x.name)).toEqual(['t', 'u']);
  });

  it('reports sections out of order, repeated or missing', () => {
    const text =
      'rule t {\n  events:\n    $e.a = 1\n  meta:\n    a = "b"\n  events:\n    $e.b = 1\n}\n';
    expect(parse(text).diagnostics.map(at)).toEqual([
      'yaral_section_order@4:3',
      'yaral_section_order@6:3',
      'yaral_section_order@1:6',
    ]);
    expect(parse(text).diagnostics.map((d) => d.message)).toEqual([
      "section 'meta' must come before 'events'",
      "section 'events' appears twice",
      "rule 't' has no 'condition' section",
    ]);
  });
});

describe('syntax errors', () => {
  it("says what was expected and where: expected ':' after 'events'", () => {
    const r = parse(
      'rule t {\n  meta:\n    a = "b"\n  events\n    $e.a = 1\n  condition:\n    $e\n}\n',
    );
    expect(r.diagnostics.map(at)).toEqual(['yaral_syntax@5:5']);
    expect(r.diagnostics[0].message).toBe("expected ':' after 'events', found '$e'");
    expect(r.rules[0].events).toHaveLength(1);
  });

  it('reports several problems in one run and keeps parsing later lines and sections', () => {
    const text = ruleText(
      ['$e.a = = 1', '$e.b = 2', '$e.c = (3', '$e.d = 4'],
      'match:\n    $x over\n  outcome:\n    $o = max(\n    $p = 1\n  condition:\n    $e and',
    );
    const r = parse(text);
    expect(r.diagnostics.map(at)).toEqual([
      'yaral_syntax@5:12',
      'yaral_syntax@8:5',
      'yaral_syntax@11:3',
      'yaral_syntax@14:3',
      'yaral_syntax@16:1',
    ]);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      "expected an expression, found '='",
      // Newlines are insignificant inside parentheses, so an unclosed one runs into the next line.
      "expected ')' to close the '(' at 7:12, found '$e'",
      "expected a duration such as 5m, 1h or 1d, found 'outcome'",
      "expected ')' to close the arguments of 'max', found 'condition'",
      "expected an expression, found '}'",
    ]);
    expect(r.rules[0].events.map(shape)).toEqual(['$e.b=2']);
    expect(r.rules[0].outcome).toEqual([]);
  });

  it('reports a missing value in meta and text after a predicate', () => {
    const r = parse(
      ['rule t {', '  meta:', '    a = 1', '    b = "ok"', '  events:', '    $e.a = 1 2'].join(
        '\n',
      ) + '\n  condition:\n    $e\n}',
    );
    expect(r.diagnostics.map(at)).toEqual(['yaral_syntax@3:9', 'yaral_syntax@6:14']);
    expect(r.rules[0].meta.map((m) => m.key)).toEqual(['b']);
  });

  it('reports text outside a rule and a rule that is never closed', () => {
    const r = parse('junk here\nrule t {\n  meta:\n');
    expect(r.diagnostics.map(at)).toEqual([
      'yaral_syntax@1:1',
      'yaral_syntax@4:1',
      'yaral_section_order@2:6',
      'yaral_section_order@2:6',
    ]);
  });
});
