import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import type { UdmEvent } from '../../parsers/detect/types';
import { compile, fixtureEvents } from './helpers';

const RULE = path.join(
  __dirname,
  '..',
  'yaral',
  'data',
  'aws_kms_key_disabled_or_scheduled_for_deletion.yaral',
);
// Our events name the product as Google's KMS parser does; the rule was written for CloudTrail.
const text = fs
  .readFileSync(RULE, 'utf8')
  .replaceAll('"AWS CloudTrail"', '"AWS Key Management Service"');

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'aws_kms');
const allEvents: UdmEvent[] = fs
  .readdirSync(FIXTURES)
  .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'expected.json')))
  .sort()
  .flatMap((d) => fixtureEvents(d));

function eventType(e: UdmEvent): string {
  return (e.metadata as { productEventType?: string }).productEventType ?? '';
}

function action(e: UdmEvent): string | undefined {
  const sr = e.securityResult as { action?: string[] }[] | undefined;
  return sr?.[0]?.action?.[0];
}

describe("Google's community KMS rule", () => {
  const rule = compile(text);

  it('fires on each allowed DisableKey and ScheduleKeyDeletion event of the goldens', () => {
    const expected = allEvents.filter(
      (e) => ['DisableKey', 'ScheduleKeyDeletion'].includes(eventType(e)) && action(e) === 'ALLOW',
    );
    expect(expected.length).toBeGreaterThanOrEqual(6);
    const ds = detect([rule], allEvents);
    expect(ds).toHaveLength(expected.length);
    for (const d of ds) {
      expect(d.rule).toBe('aws_kms_key_disabled_or_scheduled_for_deletion');
      expect(d.outcome.risk_score).toBe(75);
      expect(d.outcome.mitre_attack_technique_id).toBe('T1485');
      expect(Object.keys(d.events)).toEqual(['cloudtrail']);
    }
    const times = ds.map((d) => d.time);
    expect(times).toEqual([...times].sort());
  });

  it('reports the outcomes of a DisableKey event', () => {
    const [d] = detect([rule], fixtureEvents('disable-key-assumed-role-mfa'));
    expect(d).toMatchObject({
      time: '2019-01-01T00:00:00Z',
      match: {},
      events: { cloudtrail: ['1'] },
      outcome: {
        risk_score: 75,
        principal_ip: ['111.111.111.111'],
        principal_user_display_name: 'tester',
        recipient_aws_account_id: '123456789012',
        aws_region: 'us-west-2',
        target_resource_name: 'arn:aws:kms:us-west-2:123456789012:key/1',
        network_http_user_agent: 'Mozilla',
      },
    });
  });

  it('fires on ScheduleKeyDeletion', () => {
    const ds = detect([rule], fixtureEvents('schedule-key-deletion-iam-user-7-days'));
    expect(ds.map((d) => d.events.cloudtrail)).toEqual([['3c4226b0-1e81-48a8-a333-7fa5f3cbd118']]);
  });

  it('does not fire on a failed call or on Decrypt', () => {
    expect(detect([rule], fixtureEvents('disable-key-not-found-error'))).toEqual([]);
    expect(detect([rule], fixtureEvents('decrypt-aws-account-identity'))).toEqual([]);
  });

  it('does not fire on the unadapted product name', () => {
    const original = compile(fs.readFileSync(RULE, 'utf8'));
    expect(detect([original], allEvents)).toEqual([]);
  });
});
