/**
 * Phase 2 of a generated mapper: the row values of one record (`r`, from phase 1) placed into
 * the UDM event, following the layout. `build` makes the event as an object (what tests, rules
 * and `udm explain` read); `write` makes the same event as JSON text without building objects,
 * which is what `udm map` prints. Both visit messages depth first, so a message is made only
 * once its fields are known and an empty one is never written. Each for_each row gets a build
 * and a write function of its own for one element, called with one item's row values.
 */

import { camelCase, comment, Emitter, property, quote } from './emit';
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
    ...['list', 'first', 'put', 'at', 'each', 'hasAny', 'missing', 'notFor'],
    ...['jsonStringAfter', 'hasValue', 'verbatim', 'item', 'element'],
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

/**
 * The name each for_each row's element functions take after `build` and `write`: the mapping's
 * name and the row id (`AwsKmsResources`), for the rows of every level.
 */
function elementNames(name: string, layout: Layout): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set([name]);
  const visit = (level: Layout) => {
    for (const [rowId, element] of level.elements) {
      const base = name + camelCase(rowId).replace(/^./, (c) => c.toUpperCase());
      let minted = base;
      for (let i = 2; taken.has(minted); i++) minted = `${base}${i}`;
      taken.add(minted);
      names.set(rowId, minted);
      visit(element);
    }
  };
  visit(layout);
  return names;
}

/** Every element layout below `layout`, with its for_each row's id, outermost first. */
function elementLayouts(layout: Layout): [string, Layout][] {
  return [...layout.elements].flatMap(([rowId, element]) => [
    [rowId, element] as [string, Layout],
    ...elementLayouts(element),
  ]);
}

interface BuildContext {
  names: Names;
  /** The element functions' names, by for_each row id. */
  elements: Map<string, string>;
}

/** A function whose body `emit` writes, declaring the scratch local `v` if the body uses it. */
function emitFunction(out: Emitter, head: string, emit: (body: Emitter) => void): void {
  const body = new Emitter();
  emit(body);
  const lines = body.text().split('\n');
  out.block(head, () => {
    if (lines.some((line) => /\bv = /.test(line))) out.line('let v;');
    lines.forEach((line) => out.line(line));
  });
}

export function emitBuild(out: Emitter, name: string, layout: Layout): void {
  const elements = elementNames(name, layout);
  for (const [rowId, element] of elementLayouts(layout)) {
    out.line(comment(`One element of for_each row ${rowId}, made of one item's row values.`));
    emitFunction(out, `function build${elements.get(rowId)}(r) {`, (body) => {
      buildMessage(body, element.root, ['element'], 'element', { names: new Names(), elements });
      body.line('return element;');
    });
    out.line();
  }
  out.line(comment('The UDM event made of the row values, as an object.'));
  emitFunction(out, `function build${name}(r) {`, (body) => {
    buildMessage(body, layout.root, ['udm'], 'udm', { names: new Names(), elements });
    body.line('return udm;');
  });
}

function buildMessage(
  out: Emitter,
  node: MessageNode,
  path: string[],
  own: string,
  context: BuildContext,
): void {
  const { names } = context;
  const locals = new Map<string, string>();
  for (const [key, value] of node.fields) {
    if (value.kind !== 'message') continue;
    const local = names.mint(fieldPath(path, key));
    buildMessage(out, value, [...path, key], local, context);
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
      const local = () => names.mint(fieldPath(path, key));
      buildField(out, property(own, key), value, local, context.elements);
    }
  }
  out.line();
}

/** The JSON path of a field below the event, for naming its local (`principalUser`). */
function fieldPath(path: string[], key: string): string[] {
  return [...path.slice(1), key];
}

