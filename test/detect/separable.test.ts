import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileRule, detect } from '../../parsers/detect/engine';
import { planRule } from '../../parsers/detect/analyze';
import { checkForEngine } from '../../parsers/detect/compile';
import { keyedPlan } from '../../parsers/detect/separable';
import type { CompiledRule } from '../../parsers/detect/run';
import type { Candidate, UdmEvent } from '../../parsers/detect/types';
import { Lane } from '../../parsers/detect/keyed';
import { compile, fixtureEvent, pairRule, parseOne, random, variant } from './helpers';

const disable = fixtureEvent('disable-key-assumed-role-mfa');
const schedule = fixtureEvent('schedule-key-deletion-iam-user-7-days');
const decrypt = fixtureEvent('decrypt-aws-account-identity');

/** Disables, deletions and decrypts of three keys by two principals, often in the same second. */
function stream(seed: number, n: number): UdmEvent[] {
  const next = random(seed);
  const events: UdmEvent[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(next() * 90);
    const base = [disable, schedule, decrypt][Math.floor(next() * 3)];
    const key = `K${1 + Math.floor(next() * 3)}`;
    const user = next() < 0.5 ? 'alice' : 'bob';
    events.push(
      variant(base, `e${i}`, t, (e) => {
        e.target.resource.productObjectId = key;
        e.principal.user.userid = user;
      }),
    );
  }
  return events;
}

const OUTCOMES = ` outcome:
  $n = count_distinct($d.metadata.product_log_id)
  $users = array_distinct($d.principal.user.userid)`;

const ALICE = 'if($d.principal.user.userid = "alice", 1, 0)';

function withOutcome(rule: string, outcome: string): string {
  return rule.replace(' condition:', ` outcome:\n  ${outcome}\n condition:`);
}

/** Rules over the stream, by what they exercise (see the first test for how each is judged). */
const RULES: Record<string, string> = {
  both: pairRule('10m'),
  absent: withOutcome(
    pairRule('10m', '$d and !$s'),
    `$sn = count_distinct($s.metadata.product_log_id)\n  ` +
      `$sa = max(${ALICE.replaceAll('$d', '$s')})`,
  ),
  counts: pairRule('10m', '#d >= 2 and #s = 0'),
  // Every variable optional: no running counts, judged per key from tuples.
  either: pairRule('10m', '$d or $s'),
  after: pairRule('10m after $d', '$d and !$s').replace(' condition:', ` ${OUTCOMES}\n condition:`),
  before: pairRule('5m before $s', '#d > 1 and $s'),
  keyCount: pairRule('10m', '$d and #key = 1'),
  users: withOutcome(
    pairRule('10m', '$d and $s and $u >= 2'),
    '$u = count_distinct($d.principal.user.userid)',
  ),
  anyAlice: withOutcome(pairRule('10m', '$m = 1 and $s'), `$m = max(${ALICE})`),
  noAlice: withOutcome(pairRule('10m after $d', '$m = 0 and $s'), `$m = min(${ALICE})`),
  disables: `rule disables {
 meta:
  a = "b"
 events:
  $e.metadata.product_event_type = "DisableKey"
  $e.target.resource.product_object_id = $key
 match:
  $key over 10m
 outcome:
  $c = count($e.metadata.product_log_id)
 condition:
  $e and $c >= 3
}`,
  // One event can fill both variables: the fast path must give way to the tuples.
  overlap: pairRule('10m', '$d and $s').replace('"ScheduleKeyDeletion"', '/Key/'),
  // A sum is not kept as events come and go: judged per key from tuples.
  summed: withOutcome(pairRule('10m', '$d and $t > 1'), `$t = sum(${ALICE})`),
  // $user joins the variables outside match: judged per key and user from tuples.
  sameUser: pairRule('10m')
    .replace('= $key\n  $s', '= $key\n  $d.principal.user.userid = $user\n  $s')
    .replace(/(\$s\.target[^\n]*)/, '$1\n  $s.principal.user.userid = $user'),
  // A predicate joins the variables: judged per key from tuples.
  otherUser: pairRule('10m').replace(
    ' match:',
    '  $d.principal.user.userid != $s.principal.user.userid\n match:',
  ),
  // One event in both variables, joined by a predicate: each window of a key builds only the
  // tuples of the events that entered since the key's previous one (tuplesSince).
  overlapOther: withOutcome(
    pairRule('10m', '$d and $s')
      .replace('"ScheduleKeyDeletion"', '/Key/')
      .replace(' match:', '  $d.principal.user.userid != $s.principal.user.userid\n match:'),
    '$users = array_distinct($s.principal.user.userid)',
  ),
  // $s leaves the match variable unbound: every candidate of the window goes into its tuples.
  unkeyed: pairRule('10m', '$d and $s')
    .replace('$s.target.resource.product_object_id = $key', '$s.principal.user.userid != ""')
    .replace(' match:', '  $d.principal.user.userid = $s.principal.user.userid\n match:'),
};

