import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule, detect, loadReferenceLists } from '../../parsers/detect/engine';
import { compile, fixtureEvent, parseOne, singleRule, variant } from './helpers';

const decrypt = fixtureEvent('decrypt-aws-account-identity');

function diagnostics(text: string, lists?: Map<string, string[]>) {
  const { evaluator, diagnostics } = compileRule(parseOne(text), { lists });
  expect(evaluator).toBeUndefined();
  return diagnostics.map((d) => [d.code, d.line, d.message]);
}

describe('compileRule diagnostics', () => {
  it('rejects constructs the engine does not evaluate, naming them and their line', () => {
    const text = singleRule(
      '  $e.metadata.product_event_type = "Decrypt"',
      ' outcome:\n  $avg = window.avg($e.target.port)',
    );
    expect(diagnostics(text)).toEqual([
      ['yaral_unsupported', 7, "the engine does not evaluate function 'window.avg' (line 7)"],
    ]);
    const graph = singleRule('  $e.graph.entity.hostname = "h"');
    expect(diagnostics(graph)[0].slice(0, 2)).toEqual(['yaral_unsupported', 5]);
    const metrics = singleRule('  $e.principal.hostname = "h"', ' outcome:\n  $m = metrics.foo()');
    expect(diagnostics(metrics)[0][2]).toContain("'metrics.foo'");
    const unknown = singleRule('  strings.reverse($e.principal.hostname) = "h"');
    expect(diagnostics(unknown)[0][2]).toContain("'strings.reverse'");
  });

  it('rejects tumbling windows and suppression_window', () => {
    const tumbling = `rule t {
 meta:
  a = "b"
 events:
  $e.principal.hostname = $h
 match:
  $h by 1h
 condition:
  $e
}`;
    expect(diagnostics(tumbling)[0][2]).toContain("tumbling windows ('by', line 7)");
    const suppression = singleRule('  $e.principal.hostname = "h"', '', 'suppression_window = 5m');
    expect(diagnostics(suppression)[0][2]).toContain("option 'suppression_window'");
  });

  it('reports invalid RE2 patterns with their location', () => {
    const text = singleRule('  $e.principal.hostname = /a(?=b)/');
    const [d] = compileRule(parseOne(text)).diagnostics;
    expect(d).toMatchObject({ code: 'yaral_regex', line: 5, column: 27 });
    const call = singleRule('  re.regex($e.principal.hostname, `(`)');
    expect(diagnostics(call)[0][0]).toBe('yaral_regex');
  });

  it('reports a CIDR list value that is no range, which would never match', () => {
    const lists = new Map([['nets', ['10.0.0.0/8', '10.1.0.0/16 // office', '192.0.2.1']]]);
    const found = diagnostics(singleRule('  $e.principal.ip in cidr %nets'), lists);
    expect(found).toEqual([
      ['yaral_list_cidr', 5, "reference list '%nets' holds '10.1.0.0/16 // office', no CIDR range"],
      ['yaral_list_cidr', 5, "reference list '%nets' holds '192.0.2.1', no CIDR range"],
    ]);
    // The same list is fine as plain values.
    const plain = compileRule(parseOne(singleRule('  $e.principal.ip in %nets')), { lists });
    expect(plain.diagnostics).toEqual([]);
  });

  it('rejects a time zone the runtime does not know', () => {
    const text = singleRule(
      '  timestamp.get_hour($e.metadata.event_timestamp.seconds, "Mars/Base") = 1',
    );
    expect(diagnostics(text)[0][2]).toContain("time zone 'Mars/Base'");
  });

  it('reports an unknown UDM field and a list that is not loaded', () => {
    expect(diagnostics(singleRule('  $e.principal.no_such = "x"'))[0][0]).toBe(
      'yaral_unknown_field',
    );
    expect(diagnostics(singleRule('  $e.principal.hostname in %missing'))[0][2]).toContain(
      "'%missing'",
    );
  });
});

