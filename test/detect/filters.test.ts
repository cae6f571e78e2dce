import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import { compile, fixtureEvent, singleRule, variant } from './helpers';

const disable = fixtureEvent('disable-key-assumed-role-mfa');
const schedule = fixtureEvent('schedule-key-deletion-iam-user-7-days');
const decrypt = fixtureEvent('decrypt-aws-account-identity');
const blocked = fixtureEvent('disable-key-not-found-error');
const all = [disable, schedule, decrypt, blocked];

/** The product_log_id of every event the single-event rule fires on. */
function hits(events: string, extra = '', options = {}): string[] {
  const rule = compile(singleRule(events, extra), options);
  return detect([rule], all).flatMap((d) => d.events.e);
}

describe('single-event filters', () => {
  it('matches equality on a string field', () => {
    expect(hits('  $e.metadata.product_event_type = "Decrypt"')).toEqual([
      'abcde202-ba1a-467c-b4ba-f729d45ae521',
    ]);
  });

  it('treats a missing field as its zero value, so != is true', () => {
    // None of these events has principal.hostname: all four match.
    expect(hits('  $e.principal.hostname != "host"')).toHaveLength(4);
    expect(hits('  $e.principal.hostname = ""')).toHaveLength(4);
  });

  it('matches regexes as substrings and honours anchors', () => {
    expect(hits('  $e.metadata.product_event_type = /Key/')).toHaveLength(3);
    expect(hits('  $e.metadata.product_event_type = /^Key/')).toHaveLength(0);
    expect(hits('  $e.metadata.product_event_type = /^DisableKey$/')).toHaveLength(2);
  });

  it('makes string and regex comparisons case-insensitive with nocase', () => {
    expect(hits('  $e.metadata.product_event_type = "decrypt"')).toHaveLength(0);
    expect(hits('  $e.metadata.product_event_type = "decrypt" nocase')).toHaveLength(1);
    expect(hits('  $e.metadata.product_event_type = /^disablekey$/ nocase')).toHaveLength(2);
  });

  it('supports not', () => {
    expect(hits('  not $e.metadata.product_event_type = "Decrypt"')).toHaveLength(3);
  });

  it('ANDs lines more loosely than an or on one line', () => {
    const events = [
      '  $e.metadata.product_event_type = "DisableKey" or ' +
        '$e.metadata.product_event_type = "ScheduleKeyDeletion"',
      '  $e.security_result.action = "ALLOW"',
    ].join('\n');
    expect(hits(events)).toEqual(['1', '3c4226b0-1e81-48a8-a333-7fa5f3cbd118']);
  });

  it('reads additional.fields["k"] as a string', () => {
    expect(hits('  $e.additional.fields["pendingWindowInDays"] = "7"')).toEqual([
      '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
    ]);
    expect(hits('  $e.additional.fields["pendingWindowInDays"] = "30"')).toEqual([]);
  });

  it('compares enums by name and by their numeric order', () => {
    expect(hits('  $e.metadata.event_type = "GENERIC_EVENT"')).toHaveLength(3);
    // USER_RESOURCE_ACCESS is 15013 and GENERIC_EVENT 100000, though the proto declares
    // GENERIC_EVENT later: order is by number, not by declaration.
    expect(hits('  $e.metadata.event_type < "GENERIC_EVENT"')).toEqual([
      'abcde202-ba1a-467c-b4ba-f729d45ae521',
    ]);
    expect(hits('  $e.metadata.event_type >= "USER_RESOURCE_ACCESS"')).toHaveLength(4);
    expect(hits('  $e.metadata.event_type > "USER_RESOURCE_ACCESS"')).toHaveLength(3);
  });

  it('reads timestamps in seconds with .seconds', () => {
    const t = Date.parse('2020-01-01T00:00:00Z') / 1000;
    expect(hits(`  $e.metadata.event_timestamp.seconds > ${t}`)).toEqual([
      '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
      'abcde202-ba1a-467c-b4ba-f729d45ae521',
    ]);
  });
});

describe('reference lists', () => {
  const lists = new Map([
    ['names', ['DisableKey', 'ScheduleKeyDeletion']],
    ['patterns', ['^Sched', 'crypt$']],
    ['nets', ['192.0.2.0/24', '2001:db8::/32']],
  ]);

  it('looks up plain, regex and cidr lists', () => {
    const plain = hits('  $e.metadata.product_event_type in %names', '', { lists });
    expect(plain).toHaveLength(3);
    const regex = hits('  $e.metadata.product_event_type in regex %patterns', '', { lists });
    expect(regex).toEqual([
      '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
      'abcde202-ba1a-467c-b4ba-f729d45ae521',
    ]);
    const cidr = hits('  $e.principal.ip in cidr %nets', '', { lists });
    expect(cidr).toEqual([
      '3c4226b0-1e81-48a8-a333-7fa5f3cbd118',
      'abcde202-ba1a-467c-b4ba-f729d45ae521',
    ]);
  });

  it('negates and folds case', () => {
    expect(hits('  not $e.metadata.product_event_type in %names', '', { lists })).toHaveLength(1);
    expect(hits('  $e.metadata.product_event_type in %names', '', { lists })).toHaveLength(3);
    const lower = new Map([['names', ['disablekey']]]);
    expect(hits('  $e.metadata.product_event_type in %names', '', { lists: lower })).toEqual([]);
    expect(hits('  $e.metadata.product_event_type in %names nocase', '', { lists: lower })).toEqual(
      ['1', '1'],
    );
  });
});

describe('multi-line values', () => {
  it('matches only the first line unless the pattern starts with (?s)', () => {
    const e = variant(decrypt, 'ml', 0, (x) => {
      x.network.http.userAgent = 'first line\nsecond line';
    });
    const run = (re: string) =>
      detect([compile(singleRule(`  $e.network.http.user_agent = ${re}`))], [e]).length;
    expect(run('/first/')).toBe(1);
    expect(run('/second/')).toBe(0);
    expect(run('/(?s)second/')).toBe(1);
    expect(run('/(?s)line.second/')).toBe(1);
    expect(run('/(?is)SECOND/')).toBe(1);
    expect(run('/(?si)second/')).toBe(1);
    expect(run('/(?i)second/')).toBe(0);
    expect(run('/(?i-s)second/')).toBe(0);
    expect(run('/(?i)(?s)SECOND/')).toBe(1);
    expect(run('/(?s:line.second)/')).toBe(1);
    expect(run('/(?s)(?-s)second/')).toBe(0);
    expect(run('/x|(?s)second/')).toBe(0);
  });
});

describe('filters remembered by the value they read', () => {
  it('stay right past the memo bound, for values seen again and new ones', () => {
    // 6,000 distinct hosts (more than a memo holds), each seen twice, a quarter ending in 7.
    const events = Array.from({ length: 12_000 }, (_, i) =>
      variant(decrypt, `h${i}`, i, (e) => {
        e.principal.hostname = `host-${i % 6000}`;
      }),
    );
    const rule = compile(
      singleRule('  $e.principal.hostname = /7$/\n  $e.principal.hostname != ""'),
    );
    const found = detect([rule], events).map((d) => d.events.e[0]);
    const expected = events
      .filter((e: any) => e.principal.hostname.endsWith('7'))
      .map((e: any) => e.metadata.productLogId);
    expect(found).toEqual(expected);
    expect(found).toHaveLength(1200);
  });
});
