import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect, loadReferenceLists, sortDetections } from '../../parsers/detect/engine';
import type { RuleEvaluator } from '../../parsers/detect/engine';
import type { Input } from '../../parsers/detect/run';
import { Screen } from '../../parsers/detect/screen';
import { toInput } from '../../parsers/detect/stream';
import type { Detection, UdmEvent } from '../../parsers/detect/types';
import { prepareRules, ruleFiles } from '../../parsers/rules/load';
import { listDetectionCases } from '../../parsers/rules/cases';
import { compile, fixtureEvent, fixtureEvents, mappedEvents, random, singleRule } from './helpers';
import { variant } from './helpers';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'fixtures', 'aws_kms');

function shippedRules(): RuleEvaluator[] {
  const lists = loadReferenceLists(path.join(ROOT, 'rules', 'lists'));
  const prepared = prepareRules(ruleFiles([path.join(ROOT, 'rules', 'aws_kms')]), { lists });
  expect(prepared.notRun).toEqual([]);
  return prepared.evaluators;
}

/** Every mapped event of the goldens: about forty KMS calls, allowed and denied. */
const goldenEvents: UdmEvent[] = fs
  .readdirSync(FIXTURES)
  .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'expected.json')))
  .sort()
  .flatMap((d) => fixtureEvents(d));

/** Events of the pool again, by few principals on few keys, some denied, seconds apart. */
function stream(pool: UdmEvent[], seed: number, n: number): UdmEvent[] {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  let t = 0;
  return Array.from({ length: n }, (_, i) => {
    t += Math.floor(next() * 20);
    return variant(pick(pool), `e${i}`, t, (e) => {
      const user = (e.principal ??= {}).user ?? (e.principal.user = {});
      user.userid = pick(['alice', 'bob']);
      if (next() < 0.5) (e.target ??= {}).resource = { productObjectId: pick(['K1', 'K2']) };
      if (next() < 0.2) e.securityResult = [{ action: ['BLOCK'] }];
    });
  });
}

/**
 * The rules run as they were before screening: each run is given every event whole, in time
 * order, with no variable ruled out beforehand.
 */
function unscreened(rules: RuleEvaluator[], events: UdmEvent[]): Detection[] {
  const inputs = events.map((event, i) => toInput(event, i));
  inputs.sort((a, b) => a.time - b.time);
  const runs = rules.map((rule) => rule.start());
  const found: Detection[] = [];
  inputs.forEach((input: Input, seq) => {
    input.seq = seq;
    for (const run of runs) found.push(...run.push(input));
  });
  for (const run of runs) found.push(...run.finish());
  return sortDetections(found);
}

describe('screening events before they are buffered', () => {
  const rules = shippedRules();
  const cases = listDetectionCases(path.join(ROOT, 'fixtures', 'detections'));

  it('changes no detection of the shipped rules on their cases, where all fire', async () => {
    const fired = new Set<string>();
    for (const fixture of cases) {
      const events = await mappedEvents(path.join(fixture.dir, 'input.ndjson'));
      const screened = detect(rules, events);
      expect(screened, fixture.name).toEqual(unscreened(rules, events));
      screened.forEach((d) => fired.add(d.rule));
    }
    expect([...fired].sort()).toEqual(rules.map((r) => r.rule.name).sort());
  });

  it('changes no detection on streams mixing every golden and case event', async () => {
    const pool = [...goldenEvents];
    for (const fixture of cases)
      pool.push(...(await mappedEvents(path.join(fixture.dir, 'input.ndjson'))));
    let found = 0;
    for (let seed = 1; seed <= 4; seed++) {
      const events = stream(pool, seed, 500);
      const screened = detect(rules, events);
      expect(screened, `seed ${seed}`).toEqual(unscreened(rules, events));
      found += screened.length;
    }
    // Equal empty results would prove nothing.
    expect(found).toBeGreaterThan(0);
  });

  it('holds an event no variable can take with only its time and id', () => {
    const disables = compile(`rule disables {
 meta:
  a = "b"
 events:
  $d.metadata.product_event_type = "DisableKey" or $d.metadata.product_event_type = "EnableKey"
  $d.principal.user.userid != ""
 condition:
  $d
}`);
    const screen = new Screen([disables]);
    const decrypt = fixtureEvent('decrypt-aws-account-identity');
    const skipped = screen.screen(decrypt);
    expect(skipped.variables.size).toBe(0);
    const { metadata } = decrypt as { metadata: Record<string, unknown> };
    expect(skipped.project(decrypt)).toEqual({
      metadata: { eventTimestamp: metadata.eventTimestamp, productLogId: metadata.productLogId },
    });

    const disable = fixtureEvent('disable-key-assumed-role-mfa');
    const taken = screen.screen(disable);
    expect(taken.variables.size).toBe(1);
    expect(taken.project(disable)).toEqual({
      metadata: {
        eventTimestamp: '2019-01-01T00:00:00Z',
        productLogId: '1',
        productEventType: 'DisableKey',
      },
      principal: { user: { userid: '1111' } },
    });
    // Events of one kind share a screening: the memo, not the event, decides its identity.
    expect(screen.screen(structuredClone(disable))).toBe(taken);
  });

  it('rules out by a filter that copies expand only when no copy can pass it', () => {
    const rule = (test: string) => compile(singleRule(`  $e.security_result.action ${test}`));
    const allowed = variant(fixtureEvent('disable-key-assumed-role-mfa'), 'a', 0, (e) => {
      e.securityResult = [{ action: ['ALLOW'] }, { summary: 'no action' }];
    });
    const blocked = new Screen([rule('= "BLOCK"')]);
    expect(blocked.screen(allowed).variables.size).toBe(0);
    // The second result has no action: its copy reads the zero value, which is not "ALLOW".
    const notAllowed = rule('!= "ALLOW"');
    expect(new Screen([notAllowed]).screen(allowed).variables.size).toBe(1);
    expect(detect([notAllowed], [allowed])).toHaveLength(1);
  });
});
