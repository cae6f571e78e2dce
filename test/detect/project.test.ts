import { describe, expect, it } from 'vitest';
import { detect } from '../../parsers/detect/engine';
import { projection } from '../../parsers/detect/project';
import type { UdmEvent } from '../../parsers/detect/types';
import { compile } from './helpers';

const RULE = `rule reads_some_fields {
  meta:
    author = "test"
  events:
    $e.metadata.product_event_type = "Decrypt"
    $e.principal.ip = "10.0.0.1"
    $e.additional.fields["__proto__"] = "x"
    $e.principal.user.attribute.labels["team"] = "blue"
    $e.about.resource.id != ""
  condition:
    $e
}`;

describe('projection', () => {
  const project = projection(compile(RULE).fieldsRead);

  it('keeps what the rule and the stream read, lists whole and in place, and nothing else', () => {
    const event = JSON.parse(
      JSON.stringify({
        metadata: { eventTimestamp: 't', productLogId: 'id', productEventType: 'Decrypt', x: 1 },
        principal: {
          ip: ['10.0.0.2', '10.0.0.1'],
          hostname: 'h',
          user: { userid: 'u', attribute: { labels: [{ key: 'team', value: 'blue' }], x: 1 } },
        },
        about: [{ resource: { id: 'a', name: 'n' } }, { hostname: 'h' }, { resource: { id: 'b' } }],
        target: { resource: { id: 'k' } },
      }),
    ) as UdmEvent;
    expect(project(event)).toEqual({
      metadata: { eventTimestamp: 't', productLogId: 'id', productEventType: 'Decrypt' },
      principal: {
        ip: ['10.0.0.2', '10.0.0.1'],
        user: { attribute: { labels: [{ key: 'team', value: 'blue' }] } },
      },
      about: [{ resource: { id: 'a' } }, {}, { resource: { id: 'b' } }],
    });
  });

  it('keeps a __proto__ map key as data, never as the prototype', () => {
    const event = JSON.parse('{"additional":{"__proto__":"x","other":"y"}}') as UdmEvent;
    const kept = project(event) as { additional: Record<string, unknown> };
    expect(Object.getPrototypeOf(kept.additional)).toBe(Object.prototype);
    expect(Object.keys(kept.additional)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(kept.additional, '__proto__')?.value).toBe('x');
  });

  it('passes values of an unexpected type through as they are', () => {
    const event = { metadata: 'not a message', principal: { ip: '10.0.0.1' } } as UdmEvent;
    expect(project(event)).toEqual(event);
  });
});

describe('map fields read by key', () => {
  it('read own keys only: __proto__ and constructor are absent unless the event has them', () => {
    const rule = compile(`rule inherited_keys {
  meta:
    author = "test"
  events:
    ($e.additional.fields["__proto__"] != "" or $e.additional.fields["constructor"] != "")
  condition:
    $e
}`);
    const time = '2024-01-01T00:00:00Z';
    const plain = { metadata: { eventTimestamp: time, productLogId: 'a' }, additional: { k: 'v' } };
    const hostile = JSON.parse(
      `{"metadata":{"eventTimestamp":"${time}","productLogId":"b"},"additional":{"__proto__":"x"}}`,
    ) as UdmEvent;
    const found = detect([rule], [plain as UdmEvent, hostile]);
    expect(found.map((d) => d.events)).toEqual([{ e: ['b'] }]);
  });
});
