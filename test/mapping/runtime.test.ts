import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  after,
  isIp,
  MAX_VALUE_DEPTH,
  jsonStringAfter,
  needsNoEscaping,
  parseTimestamp,
  put,
  text,
  timestamp,
} from '../../parsers/mapping/runtime';

describe('timestamp', () => {
  it.each([
    ['2024-10-12T10:00:00Z', '2024-10-12T10:00:00Z'],
    ['2024-10-12T10:00:00.000Z', '2024-10-12T10:00:00Z'],
    ['2024-10-12T10:00:00.5Z', '2024-10-12T10:00:00.500Z'],
    ['2024-10-12T10:00:00.1234Z', '2024-10-12T10:00:00.123400Z'],
    ['2024-10-12T10:00:00.123456789Z', '2024-10-12T10:00:00.123456789Z'],
    ['2020-01-01T01:30:00+02:00', '2019-12-31T23:30:00Z'],
    ['2020-01-01T01:30:00-0530', '2020-01-01T07:00:00Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00Z'],
    ['2024-01-01 00:00:00.000', '2024-01-01T00:00:00Z'],
    ['2025-03-05 21:19:44.000000000', '2025-03-05T21:19:44Z'],
  ])('%s → %s', (input, output) => {
    expect(timestamp(input)).toBe(output);
  });

  it.each([
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:60:00Z',
    '2024-01-01T00:00:00+24:00',
    '2024-01-01T00:00:00+05:60',
    '2024-01-01',
    'yesterday',
    '',
    1700000000,
    null,
    '2024-01-01T00:00:00Z ' + 'x'.repeat(100_000),
  ])('refuses %j', (input) => {
    expect(timestamp(input)).toBeUndefined();
  });

  it('takes the fast path for plain UTC times only where the general path agrees', () => {
    // Every day of 1899-1901 and 1999-2001 (leap rules of 1900 and 2000), edge clock values,
    // and day/month numbers just out of range.
    const times: string[] = [];
    for (const year of ['0001', '0000', '1899', '1900', '1901', '1999', '2000', '2001', '9999']) {
      for (let month = 0; month <= 13; month++) {
        for (let day = 0; day <= 32; day++) {
          const date = `${year}-${pad(month)}-${pad(day)}`;
          for (const clock of ['00:00:00', '23:59:59', '24:00:00', '12:60:00', '12:00:60']) {
            times.push(`${date}T${clock}Z`);
          }
        }
      }
    }
    times.push('2024-01-01T0a:00:00Z', '2024-01-01t00:00:00Z', '2024/01/01T00:00:00Z');
    for (const value of times) expect(timestamp(value)).toBe(parseTimestamp(value));
    expect(times.filter((t) => timestamp(t) !== undefined).length).toBeGreaterThan(2000);
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

describe('jsonStringAfter', () => {
  const samples = ['plain', '', 'quote " and \\ back', 'tab\t nl\n', '\u0000\u001f\u007f'];
  samples.push('caf\u00e9 \u{1F600}', 'lone \ud800 high', 'lone \udc00 low', '\u2028\u2029');
  samples.push('{"aws:ebs:id":"vol-1"}', '<script>', '["Encrypt","Decrypt"]', '[1,2]');

  it('writes its prefix and the string as JSON.stringify does, unless told verbatim', () => {
    for (const value of samples) {
      expect(jsonStringAfter(',"k":"', value, false)).toBe(',"k":' + JSON.stringify(value));
    }
  });

  it('copies a verbatim string, and still escapes JSON text made of an object or array', () => {
    expect(jsonStringAfter('"k":"', 'arn:aws:kms:key/1', true)).toBe('"k":"arn:aws:kms:key/1"');
    for (const value of ['{"aws:ebs:id":"vol-1"}', '["Encrypt","Decrypt"]', '[1,2]']) {
      expect(jsonStringAfter('"k":"', value, true)).toBe('"k":' + JSON.stringify(value));
    }
  });
});

describe('needsNoEscaping', () => {
  it('holds exactly when no string parsed from the text needs escaping', () => {
    expect(needsNoEscaping('{"a":"plain caf\u00e9 \u{1F600}","b":[1,{"c":"d"}]}')).toBe(true);
    expect(needsNoEscaping('{"a":"say \\"hi\\""}')).toBe(false);
    expect(needsNoEscaping('{"a":"\\u0041"}')).toBe(false);
    expect(needsNoEscaping('{"a":"lone \ud800"}')).toBe(false);
  });

  it('agrees with JSON.stringify on every string of a text it passes', () => {
    const pieces = ['a', ' ', 'é', '\u{1F600}', '\ud800', '\\"', '\\\\', '\\n', '\\u0001', '\t'];
    let passed = 0;
    for (let i = 0; i < 4000; i++) {
      let value = '';
      for (let n = (i * 7) % 9, k = i; n >= 0; n--, k = Math.floor(k / 3) + n) {
        value += pieces[(k * 31 + n) % pieces.length];
      }
      const json = `{"key ${value}":"${value}","list":["${value}"]}`;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(json) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (!needsNoEscaping(json)) continue;
      passed++;
      for (const [key, item] of Object.entries(parsed)) {
        for (const s of [key, ...(Array.isArray(item) ? item : [item])] as string[]) {
          expect(JSON.stringify(s)).toBe(`"${s}"`);
        }
      }
    }
    expect(passed).toBeGreaterThan(100);
  });
});

describe('text', () => {
  it('spells scalars out and writes objects as compact JSON', () => {
    expect(text('a')).toBe('a');
    expect(text(7)).toBe('7');
    expect(text(false)).toBe('false');
    expect(text(['Encrypt', 'Decrypt'])).toBe('["Encrypt","Decrypt"]');
    expect(text({ Department: 'Engineering' })).toBe('{"Department":"Engineering"}');
  });

  it('refuses a value nested deeper than MAX_VALUE_DEPTH, the same in every thread', () => {
    const nest = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = { a: value };
      return value;
    };
    expect(text(nest(MAX_VALUE_DEPTH))).toMatch(/^\{"a":\{"a":/);
    expect(() => text(nest(MAX_VALUE_DEPTH + 1))).toThrow(/nests more than 256 levels deep/);
    expect(() => text(nest(100_000))).toThrow(/nests more than 256 levels deep/);
  });

  it('treats empty and non-data values as absent', () => {
    for (const value of ['', ' ', '\t\n', null, undefined, NaN, Infinity, () => 1, {}, []]) {
      expect(text(value)).toBeUndefined();
    }
  });
});

describe('after', () => {
  it('takes the key id out of a key ARN and nothing out of an alias ARN', () => {
    const arn = 'arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(after(arn, ':key/')).toBe('1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(after('arn:aws:kms:us-west-2:111122223333:alias/x', ':key/')).toBeUndefined();
    expect(after('arn:aws:kms:us-west-2:111122223333:key/', ':key/')).toBeUndefined();
  });
});

describe('isIp', () => {
  it('agrees with node:net isIP on every short text of digits, dots, colons and letters', () => {
    const alphabet = ['0', '1', '2', '5', '9', '.', ':', 'a', ' '];
    let texts = [''];
    for (let length = 1; length <= 6; length++) {
      texts = texts.flatMap((text) => alphabet.map((c) => text + c));
      for (const text of texts) expect([text, isIp(text)]).toEqual([text, isIP(text) !== 0]);
    }
    const samples = ['130.154.243.62', '255.255.255.255', '256.1.1.1', '01.2.3.4', '0.0.0.0'];
    samples.push('1.2.3.4.5', '1..3.4', '2001:db8::1', '::ffff:1.2.3.4', 'kms.amazonaws.com');
    for (const text of samples) expect([text, isIp(text)]).toEqual([text, isIP(text) !== 0]);
    expect(isIp(undefined)).toBe(false);
  });

  it('refuses an IPv6 address with a zone, which isIP takes and UDM IP fields do not', () => {
    expect(isIP('fe80::1%eth0')).toBe(6);
    expect([isIp('fe80::1%eth0'), isIp('fe80::1%1'), isIp('fe80::1')]).toEqual([
      false,
      false,
      true,
    ]);
  });
});

describe('put', () => {
  it('keeps __proto__ as data', () => {
    const map: Record<string, unknown> = {};
    put(map, '__proto__', 'x');
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(JSON.stringify(map)).toBe('{"__proto__":"x"}');
  });
});
