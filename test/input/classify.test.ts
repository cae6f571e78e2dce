import { describe, expect, it } from 'vitest';
import { classify, classifyRecord } from '../../parsers/input/classify';

const trail = { eventVersion: '1.08', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt' };

describe('classifyRecord', () => {
  it('takes an object with detail and detail-type or source as an EventBridge envelope', () => {
    const envelope = { 'detail-type': 'AWS API Call via CloudTrail', detail: trail };
    expect(classifyRecord(envelope)).toEqual({ kind: 'record', shape: 'eventbridge', envelope });
    const bySource = { source: 'aws.kms', detail: {} };
    expect(classifyRecord(bySource)).toMatchObject({ shape: 'eventbridge', envelope: bySource });
  });

  it('takes a detail object with no CloudTrail keys beside it as an envelope', () => {
    const google = { version: '1.08', id: 'evt-1', time: '2024-10-12T10:00:00Z', detail: trail };
    expect(classifyRecord(google)).toMatchObject({ shape: 'eventbridge', envelope: google });
  });

  it('wraps a bare CloudTrail record as the detail of an envelope', () => {
    expect(classifyRecord(trail)).toEqual({
      kind: 'record',
      shape: 'cloudtrail',
      envelope: { detail: trail },
    });
    expect(classifyRecord(trail, 's3-delivery')).toMatchObject({ shape: 's3-delivery' });
    // A record that merely has a detail member is still a record; an object with no
    // CloudTrail key at all is neither a record nor an envelope, and says so.
    const withDetail = { ...trail, detail: { x: 1 } };
    expect(classifyRecord(withDetail)).toMatchObject({ shape: 'cloudtrail' });
    expect(classifyRecord({ anything: true })).toMatchObject({
      kind: 'reject',
      reason: expect.stringMatching(/^not a CloudTrail record or EventBridge envelope: .*anything/),
    });
  });

  it('does not take a detail that is not an object as an envelope', () => {
    for (const detail of ['text', [1]]) {
      expect(classifyRecord({ source: 'aws.kms', detail })).toMatchObject({
        kind: 'reject',
        reason: expect.stringContaining('its detail is not an object'),
      });
    }
  });

  it('skips CloudTrail digest files', () => {
    const digest = { digestStartTime: 'a', digestEndTime: 'b', digestS3Bucket: 'c' };
    expect(classifyRecord(digest)).toMatchObject({ kind: 'skip', reason: 'digest' });
    // One digest-like key on a KMS record does not make it a digest file.
    expect(classifyRecord({ ...trail, digestStartTime: 'x' })).toMatchObject({ kind: 'record' });
    expect(classifyRecord({ ...digest, eventName: 'Decrypt' })).toMatchObject({ kind: 'record' });
  });

  it('skips CloudTrail Insights events', () => {
    expect(classifyRecord({ ...trail, eventCategory: 'Insight' })).toMatchObject({
      kind: 'skip',
      reason: 'insight',
    });
    const insight = { eventID: 'e-1', insightDetails: { eventName: 'Decrypt' } };
    expect(classifyRecord(insight)).toEqual({
      kind: 'skip',
      reason: 'insight',
      detail: 'CloudTrail Insights event on Decrypt e-1',
    });
  });

  it('rejects values that are not objects', () => {
    expect(classifyRecord([1])).toEqual({
      kind: 'reject',
      reason: 'not a record: expected a JSON object, found an array',
    });
    expect(classifyRecord(null)).toMatchObject({ kind: 'reject' });
    expect(classifyRecord('s')).toMatchObject({ kind: 'reject' });
  });

  it('ignores inherited names and keeps a __proto__ key an own property', () => {
    const hostile = JSON.parse(
      '{"__proto__":{"eventCategory":"Insight","detail":{}},"eventName":"Decrypt"}',
    );
    const verdict = classifyRecord(hostile);
    expect(verdict).toMatchObject({ kind: 'record', shape: 'cloudtrail' });
    const detail = verdict.kind === 'record' ? verdict.envelope.detail : undefined;
    expect(detail).toBe(hostile);
    expect(Object.getPrototypeOf(detail)).toBe(Object.prototype);
    expect(Object.hasOwn(hostile, '__proto__')).toBe(true);
    expect(
      classifyRecord(JSON.parse('{"constructor":1,"toString":2,"eventName":"E"}')),
    ).toMatchObject({
      shape: 'cloudtrail',
    });
  });
});

describe('classify', () => {
  it('opens a Records container it is given whole, one verdict per element', () => {
    const verdicts = classify({ Records: [trail, { insightDetails: {} }, 3] });
    expect(verdicts.map((v) => v.kind)).toEqual(['record', 'skip', 'reject']);
    expect(verdicts[0]).toMatchObject({ shape: 's3-delivery', raw: JSON.stringify(trail) });
  });

  it('takes an element of a Records array as one record, never as a container', () => {
    const nested = { Records: [trail] };
    expect(classify(nested, true)).toEqual([
      { kind: 'reject', reason: expect.stringMatching(/^not a CloudTrail record/) },
    ]);
  });

  it('reads LookupEvents output: each CloudTrailEvent string is a bare record', () => {
    const text = JSON.stringify(trail);
    const page = {
      NextToken: 't',
      Events: [
        { EventId: '1', CloudTrailEvent: text },
        { EventId: '2', CloudTrailEvent: '{"eventName": ' },
        { EventId: '3', eventCategory: 'Insight' },
      ],
    };
    const verdicts = classify(page);
    expect(verdicts[0]).toEqual({
      kind: 'record',
      shape: 'cloudtrail',
      envelope: { detail: trail },
      raw: text,
    });
    expect(verdicts[1]).toMatchObject({ kind: 'reject', raw: '{"eventName": ' });
    expect(verdicts[1].kind === 'reject' && verdicts[1].reason).toMatch(
      /^invalid JSON in CloudTrailEvent: /,
    );
    expect(verdicts[2]).toMatchObject({ kind: 'skip', reason: 'insight' });
  });

  it('rejects a container element nested too deeply to write back as text', () => {
    const depth = 200_000;
    const deep: unknown = JSON.parse('['.repeat(depth) + ']'.repeat(depth));
    const verdicts = classify({ Records: [{ eventName: 'Decrypt', deep }, trail] });
    expect(verdicts.map((v) => v.kind)).toEqual(['reject', 'record']);
    expect(verdicts[0]).toMatchObject({ reason: 'not a record: Maximum call stack size exceeded' });
  });

  it('yields nothing for empty containers', () => {
    expect(classify({ Records: [] })).toEqual([]);
    expect(classify({ Events: [] })).toEqual([]);
  });

  it('leaves an envelope alone even if it has a Records member', () => {
    const envelope = { source: 'aws.kms', detail: trail, Records: [1] };
    expect(classify(envelope)).toEqual([{ kind: 'record', shape: 'eventbridge', envelope }]);
  });
});
