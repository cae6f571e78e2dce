/**
 * Phase 2 of a generated mapper: the row values of one record (`r`, from phase 1) placed into
 * the UDM event, following the layout. `build` makes the event as an object (what tests, rules
 * and `udm explain` read); `write` makes the same event as JSON text without building objects,
 * which is what `udm map` prints. Both visit messages depth first, so a message is made only
 * once its fields are known and an empty one is never written.
 */

import { comment, type Emitter, property, quote } from './emit';
import type { Field, Layout, MessageNode, RowFacts } from './layout';

/** JavaScript's reserved words: a UDM field name could be one, a local's name cannot. */
const RESERVED = (
  'arguments await break case catch class const continue debugger default delete do else enum ' +
  'eval export extends false finally for function if implements import in instanceof ' +
  'interface let new null package private protected public return static super switch this ' +
  'throw true try typeof var void while with yield'
).split(' ');

/**
 * Names for the locals that hold messages: from the JSON path, never a runtime helper's or a
 * reserved word.
 */
class Names {
  private readonly taken = new Set([
    ...['r', 'v', 'udm', 'data', 'issues', 'text', 'timestamp', 'after', 'isIp', 'child'],
    ...['list', 'first', 'put', 'at', 'each', 'hasAny', 'missing', 'notFor', 'jsonString'],
    ...RESERVED,
  ]);

  mint(path: string[]): string {
    const base = path.map((p, i) => (i ? p[0].toUpperCase() + p.slice(1) : p)).join('');
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }
}

/**
 * `statement(value)` run with the latest value the writers found (a later row wins), if any.
 * One writer is tested directly; several go through `v`.
 */
function placeLatest(out: Emitter, writers: string[], statement: (value: string) => string): void {
  if (writers.length === 1) {
    const value = property('r', writers[0]);
    return out.line(`if (${value} !== undefined) ${statement(value)}`);
  }
  const values = writers.map((id) => property('r', id));
  out.line(`v = ${values.reverse().join(' ?? ')};`);
  out.line(`if (v !== undefined) ${statement('v')}`);
}

export function emitBuild(out: Emitter, name: string, { root }: Layout): void {
  out.line(comment('The UDM event made of the row values, as an object.'));
  out.block(`function build${name}(r) {`, () => {
    out.line('let v;');
    buildMessage(out, root, ['udm'], 'udm', new Names());
    out.line('return udm;');
  });
}

function buildMessage(
  out: Emitter,
  node: MessageNode,
  path: string[],
  own: string,
  names: Names,
): void {
  const locals = new Map<string, string>();
  for (const [key, value] of node.fields) {
    if (value.kind !== 'message') continue;
    const local = names.mint(fieldPath(path, key));
    buildMessage(out, value, [...path, key], local, names);
    locals.set(key, local);
  }

  if (path.length > 1) out.line(comment(path.slice(1).join('.')));
  out.line(`const ${own} = {};`);
  for (const [key, value] of node.fields) {
    const local = locals.get(key);
    if (local && value.kind === 'message') {
      const placed = value.repeated ? `[${local}]` : local;
      out.line(`if (hasAny(${local})) ${property(own, key)} = ${placed};`);
    } else if (value.kind !== 'message') {
      buildField(out, property(own, key), value, () => names.mint(fieldPath(path, key)));
    }
  }
  out.line();
}

/** The JSON path of a field below the event, for naming its local (`principalUser`). */
function fieldPath(path: string[], key: string): string[] {
  return [...path.slice(1), key];
}

function buildField(out: Emitter, slot: string, field: Field, local: () => string): void {
  switch (field.kind) {
    case 'scalar':
      return placeLatest(out, field.writers, (value) => `${slot} = ${value};`);
    case 'list':
      return buildList(out, slot, field.writers, (value) => value);
    case 'labels': {
      const rows = field.entries.map((e) => e.row);
      const keys = new Map(field.entries.map((e) => [e.row, e.key]));
      const entry = (value: string, row: string) =>
        `{ key: ${quote(keys.get(row) as string)}, value: ${value} }`;
      return buildList(out, slot, rows, entry);
    }
    case 'struct': {
      const map = local();
      out.line(`const ${map} = {};`);
      for (const [key, writers] of field.entries) {
        placeLatest(out, writers, (value) => `put(${map}, ${quote(key)}, ${value});`);
      }
      return out.line(`if (hasAny(${map})) ${slot} = ${map};`);
    }
    case 'elements': {
      const lists = field.writers.map((id) => property('r', id));
      out.line(`v = ${lists.length === 1 ? lists[0] : `[...${lists.join(', ...')}]`};`);
      return out.line(`if (v.length) ${slot} = v;`);
    }
  }
}

