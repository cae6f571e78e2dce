import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import type { UdmEvent } from '../../parsers/detect/types';
import { compile, fixtureEvent, pairRule, variant } from './helpers';

const disable = fixtureEvent('disable-key-assumed-role-mfa');
const schedule = fixtureEvent('schedule-key-deletion-iam-user-7-days');
const decrypt = fixtureEvent('decrypt-aws-account-identity');

/** A clone acting on `key`, `offset` seconds after 2024-01-01T00:00:00Z. */
function on(event: UdmEvent, id: string, offset: number, key: string) {
  return variant(event, id, offset, (e) => {
    e.target.resource.productObjectId = key;
  });
}

describe('hop windows and joins', () => {
  const rule = compile(pairRule('10m'));

  it('correlates joined events inside the window', () => {
    const ds = detect([rule], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 300, 'K1')]);
    expect(ds).toEqual([
      {
        rule: 'pair',
        time: '2024-01-01T00:05:00Z',
        window: { start: '2024-01-01T00:00:00Z', end: '2024-01-01T00:10:00Z' },
        match: { key: 'K1' },
        outcome: { risk_score: 40 },
        events: { d: ['d1'], s: ['s1'] },
      },
    ]);
  });

  it('does not correlate events more than the window apart', () => {
    expect(detect([rule], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 601, 'K1')])).toEqual([]);
  });

  it('does not correlate events whose placeholders differ', () => {
    expect(detect([rule], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 60, 'K2')])).toEqual([]);
  });

  it('does not depend on input order', () => {
    const events = [on(schedule, 's1', 300, 'K1'), on(disable, 'd1', 0, 'K1')];
    expect(detect([rule], events)).toEqual(detect([rule], [...events].reverse()));
    expect(detect([rule], events)).toHaveLength(1);
  });

  it('joins by a direct cross-variable comparison', () => {
    const text = pairRule('10m').replace(
      '  $s.target.resource.product_object_id = $key',
      '  $s.target.resource.product_object_id = $d.target.resource.product_object_id\n' +
        '  $s.metadata.event_timestamp.seconds > $d.metadata.event_timestamp.seconds',
    );
    const r = compile(text);
    expect(detect([r], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 60, 'K1')])).toHaveLength(1);
    // The ordering predicate rejects a schedule before the disable.
    expect(detect([r], [on(disable, 'd1', 60, 'K1'), on(schedule, 's1', 0, 'K1')])).toEqual([]);
  });
});

describe('sliding windows', () => {
  it('after $pivot only looks forward from the pivot', () => {
    const rule = compile(pairRule('10m after $d'));
    const forward = [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 300, 'K1')];
    const backward = [on(schedule, 's1', 0, 'K1'), on(disable, 'd1', 300, 'K1')];
    expect(detect([rule], forward)[0].window).toEqual({
      start: '2024-01-01T00:00:00Z',
      end: '2024-01-01T00:10:00Z',
    });
    expect(detect([rule], backward)).toEqual([]);
  });

  it('before $pivot only looks back from the pivot', () => {
    const rule = compile(pairRule('10m before $s'));
    const ds = detect([rule], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 300, 'K1')]);
    expect(ds.map((d) => d.window)).toEqual([
      { start: '2023-12-31T23:55:00Z', end: '2024-01-01T00:05:00Z' },
    ]);
    expect(detect([rule], [on(disable, 'd1', 400, 'K1'), on(schedule, 's1', 300, 'K1')])).toEqual(
      [],
    );
  });

  it('detects non-existence: $d and !$s', () => {
    const rule = compile(pairRule('10m after $d', '$d and !$s'));
    const events = [
      on(disable, 'd1', 0, 'K1'),
      on(schedule, 's1', 300, 'K1'),
      on(disable, 'd2', 0, 'K2'),
      on(schedule, 's2', 900, 'K2'),
    ];
    const ds = detect([rule], events);
    expect(ds.map((d) => [d.match, d.events])).toEqual([[{ key: 'K2' }, { d: ['d2'], s: [] }]]);
    // Its window closed before the input ended: the absence is certain.
    expect(ds[0].note).toBeUndefined();
  });

  it('notes an absence judged at the end of an input that stopped inside its window', () => {
    const rule = compile(pairRule('10m after $d', '$d and !$s'));
    const [d] = detect([rule], [on(disable, 'd1', 0, 'K1'), on(decrypt, 'x', 300, 'K9')]);
    expect(d.note).toBe(
      'the input ended at 2024-01-01T00:05:00Z, before this window closed: ' +
        'a later event could cancel it',
    );
    // Bounds are inclusive: an input that ends at the window's end could still hold one more.
    const atEnd = detect([rule], [on(disable, 'd1', 0, 'K1'), on(decrypt, 'x', 600, 'K9')]);
    expect(atEnd[0].note).toMatch(/^the input ended at 2024-01-01T00:10:00Z, before this window/);
    // A rule that needs every variable cannot be cancelled by what is still to come.
    const pair = compile(pairRule('10m'));
    const both = detect([pair], [on(disable, 'd1', 0, 'K1'), on(schedule, 's1', 300, 'K1')]);
    expect(both[0].note).toBeUndefined();
  });
});

