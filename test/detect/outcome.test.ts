import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import { compile, fixtureEvent, variant } from './helpers';

const decrypt = fixtureEvent('decrypt-aws-account-identity');

/** 30 decrypts by one user from 30 addresses, ten seconds apart, sizes 1..30 in a label. */
const events = Array.from({ length: 30 }, (_, i) =>
  variant(decrypt, `d${String(i).padStart(2, '0')}`, i * 10, (e) => {
    e.principal.ip = [`10.0.0.${i + 1}`];
    e.additional.size = String(i + 1);
  }),
);

function rule(outcome: string, condition = '$e', extra = ''): string {
  return `rule agg {
 meta:
  a = "b"
 events:
  $e.metadata.product_event_type = "Decrypt"
  $e.principal.user.userid = $user
 match:
  $user over 10m
 outcome:
${outcome}
 condition:
  ${condition}
${extra}
}`;
}

describe('outcome aggregations', () => {
  it('computes count_distinct, max, min, sum and count', () => {
    const r = compile(
      rule(
        [
          '  $ips = count_distinct($e.principal.ip)',
          '  $users = count_distinct($e.principal.user.userid)',
          '  $biggest = max(cast.as_int($e.additional.fields["size"]))',
          '  $smallest = min(cast.as_int($e.additional.fields["size"]))',
          '  $total = sum(cast.as_int($e.additional.fields["size"]))',
          '  $n = count($e.metadata.product_log_id)',
        ].join('\n'),
      ),
    );
    const [d] = detect([r], events);
    expect(d.outcome).toEqual({
      ips: 30,
      users: 1,
      biggest: 30,
      smallest: 1,
      total: 465,
      n: 30,
      risk_score: 40,
    });
  });

  it('sorts arrays and caps them at 25 elements', () => {
    const r = compile(
      rule('  $ips = array_distinct($e.principal.ip)\n  $all = array($e.principal.user.userid)'),
    );
    const [d] = detect([r], events);
    const ips = d.outcome.ips as string[];
    expect(ips).toHaveLength(25);
    expect(ips).toEqual([...ips].sort());
    expect(ips[0]).toBe('10.0.0.1');
    expect(d.outcome.all).toEqual(Array(25).fill('AIDAJ45Q7YFFAREXAMPLE'));
  });

  it('evaluates if() with and without else', () => {
    const r = compile(
      rule(
        [
          '  $risk_score = max(10 + if($e.principal.ip = "10.0.0.3", 50))',
          '  $label = if(count_distinct($e.principal.ip) > 20, "many", "few")',
        ].join('\n'),
      ),
    );
    const [d] = detect([r], events);
    expect(d.outcome).toEqual({ risk_score: 60, label: 'many' });
  });

  it('lets condition test an outcome', () => {
    const outcome = '  $ips = count_distinct($e.principal.ip)';
    expect(detect([compile(rule(outcome, '$e and $ips > 29'))], events)).toHaveLength(1);
    expect(detect([compile(rule(outcome, '$e and $ips > 30'))], events)).toHaveLength(0);
  });

  it('tests list outcomes with arrays.contains in condition', () => {
    const outcome = '  $ips = array_distinct($e.principal.ip)';
    const hit = compile(rule(outcome, '$e and arrays.contains($ips, "10.0.0.3")'));
    const miss = compile(rule(outcome, '$e and arrays.contains($ips, "10.9.9.9")'));
    expect(detect([hit], events)).toHaveLength(1);
    expect(detect([miss], events)).toHaveLength(0);
  });

  it('defaults risk_score to 40 and keeps an explicit one', () => {
    const [plain] = detect([compile(rule('  $x = max(1)'))], events);
    expect(plain.outcome.risk_score).toBe(40);
    const [set] = detect([compile(rule('  $risk_score = max(75)'))], events);
    expect(set.outcome.risk_score).toBe(75);
  });

  it('is deterministic', () => {
    const r = compile(rule('  $ips = array_distinct($e.principal.ip)'));
    const shuffled = [...events].reverse();
    expect(detect([r], shuffled)).toEqual(detect([r], events));
    expect(JSON.stringify(detect([r], events))).toBe(JSON.stringify(detect([r], events)));
  });
});
