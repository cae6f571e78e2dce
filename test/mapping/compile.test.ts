import { describe, expect, it } from 'vitest';
import { quote } from '../../parsers/mapping/codegen';
import { interpret } from '../../parsers/mapping/interpret';
import { compileYaml, mappingWith } from './helpers';

const HOSTILE = [
  '"; process.exit(7); "',
  "'; throw new Error('x'); '",
  '`${process.exit(7)}`',
  '*/ process.exit(7); /*',
  'line\nbreak',
  'sep\u2028arator\u2029',
  '\\"); process.exit(7); //',
  '</script><script>',
];

describe('values from YAML reach generated code only as literals', () => {
  it.each(HOSTILE)('quote() round-trips %j', (value) => {
    expect(eval(quote(value))).toBe(value);
  });

  it.each(HOSTILE)('a hostile constant and key stay strings: %j', (value) => {
    const yaml = mappingWith(
      [
        '  - id: hostile_constant',
        '    target: metadata.description',
        `    constant: ${JSON.stringify(value)}`,
        '  - id: hostile_table',
        '    source: kind',
        '    target: metadata.product_event_type',
        '    table:',
        `      ${JSON.stringify(value)}: ${JSON.stringify(value)}`,
        '  - id: hostile_condition',
        '    source: kind',
        '    target: metadata.url_back_to_product',
        `    when: { source: kind, equals: ${JSON.stringify(value)} }`,
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml, 'hostile *\n name\u2028 .yaml');
    expect(diagnostics).toEqual([]);
    const event = compiled!.mapper.map({ time: '2024-01-01T00:00:00Z', kind: value }, []);
    expect(event.metadata).toMatchObject({
      description: value,
      productEventType: value,
      urlBackToProduct: value,
    });
  });

  it('a hostile key for additional.fields is refused by the schema', () => {
    const yaml = mappingWith(
      [
        '  - id: proto_key',
        '    source: x',
        '    target: additional.fields',
        '    key: __proto__',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(compiled).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ code: 'mapping_schema', line: 11, row: 'proto_key' });
  });

  it('source paths that would reach a prototype are refused', () => {
    const yaml = mappingWith(
      [
        '  - id: proto_path',
        '    source: detail.__proto__.x',
        '    target: metadata.description',
      ].join('\n'),
    );
    const { diagnostics } = compileYaml(yaml);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'mapping_schema', line: 9, column: 13 });
  });
});

describe('mapping diagnostics are located', () => {
  it('reports text that is not YAML with its line', () => {
    const { diagnostics } = compileYaml('log_type: X\nrows: [\n  - id: a\n');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ code: 'mapping_yaml', severity: 'error' });
    expect(diagnostics[0].line).toBeGreaterThan(1);
  });

  it('reports an unknown key at the key, naming the row', () => {
    const yaml = mappingWith('  - id: typo\n    sorce: x\n    target: metadata.description');
    const { diagnostics } = compileYaml(yaml);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'mapping_schema',
        line: 9,
        column: 5,
        row: 'typo',
        message: "unknown key 'sorce'",
      }),
    );
  });

  it('reports every problem in one run, not the first', () => {
    const yaml = mappingWith(
      [
        '  - id: no_such_field',
        '    source: x',
        '    target: principal.user.shoe_size',
        '  - id: bad_enum',
        '    target: metadata.event_type',
        '    constant: USER_SHOPPING',
        '  - id: enum_copy',
        '    source: x',
        '    target: metadata.event_type',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(compiled).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.row, d.line])).toEqual([
      ['mapping_target', 'no_such_field', 10],
      ['mapping_target', 'bad_enum', 13],
      ['mapping_target', 'enum_copy', 16],
    ]);
    expect(diagnostics[0].message).toContain("'shoe_size' does not exist in principal.user");
    expect(diagnostics[1].message).toContain("'USER_SHOPPING' is not a value of");
  });

  it('requires a key for labels and refuses one on a plain field', () => {
    const yaml = mappingWith(
      [
        '  - id: label_without_key',
        '    source: x',
        '    target: principal.user.attribute.labels',
        '  - id: key_on_plain',
        '    source: x',
        '    target: metadata.description',
        '    key: k',
      ].join('\n'),
    );
    const { diagnostics } = compileYaml(yaml);
    expect(diagnostics.map((d) => d.row)).toEqual(['label_without_key', 'key_on_plain']);
  });

  it('refuses a row with two logics and a duplicate id', () => {
    const yaml = mappingWith(
      [
        '  - id: both',
        '    target: metadata.description',
        '    constant: a',
        '    table: { a: b }',
        '    source: x',
        '  - id: event_time',
        '    target: metadata.description',
        '    constant: a',
      ].join('\n'),
    );
    const { diagnostics } = compileYaml(yaml);
    expect(diagnostics.map((d) => d.code)).toEqual(['mapping_row_logic', 'mapping_duplicate_id']);
    expect(diagnostics[1].message).toContain('already used at line 3');
  });

  it('a timestamp target needs the timestamp transform', () => {
    const yaml = mappingWith(
      '  - id: raw_time\n    source: t\n    target: metadata.collected_timestamp',
    );
    const { diagnostics } = compileYaml(yaml);
    expect(diagnostics[0].message).toContain("add 'transform: timestamp'");
  });
});

