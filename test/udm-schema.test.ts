import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { udmJsonSchema } from '../parsers/udm/json-schema';
import { UDM_SCHEMA_FILE, validateUdmEvent } from '../parsers/udm/validate';

const valid = {
  metadata: {
    eventTimestamp: '2024-10-12T10:00:00Z',
    eventType: 'USER_RESOURCE_ACCESS',
    productName: 'AWS Key Management Service',
  },
  principal: { ip: ['192.0.2.10', '2001:db8::1'], user: { attribute: { roles: [{ name: 'x' }] } } },
  additional: { requestID: 'r-1' },
  securityResult: [{ action: ['ALLOW'], categoryDetails: ['Management'] }],
};

describe('the UDM schema', () => {
  it('is current with the vendored proto (run `npm run schema` to regenerate)', () => {
    const committed = JSON.parse(readFileSync(UDM_SCHEMA_FILE, 'utf8'));
    expect(committed).toEqual(udmJsonSchema());
  });

  it('accepts a well-formed event', () => {
    expect(validateUdmEvent(valid)).toEqual([]);
  });

  it.each([
    [{ metadata: { productEventTyp: 'x' } }, "/metadata: unknown UDM field 'productEventTyp'"],
    [{ metadata: { eventType: 'USER_SHOPPING' } }, '/metadata/eventType: not a value of the enum'],
    [{ metadata: { eventTimestamp: '2024-10-12 10:00:00' } }, '/metadata/eventTimestamp: '],
    [
      { principal: { ip: ['kms.amazonaws.com'] } },
      '/principal/ip/0: "kms.amazonaws.com" is not an IP',
    ],
    [{ principal: { ip: 'not repeated' } }, '/principal/ip: must be array'],
    [{ principal: { hostname: '' } }, '/principal/hostname: empty values must be omitted'],
    [{ principal: {} }, '/principal: empty values must be omitted'],
    [{ securityResult: [] }, '/securityResult: empty values must be omitted'],
  ])('refuses %j', (event, problem) => {
    const lines = validateUdmEvent(event).map((p) => `${p.path}: ${p.message}`);
    expect(lines.some((line) => line.startsWith(problem))).toBe(true);
  });
});