function countRule(condition: string, extra = ''): string {
  return `rule burst {
 meta:
  a = "b"
 events:
  $e.metadata.product_event_type = "Decrypt"
  $e.principal.user.userid = $user
  $e.principal.ip = $ip
 match:
  $user over 5m
 outcome:
  $ips = array_distinct($ip)
 condition:
  ${condition}
${extra}
}`;
}

function by(user: string, id: string, offset: number, ip = '192.0.2.1') {
  return variant(decrypt, id, offset, (e) => {
    if (user) e.principal.user.userid = user;
    else delete e.principal.user.userid;
    e.principal.ip = [ip];
  });
}

describe('counts, de-duplication and zero values', () => {
  it('fires on #e >= 3 within the window only', () => {
    const rule = compile(countRule('#e >= 3'));
    const events = [
      by('A', 'a1', 0),
      by('A', 'a2', 60),
      by('A', 'a3', 120),
      by('B', 'b1', 0),
      by('B', 'b2', 60),
      by('B', 'b3', 400),
    ];
    const ds = detect([rule], events);
    expect(ds.map((d) => [d.match.user, d.events.e])).toEqual([['A', ['a1', 'a2', 'a3']]]);
  });

  it('reports a long burst once per window length, not once per new event', () => {
    const rule = compile(countRule('#e >= 3'));
    // 120 events, one every 10 s, for 20 minutes: four 5-minute windows follow each other.
    const burst = Array.from({ length: 120 }, (_, i) => by('A', `s${i}`, i * 10));
    const ds = detect([rule], burst);
    expect(ds).toHaveLength(4);
    const starts = ds.map((d) => Date.parse(d.window!.start));
    for (let i = 1; i < starts.length; i++) {
      expect(starts[i]).toBeGreaterThan(Date.parse(ds[i - 1].window!.end));
    }
  });

  it('reports a burst once per key and window, not once per event', () => {
    const rule = compile(countRule('#e >= 3'));
    const burst = [0, 10, 20, 30, 40].map((t, i) => by('A', `a${i}`, t));
    const ds = detect([rule], burst);
    expect(ds).toHaveLength(1);
    expect(ds[0].events.e).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    const later = [0, 10, 20].map((t, i) => by('A', `late${i}`, 3600 + t));
    expect(detect([rule], [...burst, ...later])).toHaveLength(2);
  });

  it('counts distinct placeholder values with #placeholder', () => {
    const rule = compile(countRule('#ip >= 2'));
    const sameIp = [by('A', 'a1', 0), by('A', 'a2', 60)];
    const twoIps = [by('B', 'b1', 0), by('B', 'b2', 60, '198.51.100.7')];
    const ds = detect([rule], [...sameIp, ...twoIps]);
    expect(ds.map((d) => [d.match.user, d.outcome.ips])).toEqual([
      ['B', ['192.0.2.1', '198.51.100.7']],
    ]);
  });

  it('drops zero match values unless allow_zero_values', () => {
    const events = [by('', 'z1', 0), by('', 'z2', 10), by('', 'z3', 20)];
    expect(detect([compile(countRule('#e >= 3'))], events)).toEqual([]);
    const allow = compile(countRule('#e >= 3', ' options:\n  allow_zero_values = true'));
    expect(detect([allow], events).map((d) => d.match)).toEqual([{ user: '' }]);
  });
});