describe('generated code', () => {
  it('names the YAML file and line of every row in a comment', () => {
    const yaml = mappingWith('  - id: product\n    target: metadata.product_name\n    constant: P');
    const { compiled, file } = compileYaml(yaml);
    expect(compiled!.source).toContain(`// ${file}:3 event_time: metadata.event_timestamp`);
    expect(compiled!.source).toContain(`// ${file}:8 product: metadata.product_name`);
    expect(compiled!.source.split('\n')[0]).toMatch(/^\/\/ @generated by udm/);
  });

  it('rejects a record whose required row finds nothing, saying why', () => {
    const { compiled } = compileYaml(mappingWith(''));
    const issues: string[] = [];
    compiled!.mapper.map({ time: 'yesterday' }, issues);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      / row event_time: no metadata.event_timestamp from time: "yesterday"/,
    );
  });

  it('reads a source that several rows use once per record', () => {
    const yaml = mappingWith(
      [
        '  - { id: a, source: detail.region, target: principal.location.name }',
        '  - { id: b, source: detail.region, target: principal.location.country_or_region }',
      ].join('\n'),
    );
    const { compiled } = compileYaml(yaml);
    expect(compiled!.source.match(/\?\.region/g)).toHaveLength(1);
    expect(compiled!.source).toContain('const srcDetail = data?.detail;');
    expect(compiled!.source).toContain('const srcRegion = srcDetail?.region;');
    const event = compiled!.mapper.map(
      { time: '2024-01-01T00:00:00Z', detail: { region: 'r' } },
      [],
    );
    expect(event.principal).toEqual({ location: { name: 'r', countryOrRegion: 'r' } });
  });

  it('indexes arrays only: a string where a list belongs gives nothing, not a letter', () => {
    const yaml = mappingWith(
      '  - id: first\n    source: items[0]\n    target: metadata.description',
    );
    const { compiled } = compileYaml(yaml);
    const time = '2024-01-01T00:00:00Z';
    expect(compiled!.mapper.map({ time, items: ['a', 'b'] }, []).metadata).toMatchObject({
      description: 'a',
    });
    expect(compiled!.mapper.map({ time, items: 'abc' }, []).metadata).not.toHaveProperty(
      'description',
    );
  });

  it('writes for_each elements only when they hold something', () => {
    const yaml = mappingWith(
      [
        '  - id: each_resource',
        '    for_each: resources',
        '    target: about',
        '    rows:',
        '      - id: arn',
        '        source: ARN',
        '        target: resource.id',
      ].join('\n'),
    );
    const { compiled } = compileYaml(yaml);
    const map = (resources: unknown) =>
      compiled!.mapper.map({ time: '2024-01-01T00:00:00Z', resources }, []).about;
    expect(map([{ ARN: 'a' }, {}, null, 'x', { ARN: 'b' }])).toEqual([
      { resource: { id: 'a' } },
      { resource: { id: 'b' } },
    ]);
    expect(map('not a list')).toBeUndefined();
    expect(map([])).toBeUndefined();
  });

  it('writes the elements of several for_each rows in row order, as map and as JSON text', () => {
    const yaml = mappingWith(
      [
        '  - id: each_key',
        '    for_each: keys',
        '    target: about',
        '    rows:',
        '      - { id: key_arn, source: arn, target: resource.id }',
        '      - { id: key_kind, constant: "KMS key", target: resource.resource_subtype }',
        '      - { id: key_name, source: arn, target: resource.name, transform: { after: "/" } }',
        '  - id: each_alias',
        '    for_each: aliases',
        '    target: about',
        '    rows:',
        '      - { id: alias_name, source: name, target: resource.name }',
        '      - { id: alias_same, source: name, target: resource.id }',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(diagnostics).toEqual([]);
    const record = {
      time: '2024-01-01T00:00:00Z',
      keys: [{ arn: 'arn:k/1' }, {}, { arn: { odd: 'a/"b"' } }],
      aliases: [{ name: 'alias/a' }, { name: 'say "b"' }],
    };
    const event = compiled!.mapper.map(record, []);
    expect(event.about).toEqual([
      { resource: { id: 'arn:k/1', resourceSubtype: 'KMS key', name: '1' } },
      { resource: { resourceSubtype: 'KMS key' } },
      { resource: { id: '{"odd":"a/\\"b\\""}', resourceSubtype: 'KMS key', name: '\\"b\\""}' } },
      { resource: { name: 'alias/a', id: 'alias/a' } },
      { resource: { name: 'say "b"', id: 'say "b"' } },
    ]);
    for (const verbatim of [false, true]) {
      // Text cut out of JSON the mapping made (`after`) is escaped even in a clean record.
      const keys = [...record.keys.slice(0, 2), { arn: { x: 'a/b' } }];
      const clean = { ...record, aliases: [{ name: 'alias/a' }], keys };
      const data = verbatim ? clean : record;
      expect(compiled!.mapper.mapToJson(data, [], verbatim)).toBe(
        JSON.stringify(compiled!.mapper.map(data, [])),
      );
    }
    expect(compiled!.source).toContain('r1.alias_same = r1.alias_name; // the same value');
  });

  it('reads an object that many rows read in one pass, as the interpreter reads it', () => {
    const keys = Array.from({ length: 13 }, (_, i) => `k${i}`);
    const row = (k: string) =>
      `  - { id: row_${k}, source: detail.params.${k}, target: additional.fields, key: ${k} }`;
    const yaml = mappingWith(keys.map(row).join('\n'));
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(diagnostics).toEqual([]);
    expect(compiled!.source).toContain('for (const key in srcParams)');
    const reference = interpret(compiled!.plan);
    const params = [
      { k0: 'a', k5: 7, k12: { x: 1 }, other: 'o' },
      JSON.parse('{"__proto__":"p","k1":"b","constructor":"c"}'),
      ['k1', 'k2'],
      'k1',
      null,
      {},
    ];
    for (const value of params) {
      const record = { time: '2024-01-01T00:00:00Z', detail: { params: value } };
      expect(compiled!.mapper.map(record, [])).toEqual(reference.map(record, []));
    }
    const first = { time: '2024-01-01T00:00:00Z', detail: { params: params[0] } };
    expect(compiled!.mapper.map(first, []).additional).toEqual({
      k0: 'a',
      k5: '7',
      k12: '{"x":1}',
    });
  });

  it('makes a shared text up front only when every record makes it anyway', () => {
    const yaml = mappingWith(
      [
        '  - { id: name_a, source: [a, b], target: principal.user.userid }',
        '  - { id: name_b, source: [a, b], target: principal.user.user_display_name }',
        '  - { id: kind_a, source: k, target: metadata.product_event_type }',
        '  - { id: kind_b, source: k, target: metadata.description, transform: { after: "/" } }',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(diagnostics).toEqual([]);
    expect(compiled!.source).toContain('const textA = text(');
    expect(compiled!.source).toContain('const textK = text(');
    expect(compiled!.source).not.toContain('const textB = ');
    let deep: unknown = 1;
    for (let i = 0; i < 300; i++) deep = [deep];
    const record = { time: '2024-01-01T00:00:00Z', a: 'alice', b: deep, k: 'x/y' };
    const issues: string[] = [];
    const event = compiled!.mapper.map(record, issues);
    expect(issues).toEqual([]);
    expect(event.principal).toEqual({ user: { userid: 'alice', userDisplayName: 'alice' } });
    expect(event.metadata).toMatchObject({ productEventType: 'x/y', description: 'y' });
    expect(() => compiled!.mapper.map({ ...record, a: undefined }, [])).toThrow(/nests more/);
  });

  it('places rows that share a field as they ran: later rows win, lists keep every value', () => {
    const yaml = mappingWith(
      [
        '  - { id: first_name, source: a, target: principal.user.userid }',
        '  - id: better_name',
        '    source: b',
        '    target: principal.user.userid',
        '    overrides: [first_name]',
        '  - { id: ip_one, source: ip1, target: principal.ip }',
        '  - { id: ip_two, source: ip2, target: principal.ip }',
        '  - { id: x1, source: a, target: additional.fields, key: same }',
        '  - id: x2',
        '    source: b',
        '    target: additional.fields',
        '    key: same',
        '    overrides: [x1]',
        '  - { id: x3, source: a, target: additional.fields, key: other }',
        '  - { id: l1, source: a, target: principal.user.attribute.labels, key: k1 }',
        '  - { id: l2, source: b, target: principal.user.attribute.labels, key: k2 }',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(diagnostics).toEqual([]);
    const time = '2024-01-01T00:00:00Z';
    const records = [
      { time, a: 'A', b: 'B', ip1: '10.0.0.1', ip2: '10.0.0.2' },
      { time, a: 'A', ip2: '10.0.0.2' },
      { time, b: 'B' },
      { time },
    ];
    const events = records.map((record) => compiled!.mapper.map(record, []));
    expect(events[0].principal).toEqual({
      user: {
        userid: 'B',
        attribute: {
          labels: [
            { key: 'k1', value: 'A' },
            { key: 'k2', value: 'B' },
          ],
        },
      },
      ip: ['10.0.0.1', '10.0.0.2'],
    });
    expect(events[0].additional).toEqual({ same: 'B', other: 'A' });
    expect(events[1].principal).toEqual({
      user: { userid: 'A', attribute: { labels: [{ key: 'k1', value: 'A' }] } },
      ip: ['10.0.0.2'],
    });
    expect(events[1].additional).toEqual({ same: 'A', other: 'A' });
    expect(events[2].additional).toEqual({ same: 'B' });
    expect(events[3]).toEqual({ metadata: { eventTimestamp: time } });
    records.forEach((record, i) => {
      expect(compiled!.mapper.mapToJson(record, [])).toBe(JSON.stringify(events[i]));
    });
  });

  it('refuses to fill one repeated message both element by element and as its first', () => {
    const yaml = mappingWith(
      [
        '  - { id: direct, source: a, target: about.hostname }',
        '  - id: each_resource',
        '    for_each: resources',
        '    target: about',
        '    rows:',
        '      - { id: arn, source: ARN, target: resource.id }',
      ].join('\n'),
    );
    const { compiled, diagnostics } = compileYaml(yaml);
    expect(compiled).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.row, d.line])).toEqual([
      ['mapping_target_conflict', 'each_resource', expect.any(Number)],
    ]);
    expect(diagnostics[0].message).toMatch(/'about' is written as message/);
  });
});
