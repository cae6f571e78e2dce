import { describe, expect, it } from 'vitest';
import { JsonScanner, type Span } from '../../parsers/input/scan-json';

const MAX = 1024;

function scan(text: string, chunkSizes: number[] = [text.length], max = MAX): Span[] {
  const scanner = new JsonScanner({ maxRecordBytes: max });
  const spans: Span[] = [];
  let at = 0;
  for (let k = 0; at < text.length; k++) {
    const size = chunkSizes[k % chunkSizes.length];
    spans.push(...scanner.push(text.slice(at, at + size)));
    at += size;
  }
  spans.push(...scanner.end());
  return spans;
}

/** [kind, line, text] of each span, with `R` marking a Records element. */
function shape(spans: Span[]): [string, number, string][] {
  return spans.map((s) => [s.kind === 'value' ? (s.inRecords ? 'R' : 'V') : 'bad', s.line, s.text]);
}

/** A small deterministic generator, so failures can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe('JsonScanner', () => {
  it('splits newline-delimited, pretty-printed and concatenated objects', () => {
    const text = '{"a":1}\n{"b":2}\r\n\n{\n  "c": 3\n}{"d":4}{"e":5}  {"f":6}\n';
    expect(shape(scan(text))).toEqual([
      ['V', 1, '{"a":1}'],
      ['V', 2, '{"b":2}'],
      ['V', 4, '{\n  "c": 3\n}'],
      ['V', 6, '{"d":4}'],
      ['V', 6, '{"e":5}'],
      ['V', 6, '{"f":6}'],
    ]);
  });

  it('never splits at }{ inside a string, with or without escaped quotes', () => {
    const first = String.raw`{"a":"x}{y","b":"q\"}{\"","c":"\\"}`;
    const second = String.raw`{"d":"}{","e":["\\\"}{"]}`;
    const spans = scan(first + second);
    expect(shape(spans)).toEqual([
      ['V', 1, first],
      ['V', 1, second],
    ]);
    expect(spans[0].kind === 'value' && spans[0].value).toEqual({ a: 'x}{y', b: 'q"}{"', c: '\\' });
  });

  it('streams the elements of a Records array with their exact text', () => {
    const text = '{"Records": [\n  {"r": 1},\n  {"r": "]}"}\n]}\n{"after": true}';
    expect(shape(scan(text))).toEqual([
      ['R', 2, '{"r": 1}'],
      ['R', 3, '{"r": "]}"}'],
      ['V', 5, '{"after": true}'],
    ]);
  });

  it('keeps other members of a delivery file out of the records', () => {
    const text = '{"Version":"1","Records":[{"r":1}],"Extra":{"x":[1]}}';
    expect(shape(scan(text))).toEqual([['R', 1, '{"r":1}']]);
  });

  it('yields nothing for an empty Records array', () => {
    expect(scan('{"Records":[]}')).toEqual([]);
    expect(scan('{"Records": [ ] }\n')).toEqual([]);
  });

  it('reports a delivery file whose own members are broken', () => {
    expect(shape(scan('{"Records":[{"r":1}], oops}'))).toEqual([
      ['R', 1, '{"r":1}'],
      ['bad', 1, '{"Records":[], oops}'],
    ]);
  });

  it('treats "Records" as a value or a non-array member like any other member', () => {
    expect(shape(scan('{"k":"Records","Records":5}'))).toEqual([
      ['V', 1, '{"k":"Records","Records":5}'],
    ]);
    expect(shape(scan('{"x":{"Records":[{"r":1}]}}'))).toEqual([
      ['V', 1, '{"x":{"Records":[{"r":1}]}}'],
    ]);
  });

  it('streams the elements of a top-level array; scalar elements are bad', () => {
    const spans = scan('[\n{"a":1},\n2,\n{"b":[3]}\n]\n{"c":4}');
    expect(shape(spans)).toEqual([
      ['V', 2, '{"a":1}'],
      ['bad', 3, '2'],
      ['V', 4, '{"b":[3]}'],
      ['V', 6, '{"c":4}'],
    ]);
    expect(spans[1].kind === 'bad' && spans[1].reason).toBe(
      'not a record: array element is a number',
    );
  });

  it('reports stray text once per run: to the end of its line or the next {', () => {
    const spans = scan('This is prose.\nMore "prose {x}" here\n{"a":1} trailing junk {"b":2}\n');
    expect(shape(spans)).toEqual([
      ['bad', 1, 'This is prose.'],
      ['bad', 2, 'More "prose {x}" here'],
      ['V', 3, '{"a":1}'],
      ['bad', 3, 'trailing junk'],
      ['V', 3, '{"b":2}'],
    ]);
    expect(spans.map((s) => (s.kind === 'bad' ? s.reason : ''))).toEqual([
      'not JSON: text outside any JSON object',
      'not JSON: text outside any JSON object',
      '',
      'not JSON: text outside any JSON object',
      '',
    ]);
  });

  it('reports top-level scalars as not records', () => {
    const reasons = scan('42\n"text"\ntrue\nnull\n').map((s) => s.kind === 'bad' && s.reason);
    expect(reasons).toEqual([
      'not a record: top-level value is a number',
      'not a record: top-level value is a string',
      'not a record: top-level value is a boolean',
      'not a record: top-level value is null',
    ]);
  });

  it('reports a balanced record that JSON.parse refuses, with its message', () => {
    const spans = scan('{"a": 1,}\n{"b": 2}');
    expect(shape(spans)).toEqual([
      ['bad', 1, '{"a": 1,}'],
      ['V', 2, '{"b": 2}'],
    ]);
    expect(spans[0].kind === 'bad' && spans[0].reason).toMatch(/^invalid JSON: /);
  });

  it('reports a record left open at end of input once', () => {
    const spans = scan('{"a":1}\n{"b": {"c": 2}');
    expect(shape(spans)).toEqual([
      ['V', 1, '{"a":1}'],
      ['bad', 2, '{"b": {"c": 2}'],
    ]);
    expect(spans[1].kind === 'bad' && spans[1].reason).toBe(
      'invalid JSON: unexpected end of input (unclosed object)',
    );
    const open = scan('{"Records":[{"r":1},{"r":');
    expect(open.map((s) => (s.kind === 'bad' ? s.reason : s.text))).toEqual([
      '{"r":1}',
      'invalid JSON: unexpected end of input (unclosed object)',
    ]);
    const between = scan('{"Records":[{"r":1},');
    expect(between.map((s) => (s.kind === 'bad' ? s.reason : s.text))).toEqual([
      '{"r":1}',
      'invalid JSON: unexpected end of input (unclosed Records array)',
    ]);
    expect(scan('{"a":"open').map((s) => s.kind === 'bad' && s.reason)).toEqual([
      'invalid JSON: unexpected end of input (unclosed string)',
    ]);
  });

  it('loses only the damaged line of newline-delimited input', () => {
    const text = '{"a":1}\n{"b":"cut\n{"c":3}\n{"d":\n{"e":5}\n';
    expect(shape(scan(text))).toEqual([
      ['V', 1, '{"a":1}'],
      ['bad', 2, '{"b":"cut'],
      ['V', 3, '{"c":3}'],
      ['bad', 4, '{"d":'],
      ['V', 5, '{"e":5}'],
    ]);
  });

  it('keeps counting lines right after a record with a raw newline in a string', () => {
    const text = '{"a":"x\ny"}\n{"b":1}\n';
    expect(shape(scan(text))).toEqual([
      ['bad', 1, '{"a":"x\ny"}'],
      ['V', 3, '{"b":1}'],
    ]);
  });

  it('rejects a record over the size cap and reads on after it', () => {
    const big = `{"big":"${'x'.repeat(100)}",\n"more":"${'y'.repeat(100)}"}`;
    const text = `${big}\n{"ok":1}`;
    for (const sizes of [[text.length], [7], [1]]) {
      const spans = scan(text, sizes, 50);
      expect(shape(spans)).toEqual([
        ['bad', 1, big.slice(0, 50)],
        ['V', 3, '{"ok":1}'],
      ]);
      expect(spans[0].kind === 'bad' && spans[0].reason).toBe(
        'record larger than 50 bytes (raw truncated to its first 50 characters)',
      );
    }
  });

  it('counts the cap in UTF-8 bytes, not characters', () => {
    const text = `{"s":"${'é'.repeat(30)}"}`; // 38 characters, 68 bytes
    expect(scan(text, [text.length], 60)[0].kind).toBe('bad');
    expect(scan(text, [text.length], 70)[0].kind).toBe('value');
  });

  it('rejects an oversize Records element and keeps streaming the array', () => {
    const text = `{"Records":[{"r":1},{"r":"${'z'.repeat(80)}"},{"r":3}]}`;
    const spans = scan(text, [5], 40);
    expect(spans.map((s) => s.kind)).toEqual(['value', 'bad', 'value']);
    expect(spans[2].text).toBe('{"r":3}');
  });

  it('never throws on token soup and gives the same spans in any chunking', () => {
    const tokens = ['{', '}', '[', ']', '"', '\\', ',', ':', ' ', '\n', 'a', '1', 'é', '}{'];
    tokens.push('"Records"', '{"Records":[', '{"a":1}', '"s\\"}"', 'null', '\r\n');
    const next = random(7);
    for (let trial = 0; trial < 300; trial++) {
      const length = 1 + Math.floor(next() * 60);
      const text = Array.from({ length }, () => tokens[Math.floor(next() * tokens.length)]).join(
        '',
      );
      const whole = scan(text, [text.length], 40);
      const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(next() * 9));
      expect(scan(text, sizes, 40), JSON.stringify(text)).toEqual(whole);
      for (const span of whole) expect(span.line).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives each span of token soup the line where its text starts', () => {
    const tokens = ['{', '}', '[', ']', '"', '\\', ',', ' ', '\n', '"x\ny"', '\r\n', '}{'];
    tokens.push('{"Records":[', '{"id":#}', '{"b":[1,{"id":#}]}\n', '"s\\"}"');
    const next = random(11);
    let checked = 0;
    for (let trial = 0; trial < 500; trial++) {
      let id = 0;
      const pick = () => tokens[Math.floor(next() * tokens.length)].replace('#', () => `${++id}`);
      const text = Array.from({ length: 1 + Math.floor(next() * 80) }, pick).join('');
      for (const span of scan(text)) {
        // Only spans holding an id can be placed by their text (a delivery file's own members
        // are reported without its elements, so that text is not in the input as such).
        const at = text.indexOf(span.text);
        if (!span.text.includes('"id":') || at < 0 || text.indexOf(span.text, at + 1) >= 0) {
          continue;
        }
        expect(span.line, JSON.stringify(text)).toBe(text.slice(0, at).split('\n').length);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('gives the same spans however the text is cut into chunks', () => {
    const text = [
      '{"a":1}',
      String.raw`{"s":"}{ \"}{ \\","u":"\u00e9"}{"n":[1,[2,{"x":"]"}]]}`,
      'stray words',
      '{\n  "Records" : [\n    {"r":1},\n    "bad",\n    {"r":2}\n  ],\n  "v":"1"\n}',
      '[{"e":1}, {"e":2}]',
      '{"a": 1,}',
      '{"unterminated": "x',
      '{"z":26}',
    ].join('\n');
    const whole = scan(text);
    const next = random(42);
    for (let trial = 0; trial < 200; trial++) {
      const sizes = Array.from({ length: 8 }, () => 1 + Math.floor(next() * 12));
      expect(scan(text, sizes)).toEqual(whole);
    }
    expect(scan(text, [1])).toEqual(whole);
    expect(shape(whole).map(([kind, line]) => `${kind}${line}`)).toEqual([
      'V1',
      'V2',
      'V2',
      'bad3',
      'R6',
      'bad7',
      'R8',
      'V12',
      'V12',
      'bad13',
      'bad14',
      'V15',
    ]);
  });
});
