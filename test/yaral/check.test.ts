import { describe, expect, it } from 'vitest';
import { at, diagnose, ruleText } from './helpers';

const PET = '$e.metadata.product_event_type';
const USER = '$e.principal.user.userid';

/** Diagnostics for a rule with the given events and later sections. */
const codes = (events: string[], rest?: string) => diagnose(ruleText(events, rest)).map(at);

describe('checks that pass on good rules', () => {
  it('accepts a single-event rule with map access, timestamps, lists and regexes', () => {
    const events = [
      `${PET} = "DisableKey" or ${PET} = /^Schedule(Key)?Deletion$/ nocase`,
      '$e.additional.fields["pendingWindowInDays"] = "7"',
      '$e.target.resource.attribute.labels["k"] = "v"',
      '$e.metadata.event_timestamp.seconds > 0',
      '$e.metadata.event_type = "USER_LOGIN"',
      're.regex($e.principal.hostname, `(?i)^ip-\\d+`)',
      'not $e.principal.ip in cidr %internal',
    ];
    const outcome = [
      'outcome:',
      '    $ips = array_distinct($e.principal.ip)',
      '    $r = if($e.principal.hostname = "x", "y", "z")',
      '  condition:',
      '    $e',
    ].join('\n');
    expect(codes(events, outcome)).toEqual([]);
  });

  it('accepts a joined multi-event rule with a match window and outcome condition', () => {
    const events = [
      '$a.principal.user.userid = $user',
      '$b.principal.user.userid = $user',
      '$b.metadata.event_timestamp.seconds > $a.metadata.event_timestamp.seconds',
    ];
    const rest = [
      'match:',
      '    $user over 1h',
      '  outcome:',
      '    $n = count_distinct($a.metadata.id)',
      '    $who = $user',
      '    $score = max(if($b.principal.hostname = "h", 10) + 5)',
      '  condition:',
      '    #a > 3 and $b and $n >= 2',
    ].join('\n');
    expect(codes(events, rest)).toEqual([]);
  });
});