/** A repeated field: one entry per writer that found a value, in row order. */
function buildList(
  out: Emitter,
  slot: string,
  writers: string[],
  entry: (value: string, row: string) => string,
): void {
  if (writers.length === 1) {
    const value = property('r', writers[0]);
    return out.line(`if (${value} !== undefined) ${slot} = [${entry(value, writers[0])}];`);
  }
  out.line('v = [];');
  for (const id of writers) {
    const value = property('r', id);
    out.line(`if (${value} !== undefined) v.push(${entry(value, id)});`);
  }
  out.line(`if (v.length) ${slot} = v;`);
}

/**
 * The writer: JSON text built by appending, no objects, byte for byte what JSON.stringify of the
 * built event gives (a test holds them to it).
 *
 * What the compiler knows is written once: constant fields and messages become literals, and a
 * comma is tested for only where no earlier field of the message is sure to be there.
 */
export function emitWrite(out: Emitter, name: string, layout: Layout): void {
  out.line(comment('The same event as JSON text, appended piece by piece.'));
  out.block(`function write${name}(r) {`, () => {
    out.line('let v;');
    const context = { names: new Names(), facts: layout.facts };
    const text = writeMessage(out, layout.root, [], 'udm', context);
    out.line(`return ${concat(wrapped(text, '{', '}'))};`);
  });
}

interface WriteContext {
  names: Names;
  facts: Map<string, RowFacts>;
}

/** A message's text: known at compile time, or held in a local (`always`: never empty). */
type Text = { constant: string } | { local: string; always: boolean };

/** A piece of JSON text: known (`json`), or what the code `js` evaluates to. */
type Piece = { json: string } | { js: string };

/**
 * One field of a message, as JSON text: known at compile time, or `value`, written when
 * `present` holds (always, without it) after the statements in `lines` ran.
 */
type Part = { key: string } & (
  { constant: string } | { lines: string[]; present?: string; value: Piece[] }
);

const json = (text: string): Piece => ({ json: text });
const js = (code: string): Piece => ({ js: code });

/** The pieces as one JavaScript expression, known neighbours merged into one literal. */
function concat(pieces: Piece[]): string {
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if ('json' in piece && last && 'json' in last)
      merged[merged.length - 1] = json(last.json + piece.json);
    else merged.push(piece);
  }
  return merged.map((piece) => ('json' in piece ? quote(piece.json) : piece.js)).join(' + ');
}

function wrapped(text: Text, open: string, close: string): Piece[] {
  if ('constant' in text) return [json(open + text.constant + close)];
  return [json(open), js(text.local), json(close)];
}

/** `"key":`, the JSON text that names a field. */
const name = (key: string) => `${JSON.stringify(key)}:`;

function writeMessage(
  out: Emitter,
  node: MessageNode,
  path: string[],
  own: string,
  context: WriteContext,
): Text {
  const parts: Part[] = [];
  for (const [key, value] of node.fields) {
    const local = context.names.mint([...path, key]);
    if (value.kind === 'message') {
      const text = writeMessage(out, value, [...path, key], local, context);
      parts.push(messagePart(key, text, value.repeated));
    } else {
      parts.push(fieldPart(key, value, context.facts, local));
    }
  }
  const constants = parts.flatMap((part) => ('constant' in part ? [part] : []));
  if (constants.length === parts.length) {
    return { constant: constants.map((part) => name(part.key) + part.constant).join(',') };
  }
  if (path.length) out.line(comment(path.join('.')));
  return appendParts(out, own, parts);
}

function messagePart(key: string, text: Text, repeated: boolean): Part {
  const [open, close] = repeated ? ['[{', '}]'] : ['{', '}'];
  if ('constant' in text) return { key, constant: open + text.constant + close };
  const present = text.always ? undefined : `${text.local} !== ''`;
  return { key, lines: [], present, value: wrapped(text, open, close) };
}