describe('or between event variables', () => {
  it('fires when either variable is present', () => {
    const rule = compile(pairRule('10m', '$d or $s'));
    const ds = detect([rule], [on(disable, 'd1', 0, 'K1'), on(schedule, 's2', 3600, 'K2')]);
    expect(ds.map((d) => [d.match.key, d.events])).toEqual([
      ['K1', { d: ['d1'], s: [] }],
      ['K2', { d: [], s: ['s2'] }],
    ]);
  });
});

describe('tuples', () => {
  it('never lets one event fill two event variables', () => {
    const text = pairRule('10m').replace('"ScheduleKeyDeletion"', '"DisableKey"');
    const rule = compile(text);
    expect(detect([rule], [on(disable, 'd1', 0, 'K1')])).toEqual([]);
    const ds = detect([rule], [on(disable, 'd1', 0, 'K1'), on(disable, 'd2', 60, 'K1')]);
    expect(ds.map((d) => d.events)).toEqual([{ d: ['d1', 'd2'], s: ['d1', 'd2'] }]);
  });

  it('judges a hop window only for groups holding the event it starts at', () => {
    // K2's window starting at its own disable (t=300) holds nothing of K1's; K1's pair at 0/120
    // fires once, and K2's pair at 300/420 fires once, each with its own window.
    const rule = compile(pairRule('10m'));
    const ds = detect(
      [rule],
      [
        on(disable, 'd1', 0, 'K1'),
        on(schedule, 's1', 120, 'K1'),
        on(disable, 'd2', 300, 'K2'),
        on(schedule, 's2', 420, 'K2'),
      ],
    );
    expect(ds.map((d) => [d.match.key, d.window?.start])).toEqual([
      ['K1', '2024-01-01T00:00:00Z'],
      ['K2', '2024-01-01T00:05:00Z'],
    ]);
  });
});

describe('joins on a placeholder outside match', () => {
  // The shipped BYOK rule's shape: one key, and the same principal on both sides.
  const rule = compile(`rule same_principal {
 meta:
  a = "b"
 events:
  $d.metadata.product_event_type = "DisableKey"
  $d.target.resource.product_object_id = $key
  $d.principal.user.userid = $user
  $s.metadata.product_event_type = "ScheduleKeyDeletion"
  $s.target.resource.product_object_id = $key
  $s.principal.user.userid = $user
 match:
  $key over 1h
 condition:
  $d and $s
}`);
  const by = (event: UdmEvent, id: string, offset: number, user: string) =>
    variant(event, id, offset, (e) => {
      e.target.resource.productObjectId = 'K1';
      e.principal.user.userid = user;
    });

  it('pairs only the events that agree on both placeholders', () => {
    const events = [
      by(disable, 'd-alice', 0, 'alice'),
      by(schedule, 's-bob', 60, 'bob'),
      by(disable, 'd-bob', 120, 'bob'),
      by(schedule, 's-carol', 180, 'carol'),
    ];
    const ds = detect([rule], events);
    expect(ds.map((d) => d.events)).toEqual([{ d: ['d-bob'], s: ['s-bob'] }]);
  });

  it('finds nothing among many events of one key whose principals never agree', () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      i % 2 ? by(schedule, `s${i}`, i, 'bob') : by(disable, `d${i}`, i, 'alice'),
    );
    expect(detect([rule], events)).toEqual([]);
  });
});

describe('windows with more combinations than the tuple cap', () => {
  const busy = Array.from({ length: 220 }, (_, i) =>
    i % 2 ? on(schedule, `s${i}`, i * 10, 'K1') : on(disable, `d${i}`, i * 10, 'K1'),
  );
  const withOutcome = (outcome: string) =>
    compile(pairRule('1h').replace(' condition:', ` outcome:\n  ${outcome}\n condition:`));

  it('count every event when each aggregation reads one variable', () => {
    const rule = withOutcome('$n = count_distinct($d.metadata.product_log_id)');
    const [d] = detect([rule], busy);
    // 110 disables and 110 deletions: 12,100 combinations, more than the cap.
    expect([d.events.d.length, d.events.s.length, d.outcome.n, d.note]).toEqual([
      110,
      110,
      110,
      undefined,
    ]);
  });

  it('say so when the outcomes need every combination', () => {
    const [d] = detect([withOutcome('$t = sum(1)')], busy);
    expect(d.outcome.t).toBe(10_000);
    expect(d.note).toMatch(/more than 10,000 combinations/);
  });
});