function compiled(text: string): CompiledRule {
  const rule = parseOne(text);
  const { fields, accesses } = checkForEngine(rule, new Map());
  const matchVars = rule.match?.variables.map((v) => v.name) ?? [];
  const plan = planRule(rule, fields);
  return { rule, plan, env: { fields, lists: new Map(), now: new Date(0) }, accesses, matchVars };
}

describe('windows judged from each variable’s events', () => {
  /** How each rule's windows are judged: on running counts, per key from tuples, or neither. */
  const how = (text: string) => {
    const plan = keyedPlan(compiled(text));
    return plan ? (plan.running ? 'running' : 'keyed') : 'buffered';
  };

  it('runs on counts exactly the rules whose variables join only on match variables', () => {
    const byWay = Object.entries(RULES).map(([name, text]) => `${name}: ${how(text)}`);
    expect(byWay).toEqual([
      'both: running',
      'absent: running',
      'counts: running',
      'either: keyed',
      'after: running',
      'before: running',
      'keyCount: running',
      'users: running',
      'anyAlice: running',
      'noAlice: running',
      'disables: running',
      'overlap: running',
      'summed: keyed',
      'sameUser: keyed',
      'otherUser: keyed',
      'overlapOther: keyed',
      'unkeyed: buffered',
    ]);
  });

  it('covers every shipped correlation rule', () => {
    const dir = path.join(__dirname, '..', '..', 'rules', 'aws_kms');
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.yaral'));
    const byWay = names.flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      return parseOne(text).match ? [`${f}: ${how(text)}`] : [];
    });
    expect(byWay.sort()).toEqual([
      'aws_kms_access_denied_burst.yaral: running',
      'aws_kms_byok_ransomware_sequence.yaral: keyed',
      'aws_kms_enumeration_burst.yaral: running',
      'aws_kms_key_disabled_not_reenabled.yaral: running',
      'aws_kms_multiple_keys_disabled_or_deleted.yaral: running',
    ]);
  });

  for (const [name, text] of Object.entries(RULES)) {
    it(`gives the tuples' detections: ${name}`, () => {
      const fast = compile(text);
      const reference = compileRule(parseOne(text), { tuplesOnly: true }).evaluator!;
      let fired = 0;
      for (let seed = 1; seed <= 12; seed++) {
        const events = stream(seed, 120);
        const expected = detect([reference], events);
        expect(detect([fast], events)).toEqual(expected);
        fired += expected.length;
      }
      // A comparison of empty results would prove nothing.
      expect(fired).toBeGreaterThan(0);
    });
  }
});

describe('a key window lane', () => {
  it('lets go of each member it drops, however few it ever held', () => {
    const lane = new Lane();
    const member = (seq: number) => ({ cand: { seq } as Candidate, rows: [] });
    for (let i = 0; i < 10; i++) lane.items.push(member(i));
    for (let i = 0; i < 7; i++) expect(lane.shift().cand.seq).toBe(i);
    // Dropped slots hold nothing, so their events can be collected (a quiet key never fills
    // enough slots for the array to be cut).
    expect(lane.items.slice(0, lane.head).every((m) => m === undefined)).toBe(true);
    expect([lane.size, lane.at(0).cand.seq]).toEqual([3, 7]);
    for (let i = 0; i < 3; i++) lane.shift();
    expect([lane.items.length, lane.head]).toEqual([0, 0]);
  });
});