describe('checks that fire at the right place', () => {
  it('undeclared and unbound variables', () => {
    expect(codes([`${PET} = "X"`, '$x = "a"'], 'condition:\n    $e and $nope > 1')).toEqual([
      'yaral_undeclared_variable@6:5',
      'yaral_undeclared_variable@8:12',
    ]);
  });

  it('keyword-named variables', () => {
    expect(codes([`${USER} = $outcome`])).toEqual(['yaral_keyword_variable@5:32']);
  });

  it('event variables not joined to each other', () => {
    const events = ['$a.metadata.product_event_type = "X"', '$b.metadata.product_event_type = "Y"'];
    expect(codes(events, 'condition:\n    $a and $b')).toEqual(['yaral_unjoined_event@6:5']);
  });

  it('match variables that are not placeholders, or that appear in condition', () => {
    expect(codes([`${PET} = "X"`], 'match:\n    $e over 5m\n  condition:\n    $e')).toEqual([
      'yaral_match_variable@7:5',
    ]);
    const rest = 'match:\n    $u over 5m\n  condition:\n    $e and #u > 2';
    expect(codes([`${USER} = $u`], rest)).toEqual(['yaral_match_in_condition@9:12']);
  });

  it('windows outside 1m to 48h and pivots that are not event variables', () => {
    const rest = (w: string) => `match:\n    $u over ${w}\n  condition:\n    $e`;
    expect(codes([`${USER} = $u`], rest('49h'))).toEqual(['yaral_window_range@7:8']);
    expect(codes([`${USER} = $u`], rest('0m'))).toEqual(['yaral_window_range@7:8']);
    expect(codes([`${USER} = $u`], rest('48h'))).toEqual([]);
    expect(codes([`${USER} = $u`], rest('1h after $u'))).toEqual(['yaral_window_pivot@7:8']);
  });

  it('more than 20 outcomes, and duplicates', () => {
    const many = Array.from({ length: 21 }, (_, i) => `    $o${i} = ${i}`).join('\n');
    expect(codes([`${PET} = "X"`], `outcome:\n${many}\n  condition:\n    $e`)).toEqual([
      'yaral_outcome_count@27:5',
    ]);
    const dup = 'outcome:\n    $o = 1\n    $o = 2\n  condition:\n    $e';
    expect(codes([`${PET} = "X"`], dup)).toEqual(['yaral_outcome_duplicate@8:5']);
  });

  it('missing aggregation in multi-event outcomes and on repeated fields', () => {
    const multi = [
      'match:',
      '    $u over 5m',
      '  outcome:',
      '    $x = $e.metadata.id',
      '    $y = $u',
      '    $z = $p',
      '  condition:',
      '    $e',
    ].join('\n');
    expect(codes([`${USER} = $u`, `${PET} = $p`], multi)).toEqual([
      'yaral_aggregation@10:10',
      'yaral_aggregation@12:10',
    ]);
    const single =
      ['outcome:', '    $ips = $e.principal.ip', '    $a = max(1)', '    $b = max($a)'].join('\n') +
      '\n  condition:\n    $e';
    expect(codes([`${PET} = "X"`], single)).toEqual([
      'yaral_aggregation@7:12',
      'yaral_aggregation@9:14',
    ]);
  });

  it("if() returning a string without 'else'", () => {
    const ifs = `    $o = if(${PET} = "X", "yes")\n    $n = if(${PET} = "X", 5)`;
    const rest = `outcome:\n${ifs}\n  condition:\n    $e`;
    expect(codes([`${PET} = "X"`], rest)).toEqual(['yaral_if_else@7:10']);
  });

  it('conditions: no bounded term, not on events, or on unbounded terms, unreferenced', () => {
    expect(codes([`${PET} = "X"`], 'condition:\n    !$e')).toEqual([
      'yaral_condition_unbounded@7:5',
    ]);
    expect(codes([`${PET} = "X"`], 'condition:\n    not $e')).toEqual([
      'yaral_condition_not@7:5',
      'yaral_condition_unbounded@7:5',
    ]);
    const joined = ['$a.principal.user.userid = $u', '$b.principal.user.userid = $u'];
    expect(codes(joined, 'condition:\n    $a or #b = 0')).toEqual(['yaral_condition_or@8:11']);
    expect(codes(joined, 'condition:\n    $a')).toEqual(['yaral_unreferenced_event@6:5']);
    expect(codes(joined, 'condition:\n    $a and #u > 1')).toEqual([]);
  });

  it('unknown UDM fields and map access on fields that are not maps', () => {
    expect(codes(['$e.metadata.no_such = "x"'])).toEqual(['yaral_unknown_field@5:5']);
    expect(codes(['$e.metadata.product_name["k"] = "x"'])).toEqual(['yaral_unknown_field@5:5']);
    const d = diagnose(ruleText(['$e.principal.user.useridd = "x"']));
    expect(d[0].message).toContain("'useridd'");
  });

  it('nocase on enums and unknown enum values', () => {
    expect(codes(['$e.metadata.event_type = "USER_LOGIN" nocase'])).toEqual([
      'yaral_nocase_enum@5:5',
    ]);
    expect(codes(['$e.metadata.event_type = "USER_LOGINN"'])).toEqual(['yaral_unknown_enum@5:30']);
    expect(codes(['$e.security_result.action in %acts nocase'])).toEqual(['yaral_nocase_enum@5:5']);
  });

  it('literals compared with literals', () => {
    expect(codes([`${PET} = "X"`, '"a" = "b"'])).toEqual(['yaral_literal_comparison@6:5']);
  });

  it('reference-list limits: 7 in all, 4 regex, 2 cidr', () => {
    const lists = (n: number, kind: string) =>
      Array.from({ length: n }, (_, i) => `$e.principal.hostname in ${kind}%l${i}`);
    expect(codes(lists(8, ''))).toEqual(['yaral_list_limit@12:5']);
    expect(codes(lists(5, 'regex '))).toEqual(['yaral_list_limit@9:5']);
    expect(codes(lists(3, 'cidr '))).toEqual(['yaral_list_limit@7:5']);
    expect(codes(lists(7, ''))).toEqual([]);
  });

  it('regexes that cannot compile, in literals and in re.* string arguments', () => {
    expect(codes([`${PET} = /a(b/`])).toEqual(['yaral_regex@5:38']);
    expect(codes([`re.regex(${PET}, "[z-a]")`])).toEqual(['yaral_regex@5:46']);
    // RE2 syntax that JavaScript's RegExp lacks is no error; RE2's refusals are.
    expect(codes([`${PET} = /(?i-s)x/`, `${PET} = /(?P<n>x)\\z/`])).toEqual([]);
    expect(codes([`${PET} = /a++/`])).toEqual(['yaral_regex@5:38']);
    expect(codes([`${PET} = /(a)\\1/`])).toEqual(['yaral_regex@5:38']);
    expect(codes([`re.regex(${PET}, \`(?i)^ok\\z\`)`])).toEqual([]);
  });

  it('constructs the engine will not evaluate are warned about by name', () => {
    const d = diagnose(
      ruleText(
        ['$e.principal.ip = $ip', '$g.graph.entity.artifact.ip = $ip'],
        [
          'match:',
          '    $ip by 1h',
          '  outcome:',
          '    $avg = window.avg($e.network.sent_bytes)',
          '  condition:',
          '    $e and $g',
          '  options:',
          '    suppression_window = 5m',
        ].join('\n'),
      ),
    );
    expect(d.map((x) => [at(x), x.severity])).toEqual([
      ['yaral_unsupported@8:9', 'warning'],
      ['yaral_unsupported@10:12', 'warning'],
      ['yaral_unsupported@6:5', 'warning'],
      ['yaral_unsupported@14:5', 'warning'],
    ]);
    expect(d.map((x) => x.message.split(' parses')[0])).toEqual([
      "tumbling window '1h' ('by')",
      "function 'window.avg'",
      "entity graph fields ('$g.graph')",
      "option 'suppression_window'",
    ]);
  });
});

