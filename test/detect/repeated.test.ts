import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import { compile, fixtureEvent, singleRule, variant } from './helpers';

const base = fixtureEvent('disable-key-assumed-role-mfa');
const twoIps = variant(base, 'two-ips', 0, (e) => {
  e.principal.ip = ['10.0.0.1', '10.0.0.2'];
});
const noIps = variant(base, 'no-ips', 1, (e) => {
  delete e.principal.ip;
});

function fires(events: string): string[] {
  return detect([compile(singleRule(events))], [twoIps, noIps]).flatMap((d) => d.events.e);
}

describe('repeated fields', () => {
  it('evaluates unmodified predicates on one element at a time', () => {
    expect(fires('  $e.principal.ip = "10.0.0.1"')).toEqual(['two-ips']);
    // Two predicates on principal.ip must hold for the same element: never both here.
    expect(fires('  $e.principal.ip = "10.0.0.1"\n  $e.principal.ip = "10.0.0.2"')).toEqual([]);
  });

  it('yields one detection per event however many copies match', () => {
    const ds = detect([compile(singleRule('  $e.principal.ip = /^10\\./'))], [twoIps]);
    expect(ds).toHaveLength(1);
  });

  it('gives an empty list its zero value', () => {
    expect(fires('  $e.principal.ip = ""')).toEqual(['no-ips']);
  });

  it('evaluates any and all over the whole list', () => {
    expect(fires('  any $e.principal.ip = "10.0.0.1"\n  any $e.principal.ip = "10.0.0.2"')).toEqual(
      ['two-ips'],
    );
    expect(fires('  all $e.principal.ip = /^10\\./')).toEqual(['two-ips']);
    expect(fires('  all $e.principal.ip = "10.0.0.1"')).toEqual([]);
    // not all x = v differs from all x != v.
    expect(fires('  not all $e.principal.ip = "10.0.0.1"')).toEqual(['two-ips', 'no-ips']);
    expect(fires('  all $e.principal.ip != "10.0.0.1"')).toEqual(['no-ips']);
  });

  it('passes each element to a function with a quantified argument', () => {
    expect(fires('  net.ip_in_range_cidr(any $e.principal.ip, "10.0.0.0/30")')).toEqual([
      'two-ips',
    ]);
    expect(fires('  re.regex(all $e.principal.ip, `\\.2$`)')).toEqual([]);
  });

  it('expands repeated messages per element and honours an explicit index', () => {
    const sr = variant(base, 'sr', 0, (e) => {
      e.securityResult = [{ action: ['BLOCK'] }, { action: ['ALLOW'], summary: 'ok' }];
    });
    const run = (events: string) => detect([compile(singleRule(events))], [sr]).length;
    expect(run('  $e.security_result.action = "ALLOW"\n  $e.security_result.summary = "ok"')).toBe(
      1,
    );
    expect(run('  $e.security_result.action = "BLOCK"\n  $e.security_result.summary = "ok"')).toBe(
      0,
    );
    expect(
      run('  $e.security_result[0].action = "BLOCK"\n  $e.security_result.summary = "ok"'),
    ).toBe(1);
  });

  it('reads label maps by key', () => {
    const run = (events: string) => detect([compile(singleRule(events))], [base]).length;
    expect(run('  $e.principal.user.attribute.labels["mfaAuthenticated"] = "true"')).toBe(1);
    expect(run('  $e.principal.user.attribute.labels["mfaAuthenticated"] = "false"')).toBe(0);
  });

  it('binds a placeholder per element and filters on it', () => {
    const lists = new Map([['internal', ['10.0.0.2/32']]]);
    const text = singleRule('  $e.principal.ip = $ip\n  not $ip in cidr %internal');
    const ds = detect([compile(text, { lists })], [twoIps]);
    expect(ds).toHaveLength(1);
    const only = new Map([['internal', ['10.0.0.0/24']]]);
    expect(detect([compile(text, { lists: only })], [twoIps])).toEqual([]);
  });

  it('yields one detection per distinct value of a repeated match placeholder', () => {
    const text = `rule per_ip {
 meta:
  a = "b"
 events:
  $e.metadata.product_event_type = "DisableKey"
  $e.principal.ip = $ip
 match:
  $ip over 5m
 outcome:
  $n = count_distinct($e.metadata.product_log_id)
 condition:
  $e
}`;
    const ds = detect([compile(text)], [twoIps]);
    expect(ds.map((d) => [d.match, d.outcome.n, d.events.e])).toEqual([
      [{ ip: '10.0.0.1' }, 1, ['two-ips']],
      [{ ip: '10.0.0.2' }, 1, ['two-ips']],
    ]);
  });
});
