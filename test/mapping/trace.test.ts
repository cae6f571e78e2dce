import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCases, runCase } from '../../parsers/fixtures/cases';
import { flattenUdm } from '../../parsers/fixtures/udm-paths';
import { compileMappingOrThrow } from '../../parsers/mapping/compile';
import { interpret, type TraceEntry } from '../../parsers/mapping/interpret';

const compiled = compileMappingOrThrow('mappings/aws_kms.yaml');
const cases = listCases(path.join(__dirname, '..', '..', 'fixtures', 'aws_kms'));

describe('tracing the reference interpreter', () => {
  it('accounts for every field of every fixture event exactly once, with its row', async () => {
    for (const fixture of cases) {
      const traced = new Map<object, string[]>();
      let entries: TraceEntry[] = [];
      const mapper = interpret(compiled.plan, (entry) => entries.push(entry));
      const tracing = {
        ...mapper,
        map(data: Record<string, unknown>, issues: string[]) {
          entries = [];
          const event = mapper.map(data, issues);
          traced.set(event, entries.map((e) => e.path).sort());
          return event;
        },
      };
      for (const event of (await runCase(fixture, tracing)).events) {
        // Label keys are constants written together with their value; the value is traced.
        const fields = [...flattenUdm(event).keys()].filter((p) => !/\]\.key$/.test(p)).sort();
        expect(traced.get(event), fixture.name).toEqual(fields);
      }
    }
  });

  it('names the fallback that supplied the value', () => {
    const entries: TraceEntry[] = [];
    const mapper = interpret(compiled.plan, (entry) => entries.push(entry));
    mapper.map(
      { time: '2024-01-01T00:00:00Z', detail: { eventTime: 'x', eventName: 'Decrypt' } },
      [],
    );
    const time = entries.find((e) => e.path === 'metadata.event_timestamp')!;
    expect(time).toMatchObject({ source: 'time', raw: '2024-01-01T00:00:00Z' });
    expect(time.row.id).toBe('event_time');
    const type = entries.find((e) => e.path === 'metadata.event_type')!;
    expect(type).toMatchObject({ source: 'detail.eventName', raw: 'Decrypt' });
    expect(type.value).toBe('USER_RESOURCE_ACCESS');
  });
});
