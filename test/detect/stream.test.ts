import { describe, expect, it } from 'vitest';
import { detect, sortDetections } from '../../parsers/detect/engine';
import { DetectionStream, toInput } from '../../parsers/detect/stream';
import type { Detection, UdmEvent } from '../../parsers/detect/types';
import { compile, fixtureEvent, pairRule, variant } from './helpers';

const disable = fixtureEvent('disable-key-assumed-role-mfa');
const schedule = fixtureEvent('schedule-key-deletion-iam-user-7-days');

const pair = compile(pairRule('10m'));

/** A DisableKey and a ScheduleKeyDeletion of one key, 5 minutes apart, every hour. */
function hourlyPairs(hours: number): UdmEvent[] {
  const events: UdmEvent[] = [];
  for (let h = 0; h < hours; h++) {
    const key = `K${h}`;
    const edit = (e: any) => (e.target.resource.productObjectId = key);
    events.push(variant(disable, `d${h}`, h * 3600, edit));
    events.push(variant(schedule, `s${h}`, h * 3600 + 300, edit));
  }
  return events;
}

function run(stream: DetectionStream, events: UdmEvent[]) {
  const found: Detection[] = [];
  const late: number[] = [];
  let mostHeld = 0;
  events.forEach((event, i) => {
    const pushed = stream.push(event);
    found.push(...pushed.detections);
    if (pushed.late) late.push(i);
    mostHeld = Math.max(mostHeld, stream.held().events);
  });
  found.push(...stream.finish());
  return { found, late, mostHeld };
}

describe('DetectionStream', () => {
  it('finds what the batch engine finds, holding no more events than its buffer', () => {
    const events = hourlyPairs(200);
    const stream = new DetectionStream([pair], { capacity: 10 });
    const { found, late, mostHeld } = run(stream, events);
    expect(late).toEqual([]);
    expect(found).toHaveLength(200);
    expect(sortDetections(found)).toEqual(detect([pair], events));
    expect(mostHeld).toBe(10);
    expect(stream.held().events).toBe(0);
  });

  it('puts events back in time order within its buffer', () => {
    const events = hourlyPairs(50);
    // Swap each pair and some neighbours: every event is at most 3 places from its turn.
    const shuffled = events.map((_, i) => events[i ^ 3]);
    const { found, late } = run(new DetectionStream([pair], { capacity: 4 }), shuffled);
    expect(late).toEqual([]);
    expect(sortDetections(found)).toEqual(detect([pair], events));
  });

  it('reports an event older than one already evaluated as late, and evaluates the rest', () => {
    const events = hourlyPairs(5);
    const old = variant(disable, 'old', -3600);
    const { found, late } = run(new DetectionStream([pair], { capacity: 2 }), [
      ...events.slice(0, 6),
      old,
      ...events.slice(6),
    ]);
    expect(late).toEqual([6]);
    expect(found).toHaveLength(5);
    const stream = new DetectionStream([pair], { capacity: 2 });
    events.slice(0, 6).forEach((event) => stream.push(event));
    expect(stream.push(old).late).toEqual({
      time: '2023-12-31T23:00:00Z',
      evaluatedUpTo: '2024-01-01T01:05:00Z',
    });
  });

  it('holds the candidates of open windows only, however long the input', () => {
    const stream = new DetectionStream([pair], { capacity: 100 });
    let [mostCandidates, found] = [0, 0];
    for (const event of hourlyPairs(2000)) {
      found += stream.push(event).detections.length;
      mostCandidates = Math.max(mostCandidates, stream.held().candidates);
    }
    // Events an hour apart: a 10-minute window holds one pair at most, whatever the input.
    expect(mostCandidates).toBeLessThanOrEqual(4);
    expect(found + stream.finish().length).toBe(2000);
  });
});

describe('filter order', () => {
  it('gives the same detections after the engine reorders filters by how often they reject', () => {
    const rule = () =>
      compile(`rule one {
 meta:
  a = "b"
 events:
  $e.metadata.product_name = "AWS Key Management Service"
  $e.metadata.product_event_type = "DisableKey"
 condition:
  $e
}`);
    const events = Array.from({ length: 3000 }, (_, i) =>
      variant(i % 3 ? schedule : disable, `e${i}`, i),
    );
    // Past 1,024 events the event-type test, which rejects two in three, moves first.
    const found = detect([rule()], events);
    expect(found).toHaveLength(1000);
    expect(found.map((d) => d.events.e[0])).toEqual(
      events.filter((_, i) => i % 3 === 0).map((e) => (e.metadata as any).productLogId),
    );
    expect(detect([rule()], events.slice(0, 300))).toEqual(found.slice(0, 100));
  });
});

describe('event times', () => {
  it('reads a time without a zone as UTC, as udm map does, whatever zone the machine is in', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const event = { metadata: { eventTimestamp: '2024-05-01T10:00:00', productLogId: 'x' } };
      expect(toInput(event, 0).time).toBe(Date.UTC(2024, 4, 1, 10) / 1000);
      const offset = { metadata: { eventTimestamp: '2024-05-01T12:00:00+02:00' } };
      expect(toInput(offset, 1).time).toBe(Date.UTC(2024, 4, 1, 10) / 1000);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});