describe('functions', () => {
  const event = variant(decrypt, 'f1', 0, (e) => {
    e.principal.hostname = 'Web-01.Example.com';
    e.target.port = -443;
    e.additional.size = '42';
  });
  const now = new Date('2024-01-01T00:10:00Z');
  const holds = (predicate: string) =>
    detect([compile(singleRule(`  ${predicate}`), { now })], [event]).length === 1;

  it.each([
    're.regex($e.principal.hostname, `^web`) nocase',
    're.capture($e.principal.hostname, `^([a-zA-Z]+)-`) = "Web"',
    're.capture($e.principal.hostname, `\\d+`) = "01"',
    're.capture($e.principal.hostname, `zzz`) = ""',
    're.replace($e.principal.hostname, `(\\w+)\\.com$`, "\\\\1.org") = "Web-01.Example.org"',
    'strings.contains($e.principal.hostname, "Example")',
    'strings.starts_with($e.principal.hostname, "Web")',
    'strings.ends_with($e.principal.hostname, ".com")',
    'strings.to_lower($e.principal.hostname) = "web-01.example.com"',
    'strings.to_upper($e.principal.hostname) = "WEB-01.EXAMPLE.COM"',
    'strings.concat($e.principal.hostname, "/", "x") = "Web-01.Example.com/x"',
    'strings.coalesce($e.principal.mac, $e.principal.hostname) = "Web-01.Example.com"',
    'strings.length($e.principal.hostname) = 18',
    'net.ip_in_range_cidr($e.principal.ip, "192.0.2.0/24")',
    'timestamp.get_hour($e.metadata.event_timestamp.seconds) = 0',
    // 2024-01-01 is a Monday; 1 is Sunday.
    'timestamp.get_day_of_week($e.metadata.event_timestamp.seconds) = 2',
    'timestamp.get_hour($e.metadata.event_timestamp.seconds, "America/New_York") = 19',
    'timestamp.get_hour($e.metadata.event_timestamp.seconds, "+05:30") = 5',
    'timestamp.get_day_of_week($e.metadata.event_timestamp.seconds, "-01:00") = 1',
    'timestamp.current_seconds() - $e.metadata.event_timestamp.seconds = 600',
    'math.abs($e.target.port) = 443',
    'arrays.length($e.principal.ip) = 1',
    'cast.as_int($e.additional.fields["size"]) = 42',
  ])('%s', (predicate) => {
    expect(holds(predicate)).toBe(true);
  });

  it('returns false where a predicate does not hold', () => {
    expect(holds('re.regex($e.principal.hostname, `^web`)')).toBe(false);
    expect(holds('net.ip_in_range_cidr($e.principal.ip, "10.0.0.0/8")')).toBe(false);
    expect(holds('net.ip_in_range_cidr($e.principal.ip, "2001:db8::/32")')).toBe(false);
  });
});

describe('reference list files', () => {
  it('loads one value per line, dropping comments and blank lines', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lists-'));
    fs.writeFileSync(
      path.join(dir, 'bad_keys.txt'),
      '/*\n * Licence text\n */\n\nkey-1\n// a comment\n  key-2  \n',
    );
    fs.writeFileSync(path.join(dir, 'nets'), '10.0.0.0/8\n');
    // Markers inside values stay: a regex with /* and a URL with // lose nothing.
    fs.writeFileSync(
      path.join(dir, 'paths'),
      '/* one-line licence */\n^/api/*\nhttps://example.com/\n/* a\nb */ kept\nend*/\n',
    );
    const lists = loadReferenceLists(dir);
    expect(lists).toEqual(
      new Map([
        ['bad_keys', ['key-1', 'key-2']],
        ['nets', ['10.0.0.0/8']],
        ['paths', ['^/api/*', 'https://example.com/', 'kept', 'end*/']],
      ]),
    );
    fs.rmSync(dir, { recursive: true });
  });
});

describe('bounded memory', () => {
  it('holds only the candidates a match window can still use', () => {
    const rule = compile(`rule many {
 meta:
  a = "b"
 events:
  $e.metadata.product_event_type = "Decrypt"
  $e.principal.user.userid = $user
 match:
  $user over 5m
 condition:
  #e >= 1000
}`);
    const run = rule.start();
    let peak = 0;
    for (let i = 0; i < 2000; i++) {
      const event = variant(decrypt, `e${i}`, i * 60);
      run.push({
        event,
        time: Date.parse('2024-01-01T00:00:00Z') / 1000 + i * 60,
        seq: i,
        id: `e${i}`,
        timestamp: '',
      });
      peak = Math.max(peak, run.buffered());
    }
    expect(run.finish()).toEqual([]);
    // One event a minute and a five-minute window: at most six are held at once.
    expect(peak).toBeLessThanOrEqual(6);
  });
});