function buildField(
  out: Emitter,
  slot: string,
  field: Field,
  local: () => string,
  elements: Map<string, string>,
): void {
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
      const lists = field.writers.map((id) => `${property('r', id)}.map(build${elements.get(id)})`);
      if (lists.length === 1) {
        const list = property('r', field.writers[0]);
        return out.line(`if (${list}.length) ${slot} = ${lists[0]};`);
      }
      out.line(`v = [...${lists.join(', ...')}];`);
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
 * comma is tested for only where no earlier field of the message is sure to be there. Each
 * string value goes through `jsonStringAfter` with the literal before it, so a value needs two
 * joins, not four.
 */
export function emitWrite(out: Emitter, name: string, layout: Layout): void {
  const elements = elementNames(name, layout);
  for (const [rowId, element] of elementLayouts(layout)) {
    out.line(comment(`One element of for_each row ${rowId} as JSON text.`));
    emitFunction(out, `function write${elements.get(rowId)}(r, verbatim) {`, (body) => {
      const context = { names: new Names(), facts: element.facts, elements };
      const text = writeMessage(body, element.root, [], 'element', context);
      body.line(`return ${concat(wrapped(text, '{', '}'))};`);
    });
    out.line();
  }
  out.line(comment('The same event as JSON text, appended piece by piece.'));
  emitFunction(out, `function write${name}(r, verbatim) {`, (body) => {
    const context = { names: new Names(), facts: layout.facts, elements };
    const text = writeMessage(body, layout.root, [], 'udm', context);
    body.line(`return ${concat(wrapped(text, '{', '}'))};`);
  });
}

interface WriteContext {
  names: Names;
  facts: Map<string, RowFacts>;
  /** The element functions' names, by for_each row id. */
  elements: Map<string, string>;
}

/** A message's text: known at compile time, or held in a local (`always`: never empty). */
type Text = { constant: string } | { local: string; always: boolean };

/**
 * A piece of JSON text: known (`json`); what the code `js` evaluates to; a comma when the
 * local `comma` already holds text; or the string value `string`, which `verbatim` says may
 * be written as it is when the record's strings need no escaping.
 */
type Piece =
  { json: string } | { js: string } | { comma: string } | { string: string; verbatim: boolean };

/**
 * One field of a message, as JSON text: known at compile time, or `value`, written when
 * `present` holds (always, without it) after the statements in `lines` ran.
 */
type Part = { key: string } & (
  { constant: string } | { lines: string[]; present?: string; value: Piece[] }
);

const json = (text: string): Piece => ({ json: text });
const js = (code: string): Piece => ({ js: code });
const comma = (local: string): Piece => ({ comma: local });

/** Known text, led by a comma when the local `comma` holds text: one literal either way. */
interface Literal {
  text: string;
  comma?: string;
}

function literal({ text, comma }: Literal): string {
  return comma ? `(${comma} ? ${quote(',' + text)} : ${quote(text)})` : quote(text);
}

/**
 * The pieces as one JavaScript expression: known neighbours merged into one literal, and the
 * literal before a string value passed to `jsonStringAfter` with the value's opening quote.
 */
function concat(pieces: Piece[]): string {
  const code: string[] = [];
  let open: Literal | undefined;
  const flush = () => {
    if (open && (open.text || open.comma)) code.push(literal(open));
    open = undefined;
  };
  for (const piece of pieces) {
    if ('json' in piece) {
      open = { text: (open?.text ?? '') + piece.json, comma: open?.comma };
    } else if ('comma' in piece) {
      flush();
      open = { text: '', comma: piece.comma };
    } else if ('string' in piece) {
      const before = literal({ text: (open?.text ?? '') + '"', comma: open?.comma });
      code.push(
        `jsonStringAfter(${before}, ${piece.string}, ${piece.verbatim ? 'verbatim' : 'false'})`,
      );
      open = undefined;
    } else {
      flush();
      code.push(piece.js);
    }
  }
  flush();
  return code.join(' + ') || "''";
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
      parts.push(fieldPart(key, value, context, local));
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
 * is tested for (`own ? ',…' : '…'`) only while no earlier part is sure to have been written.
 */
function appendParts(out: Emitter, own: string, parts: Part[]): Text {
  out.line(`let ${own} = '';`);
  let [first, sure] = [true, false];
  for (const part of parts) {
    const lead = first ? [] : sure ? [json(',')] : [comma(own)];
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

/** The string value of writers' rows (`r.region`, or `v`) as JSON text. */
function stringValue(code: string, writers: string[], facts: Map<string, RowFacts>): Piece {
  return { string: code, verbatim: writers.every((id) => facts.get(id)?.verbatim) };
}

function fieldPart(key: string, field: Field, context: WriteContext, local: string): Part {
  const { facts } = context;
  switch (field.kind) {
    case 'scalar':
      return scalarPart(key, field.writers, facts);
    case 'list': {
      const entry = (value: string, row: string) => [stringValue(value, [row], facts)];
      return listPart(key, local, field.writers, entry);
    }
    case 'labels': {
      const keys = new Map(field.entries.map((e) => [e.row, e.key]));
      const entry = (value: string, row: string) => [
        json(`{"key":${JSON.stringify(keys.get(row))},"value":`),
        stringValue(value, [row], facts),
        json('}'),
      ];
      return listPart(key, local, [...keys.keys()], entry);
    }
    case 'struct':
      return structPart(key, local, field.entries, facts);
    case 'elements':
      return elementsPart(key, local, field.writers, context.elements);
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
    return { key, lines: [], present, value: [stringValue(values[0], writers, facts)] };
  }
  const present = always ? undefined : 'v !== undefined';
  const value = [stringValue('v', writers, facts)];
  return { key, lines: [`v = ${values.join(' ?? ')};`], present, value };
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
    const item = concat([comma(local), ...entry(value, id)]);
    lines.push(`if (${value} !== undefined) ${local} += ${item};`);
  }
  return { key, lines, present: `${local} !== ''`, value: [json('['), js(local), json(']')] };
}

/** A Struct (`additional.fields`): an entry per key, the latest value its writers found. */
function structPart(
  key: string,
  local: string,
  entries: Map<string, string[]>,
  facts: Map<string, RowFacts>,
): Part {
  const lines = [`let ${local} = '';`];
  for (const [entryKey, writers] of entries) {
    const values = writers.map((id) => property('r', id)).reverse();
    if (values.length > 1) lines.push(`v = ${values.join(' ?? ')};`);
    const value = values.length > 1 ? 'v' : values[0];
    const item = concat([comma(local), json(name(entryKey)), stringValue(value, writers, facts)]);
    lines.push(`if (${value} !== undefined) ${local} += ${item};`);
  }
  return { key, lines, present: `${local} !== ''`, value: [json('{'), js(local), json('}')] };
}

/** The elements for_each rows make: each item's values written by its row's element writer. */
function elementsPart(
  key: string,
  local: string,
  writers: string[],
  elements: Map<string, string>,
): Part {
  const lines = [`let ${local} = '';`];
  for (const id of writers) {
    const item = concat([comma(local), js(`write${elements.get(id)}(item, verbatim)`)]);
    lines.push(`for (const item of ${property('r', id)}) ${local} += ${item};`);
  }
  return { key, lines, present: `${local} !== ''`, value: [json('['), js(local), json(']')] };
}