describe('checks on types, quantifiers and joins', () => {
  it('numbers compared with strings and strings with numbers', () => {
    expect(codes(['$e.target.port = "80"'])).toEqual(['yaral_type_mismatch@5:22']);
    expect(codes(['$e.principal.hostname = 80'])).toEqual(['yaral_type_mismatch@5:29']);
    expect(codes(['$e.target.port = 80', '$e.additional.fields["n"] = "80"'])).toEqual([]);
  });

  it('any/all with a placeholder, a join, an index, a map access or a list', () => {
    expect(codes(['any $e.principal.ip = $ip'])).toEqual(['yaral_quantifier@5:5']);
    expect(codes(['all $e.about[0].hostname = "h"'])).toEqual(['yaral_quantifier@5:5']);
    expect(codes(['any $e.principal.ip in %ips'])).toEqual(['yaral_quantifier@5:5']);
    const joined = [
      'any $a.principal.ip = $b.target.ip',
      '$a.principal.hostname = $b.target.hostname',
    ];
    expect(codes(joined, 'condition:\n    $a and $b')).toEqual(['yaral_quantifier@5:5']);
    expect(codes(['all $e.principal.ip != "10.0.0.1"'])).toEqual([]);
  });

  it('arithmetic inside a join', () => {
    const events = ['$a.target.port + 1 = $b.target.port'];
    expect(codes(events, 'condition:\n    $a and $b')).toEqual(['yaral_join_arithmetic@5:5']);
  });
});

describe('window bounds and multi-event or', () => {
  it('window_start and window_end only in outcome and condition of windowed rules', () => {
    const rest = 'match:\n    $u over 1h\n  outcome:\n    $s = $window_start\n  condition:\n    $e';
    expect(codes([`${USER} = $u`], rest)).toEqual([]);
    const events = [`${USER} = $u`, '$e.principal.hostname = $window_end'];
    expect(codes(events, rest)).toEqual(['yaral_window_bounds@6:29']);
    const single = 'outcome:\n    $s = $window_start\n  condition:\n    $e';
    expect(codes([`${PET} = "X"`], single)).toEqual(['yaral_window_bounds@7:10']);
  });

  it("'or' over more than two event variables", () => {
    const events = ['a', 'b', 'c'].map((v) => `$${v}.principal.user.userid = $u`);
    expect(codes(events, 'condition:\n    $a or $b or $c')).toEqual(['yaral_condition_or@9:5']);
    expect(codes(events, 'condition:\n    ($a or $b) and $c')).toEqual([]);
  });
});
