/**
 * JSON Schema of a mapping file. It checks structure only; the meaning of each row (does the
 * UDM target exist, is the constant a valid enum name) is checked against the UDM schema later.
 */

const FORBIDDEN_KEY = '^(__proto__|constructor|prototype)$';
const FORBIDDEN_SEGMENT = '(^|[.\\]])(__proto__|constructor|prototype)([.\\[]|$)';

const sourcePath = {
  type: 'string',
  pattern:
    '^[A-Za-z_][A-Za-z0-9_-]*(\\[[0-9]{1,6}\\])*(\\.[A-Za-z_][A-Za-z0-9_-]*(\\[[0-9]{1,6}\\])*)*$',
  not: { pattern: FORBIDDEN_SEGMENT },
};

const sourcePaths = {
  anyOf: [sourcePath, { type: 'array', items: sourcePath, minItems: 1 }],
};

const text = { type: 'string', minLength: 1, maxLength: 4096 };

const condition = {
  type: 'object',
  required: ['source'],
  minProperties: 2,
  maxProperties: 2,
  additionalProperties: false,
  properties: {
    source: sourcePaths,
    present: { type: 'boolean' },
    equals: text,
    in: { type: 'array', items: text, minItems: 1 },
    is_ip: { type: 'boolean' },
  },
};

const row = {
  type: 'object',
  required: ['id', 'target'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
    spec: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1 },
      ],
    },
    source: sourcePaths,
    target: { type: 'string', pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$' },
    key: { ...text, pattern: '^[A-Za-z0-9_.:-]+$', not: { pattern: FORBIDDEN_KEY } },
    constant: text,
    table: {
      type: 'object',
      minProperties: 1,
      additionalProperties: text,
      propertyNames: { not: { pattern: FORBIDDEN_KEY } },
    },
    default: text,
    transform: {
      anyOf: [
        { const: 'timestamp' },
        {
          type: 'object',
          required: ['after'],
          additionalProperties: false,
          properties: { after: text },
        },
      ],
    },
    when: { anyOf: [condition, { type: 'array', items: condition, minItems: 1 }] },
    required: { type: 'boolean' },
    overrides: {
      anyOf: [
        { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
        { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' } },
      ],
    },
    for_each: sourcePath,
    rows: { type: 'array', items: { $ref: '#/definitions/row' }, minItems: 1 },
  },
};

export const mappingFileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'udm mapping file',
  type: 'object',
  required: ['log_type', 'rows'],
  additionalProperties: false,
  definitions: { row },
  properties: {
    log_type: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,63}$' },
    title: text,
    accept: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'equals'],
        additionalProperties: false,
        properties: {
          source: sourcePath,
          equals: text,
          when_absent: { enum: ['accept', 'skip'] },
        },
      },
    },
    rows: { type: 'array', items: { $ref: '#/definitions/row' }, minItems: 1 },
    known_values: {
      type: 'object',
      propertyNames: { pattern: sourcePath.pattern, not: sourcePath.not },
      additionalProperties: { type: 'array', items: text, minItems: 1, uniqueItems: true },
    },
    ignore: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'reason'],
        additionalProperties: false,
        properties: { source: sourcePaths, reason: text },
      },
    },
  },
} as const;