/**
 * Emits `let own = ''` and an append per part. A part after the first is led by a comma, which
 * is tested for (`own && ','`) only while no earlier part is sure to have been written.
 */
function appendParts(out: Emitter, own: string, parts: Part[]): Text {
  out.line(`let ${own} = '';`);
  let [first, sure] = [true, false];
  for (const part of parts) {
    const lead = first ? [] : sure ? [json(',')] : [js(`(${own} && ',')`)];
    const value = 'constant' in part ? [json(part.constant)] : part.value;
    const append = `${own} += ${concat([...lead, json(name(part.key)), ...value])};`;
    if ('constant' in part) {
      out.line(append);
    } else {
      part.lines.forEach((line) => out.line(line));
      out.line(part.present ? `if (${part.present}) ${append}` : append);
    }
    first = false;
    sure ||= 'constant' in part || part.present === undefined;
  }
  out.line();
  return { local: own, always: sure };
}

/** A value from `r` as JSON text. */
const jsonValue = (value: string): Piece => js(`jsonString(${value})`);

function fieldPart(key: string, field: Field, facts: Map<string, RowFacts>, local: string): Part {
  switch (field.kind) {
    case 'scalar':
      return scalarPart(key, field.writers, facts);
    case 'list':
      return listPart(key, local, field.writers, (value) => [jsonValue(value)]);
    case 'labels': {
      const keys = new Map(field.entries.map((e) => [e.row, e.key]));
      const entry = (value: string, row: string) => [
        json(`{"key":${JSON.stringify(keys.get(row))},"value":`),
        jsonValue(value),
        json('}'),
      ];
      return listPart(key, local, [...keys.keys()], entry);
    }
    case 'struct':
      return structPart(key, local, field.entries);
    case 'elements': {
      const lists = field.writers.map((id) => property('r', id));
      const all = lists.length === 1 ? lists[0] : `[...${lists.join(', ...')}]`;
      return { key, lines: [`v = ${all};`], present: 'v.length', value: [js('JSON.stringify(v)')] };
    }
  }
}

/** A single value: the latest its writers found, or a literal when it is the same always. */
function scalarPart(key: string, writers: string[], facts: Map<string, RowFacts>): Part {
  const last = facts.get(writers[writers.length - 1]);
  if (last?.always && last.constant !== undefined) {
    return { key, constant: JSON.stringify(last.constant) };
  }
  const always = writers.some((id) => facts.get(id)?.always);
  const values = writers.map((id) => property('r', id)).reverse();
  if (values.length === 1) {
    const present = always ? undefined : `${values[0]} !== undefined`;
    return { key, lines: [], present, value: [jsonValue(values[0])] };
  }
  const present = always ? undefined : 'v !== undefined';
  return { key, lines: [`v = ${values.join(' ?? ')};`], present, value: [jsonValue('v')] };
}

/** A repeated field: one entry per writer that found a value, in row order. */
function listPart(
  key: string,
  local: string,
  writers: string[],
  entry: (value: string, row: string) => Piece[],
): Part {
  if (writers.length === 1) {
    const value = property('r', writers[0]);
    const pieces = [json('['), ...entry(value, writers[0]), json(']')];
    return { key, lines: [], present: `${value} !== undefined`, value: pieces };
  }
  const lines = [`let ${local} = '';`];
  for (const id of writers) {
    const value = property('r', id);
    const item = concat([js(`(${local} && ',')`), ...entry(value, id)]);
    lines.push(`if (${value} !== undefined) ${local} += ${item};`);
  }
  return { key, lines, present: `${local} !== ''`, value: [json('['), js(local), json(']')] };
}

/** A Struct (`additional.fields`): an entry per key, the latest value its writers found. */
function structPart(key: string, local: string, entries: Map<string, string[]>): Part {
  const lines = [`let ${local} = '';`];
  for (const [entryKey, writers] of entries) {
    const values = writers.map((id) => property('r', id)).reverse();
    if (values.length > 1) lines.push(`v = ${values.join(' ?? ')};`);
    const value = values.length > 1 ? 'v' : values[0];
    const item = concat([js(`(${local} && ',')`), json(name(entryKey)), jsonValue(value)]);
    lines.push(`if (${value} !== undefined) ${local} += ${item};`);
  }
  return { key, lines, present: `${local} !== ''`, value: [json('{'), js(local), json('}')] };
}
