/**
 * A streaming splitter of JSON text into records. It is fed decoded text chunk by chunk and
 * returns, per chunk, the spans that ended in it: each one a parsed JSON value or a bad span.
 *
 * What it accepts, in any mix within one input:
 * - objects one after another: NDJSON, pretty-printed, or concatenated with nothing between
 *   (`{…}{…}`, as Kinesis Firehose writes), separated by any whitespace;
 * - a top-level array `[ {…}, {…} ]`: each element is its own span, streamed one by one;
 * - a CloudTrail S3 delivery file `{"Records":[ {…}, … ]}`: a top-level object whose member
 *   `Records` is an array has each element streamed as its own span (`inRecords`); the rest
 *   of that object is kept (it is small) and only checked for syntax once it closes.
 *
 * Only the text of the span being read is held, never a whole file. The scanner knows strings
 * (with backslash escapes) and bracket depth, so `}{` inside a string never splits a record;
 * JSON.parse then judges each span's text.
 *
 * Bad input becomes bad spans, never an exception:
 * - stray text (anything at top level that does not start with `{` or `[`) runs to the end of
 *   its line or to the next `{` outside a string, whichever comes first; inside an array it
 *   also stops at `,`, `[` and `]`. One bad span per stray run (the reader joins consecutive
 *   runs of prose into one reject). A stray run that parses as a scalar is "not a record".
 * - a span whose text passes maxRecordBytes is dropped from memory beyond that size, read on
 *   to its end, and reported with its raw text truncated to maxRecordBytes characters.
 * - a top-level object that fails JSON.parse or is still open at end of input, and that holds
 *   a line starting with `{` after its first line, is cut at each such line: the first piece is
 *   reported bad and every other piece is scanned again on its own. A line-oriented file with
 *   one truncated line then loses only that line (pretty-printers indent nested objects, so
 *   a well-formed record never has `{` at the start of an inner line).
 * - an element left open at end of input is one bad span (its open array goes unsaid); an
 *   array or Records array left open between elements is one bad span.
 * - brackets are counted, not matched: `}` may close `[`. JSON.parse catches the mismatch, but
 *   the span may run on past where the author meant it to end.
 * - commas between array elements are taken as separators: a missing or doubled comma loses
 *   no data and is not reported.
 *
 * Only top-level objects are looked at for a Records array: a delivery file nested in a
 * top-level array is parsed whole and opened by the classifier.
 */

export type Span =
  | { kind: 'value'; text: string; value: unknown; line: number; inRecords: boolean }
  | { kind: 'bad'; text: string; line: number; reason: string };

export interface ScanOptions {
  /** Largest span, in bytes of UTF-8, that is kept and parsed. */
  maxRecordBytes: number;
  /** Line number of the first character fed in (a piece re-scanned after a cut starts later). */
  firstLine?: number;
  /** Cut failed top-level objects at lines starting with `{` (see above). */
  recoverLines?: boolean;
}

/** What is being read right now. */
const TOP = 0; // between top-level values
const VALUE = 1; // inside an object or array span
const STRAY = 2; // inside a run of stray text
const ARRAY = 3; // inside a streamed array, between elements

/**
 * Whose span a VALUE is: a top-level value, an element of a top-level array or of a Records
 * array, or the rest of a Records wrapper after its array closed.
 */
type Context = 'top' | 'array' | 'records' | 'wrapper';

interface Container {
  kind: 'array' | 'records';
  /** Text of the container before its elements, e.g. `{"Records":[`. */
  head: string;
  line: number;
}

const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACKET = 91;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

/** The key that makes a top-level object a CloudTrail S3 delivery file, quotes included. */
const RECORDS_KEY = '"Records"';

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === RETURN || c === TAB;
}

/** Whether the run of backslashes ending just before `end` (not reaching below floor) is odd. */
function oddBackslashesBefore(text: string, end: number, floor: number): boolean {
  let k = end;
  while (k > floor && text.charCodeAt(k - 1) === BACKSLASH) k--;
  return ((end - k) & 1) === 1;
}

/** More than `max` bytes of UTF-8; the byte count is only computed when it could matter. */
function exceeds(text: string, max: number): boolean {
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max);
}

function parseError(text: string): string {
  try {
    JSON.parse(text);
    return 'invalid JSON';
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
}

/** A stray run never starts with `{` or `[`, so what parses in it is a scalar. */
function describeScalar(value: unknown): string {
  return value === null ? 'null' : `a ${typeof value}`;
}

/** The reason of a stray run at top level that is not JSON at all. */
export const TEXT_OUTSIDE_JSON = 'not JSON: text outside any JSON object';

/**
 * Whether a text can be a JSON scalar at all. JSON.parse's exception costs microseconds, which
 * a text file of millions of lines paid once a line.
 */
function mayBeScalar(text: string): boolean {
  const t = text.trim();
  if (t === 'true' || t === 'false' || t === 'null') return true;
  const c = t.charCodeAt(0);
  return c === 0x22 /* " */ || c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39);
}

/** Why a stray run is bad: a scalar where a record should be, or no JSON at all. */
function strayReason(text: string, inArray: boolean): string {
  if (!mayBeScalar(text)) return inArray ? 'not JSON: unexpected text in array' : TEXT_OUTSIDE_JSON;
  try {
    const value: unknown = JSON.parse(text);
    const where = inArray ? 'array element' : 'top-level value';
    return `not a record: ${where} is ${describeScalar(value)}`;
  } catch {
    return inArray ? 'not JSON: unexpected text in array' : TEXT_OUTSIDE_JSON;
  }
}

export class JsonScanner {
  private readonly max: number;
  private readonly recoverLines: boolean;
  private out: Span[] = [];

  /** The chunk being read, where reading is in it, and its offset in the whole text. */
  private buf = '';
  private pos = 0;
  private offset = 0;

  /**
   * Line number at `pos`. Inside a VALUE only newlines outside strings are counted as it is
   * read: valid JSON has none inside strings, and a span that fails recounts from its text.
   */
  private line: number;
  /**
   * The last search for a newline in this chunk: where it started (Infinity: none yet), what it
   * found (-1: none up to the chunk's end).
   */
  private newlineFrom = Infinity;
  private newlineAt = -1;

  private mode = TOP;
  private container: Container | undefined;
  /** Newline-delimited fast path: on until one line fails JSON.parse. */
  private fast = true;

  // The span being read: its text so far from earlier chunks, where it starts in this chunk.
  private parts: string[] = [];
  private partsLength = 0;
  private start = 0;
  private spanLine = 1;
  /** Once a span passes the cap: its first `max` characters; nothing more is kept. */
  private oversize: string | undefined;
  /** Newlines in the oversize span's text dropped so far. */
  private oversizeLines = 0;

  // Lexical state of a VALUE or STRAY span.
  private context: Context = 'top';
  private opener: 'object' | 'array' = 'object';
  private depth = 0;
  private inString = false;
  private escape = false;
  /** Offset of the opening quote of the string being read at depth 1. */
  private stringStart = 0;
  /** 1 after a depth-1 key "Records", 2 after its colon: a `[` then opens a Records array. */
  private keyState = 0;

  constructor(options: ScanOptions) {
    this.max = options.maxRecordBytes;
    this.line = options.firstLine ?? 1;
    this.recoverLines = options.recoverLines ?? true;
  }

  /** Reads one chunk; returns the spans that ended in it. */
  push(chunk: string): Span[] {
    if (chunk.length === 0) return [];
    this.buf = chunk;
    this.pos = 0;
    this.start = 0;
    this.newlineFrom = Infinity;
    this.newlineAt = -1;
    while (this.pos < chunk.length) this.step();
    this.retireChunk();
    return this.takeOutput();
  }

  /** Ends the input: whatever is still open is reported bad. */
  end(): Span[] {
    if (this.mode === VALUE) this.finishUnclosed();
    else if (this.mode === STRAY) this.finishStray(0);
    else if (this.mode === ARRAY) this.finishOpenContainer();
    this.reset();
    return this.takeOutput();
  }

  /**
   * Gives up on the input (its source failed): returns the text of the span left open, so the
   * caller can report the damage once, with that text.
   */
  abandon(): { text: string; line?: number } {
    let pending: { text: string; line?: number } = { text: '' };
    if (this.mode === VALUE || this.mode === STRAY) {
      const text = this.oversize ?? this.spanText(0);
      const wrapper = this.mode === VALUE && this.context === 'wrapper' && this.container;
      pending = wrapper
        ? { text: wrapper.head + text, line: wrapper.line }
        : { text, line: this.spanLine };
    }
    this.reset();
    this.out = [];
    return pending;
  }

  private reset(): void {
    this.mode = TOP;
    this.container = undefined;
    this.parts = [];
    this.partsLength = 0;
    this.oversize = undefined;
  }

  private takeOutput(): Span[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private step(): void {
    switch (this.mode) {
      case TOP:
        return this.scanTop();
      case VALUE:
        return this.scanValue();
      case STRAY:
        return this.scanStray();
      default:
        return this.scanArray();
    }
  }

  /** The first newline at or after i in this chunk, or -1; repeated searches are cached. */
  private newlineAfter(i: number): number {
    const cached = i >= this.newlineFrom && (this.newlineAt === -1 || this.newlineAt >= i);
    if (!cached) {
      this.newlineFrom = i;
      this.newlineAt = this.buf.indexOf('\n', i);
    }
    return this.newlineAt;
  }

  /** The chunk is used up: keep the open span's part of it. */
  private retireChunk(): void {
    const n = this.buf.length;
    if (this.mode === VALUE || this.mode === STRAY) this.keep(this.buf.slice(this.start));
    this.offset += n;
    this.buf = '';
    this.start = 0;
    this.pos = 0;
  }

  private keep(piece: string): void {
    if (this.oversize !== undefined) {
      this.oversizeLines += countNewlines(piece);
      return;
    }
    this.parts.push(piece);
    this.partsLength += piece.length;
    if (this.partsLength > this.max) this.dropOversize(this.parts.join(''));
  }

  /** The span passed the cap: keep its first `max` characters and nothing more. */
  private dropOversize(text: string): void {
    this.oversize = text.slice(0, this.max);
    this.oversizeLines = countNewlines(text);
    this.parts = [];
    this.partsLength = 0;
  }

  /** Sets `line` exactly after a failed or oversize span whose text ended just before end. */
  private recountLines(text: string | undefined, end: number): void {
    this.line =
      this.oversize === undefined || text !== undefined
        ? this.spanLine + countNewlines(text ?? '')
        : this.spanLine + this.oversizeLines + countNewlines(this.buf.slice(this.start, end));
  }

  private beginSpan(i: number, mode: number): void {
    this.mode = mode;
    this.start = i;
    this.pos = i;
    this.spanLine = this.line;
    this.parts = [];
    this.partsLength = 0;
    this.oversize = undefined;
    this.inString = false;
    this.escape = false;
  }

  /** The open span's text up to position `end` of this chunk. */
  private spanText(end: number): string {
    const here = this.buf.slice(this.start, end);
    return this.parts.length === 0 ? here : this.parts.join('') + here;
  }

  /** The last `count` characters of the open span's text up to position `end`. */
  private spanTail(end: number, count: number): string {
    let tail = this.buf.slice(Math.max(this.start, end - count), end);
    for (let k = this.parts.length - 1; k >= 0 && tail.length < count; k--) {
      tail = this.parts[k] + tail;
    }
    return tail.slice(-count);
  }

  private tooLarge(what: string): string {
    const max = this.max;
    return `${what} larger than ${max} bytes (raw truncated to its first ${max} characters)`;
  }

  private bad(text: string, line: number, reason: string): void {
    this.out.push({ kind: 'bad', text, line, reason });
  }

  // ---- between top-level values -------------------------------------------------------------

  /** Skips whitespace from pos, counting lines; returns the first other position or the end. */
  private skipSpace(): number {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    let line = this.line;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === NEWLINE) line++;
      else if (c !== SPACE && c !== RETURN && c !== TAB) break;
    }
    this.line = line;
    this.pos = i;
    return i;
  }

  private scanTop(): void {
    const i = this.skipSpace();
    if (i === this.buf.length) return;
    const c = this.buf.charCodeAt(i);
    if (c === OPEN_BRACE) {
      if (!(this.fast && this.tryWholeLine(i))) this.beginValue(i, 'top');
    } else if (c === OPEN_BRACKET) {
      this.container = { kind: 'array', head: '[', line: this.line };
      this.mode = ARRAY;
      this.pos = i + 1;
    } else {
      this.beginSpan(i, STRAY);
    }
  }

  /**
   * Fast path for newline-delimited JSON: when the line starting at i ends with `}`, parse the
   * whole line at once. Returns false (and reads nothing) when that does not give one record.
   */
  private tryWholeLine(i: number): boolean {
    const buf = this.buf;
    const newline = this.newlineAfter(i);
    if (newline === -1) return false;
    let last = newline - 1;
    while (last > i && isSpace(buf.charCodeAt(last))) last--;
    if (buf.charCodeAt(last) !== CLOSE_BRACE || last - i >= this.max) return false;
    const text = buf.slice(i, last + 1);
    // A one-line delivery file still has its Records streamed, so each keeps its own text;
    // looking for the key as text (not in the parsed value) keeps duplicate keys alike too.
    if (text.includes(RECORDS_KEY) || exceeds(text, this.max)) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not newline-delimited after all (e.g. `{…}{…}` on one line): scan from here on.
      this.fast = false;
      return false;
    }
    this.out.push({ kind: 'value', text, value, line: this.line, inRecords: false });
    this.pos = newline + 1;
    this.line++;
    return true;
  }

  // ---- inside an object or array ------------------------------------------------------------

  private beginValue(i: number, context: Context): void {
    this.beginSpan(i, VALUE);
    this.context = context;
    this.opener = this.buf.charCodeAt(i) === OPEN_BRACE ? 'object' : 'array';
    this.depth = 0;
    this.keyState = 0;
  }

  private scanValue(): void {
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    let depth = this.depth;
    let line = this.line;
    if (this.inString) {
      i = this.skipString(i);
      if (i < 0) return this.suspendValue(depth, line);
      this.keyState = 0;
      if (depth === 1) this.checkKey(i);
    }
    while (i < n) {
      const c = buf.charCodeAt(i++);
      if (c <= SPACE) {
        // Whitespace, or a control character JSON.parse will refuse.
        if (c === NEWLINE) line++;
      } else if (c === QUOTE) {
        this.stringStart = this.offset + i - 1;
        i = this.skipString(i);
        if (i < 0) return this.suspendValue(depth, line);
        this.keyState = 0;
        if (depth === 1) this.checkKey(i);
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (c === OPEN_BRACKET && this.keyState === 2 && depth === 1) {
          this.line = line;
          return this.enterRecords(i);
        }
        depth++;
        this.keyState = 0;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) {
          this.line = line;
          return this.finishValue(i);
        }
        this.keyState = 0;
      } else if (this.keyState !== 0) {
        this.keyState = c === COLON && this.keyState === 1 ? 2 : 0;
      }
    }
    this.suspendValue(depth, line);
  }

  private suspendValue(depth: number, line: number): void {
    this.depth = depth;
    this.line = line;
    this.pos = this.buf.length;
  }

  /**
   * Skips string content from i (just after the opening quote, or the chunk start when a
   * string runs on). Returns the index after the closing quote, or -1 when the chunk ends
   * first, remembering whether it ended on an unfinished escape.
   */
  private skipString(from: number): number {
    const buf = this.buf;
    let i = from;
    if (this.escape) {
      this.escape = false;
      i++; // the character escaped by the backslash that ended the previous chunk
    }
    for (;;) {
      const quote = buf.indexOf('"', i);
      if (quote < 0) {
        this.inString = true;
        this.escape = oddBackslashesBefore(buf, buf.length, i);
        return -1;
      }
      if (!oddBackslashesBefore(buf, quote, i)) {
        this.inString = false;
        return quote + 1;
      }
      i = quote + 1;
    }
  }

  /** After a depth-1 string ending before i: is it the key "Records" of a top-level object? */
  private checkKey(i: number): void {
    const watch = (this.context === 'top' || this.context === 'wrapper') && !this.oversize;
    const length = this.offset + i - this.stringStart;
    if (watch && length === RECORDS_KEY.length && this.spanTail(i, length) === RECORDS_KEY) {
      this.keyState = 1;
    }
  }

  /** `[` at index i opens the Records array of a delivery file: stream its elements. */
  private enterRecords(i: number): void {
    const before = this.context === 'wrapper' ? (this.container?.head ?? '') : '';
    const line =
      this.context === 'wrapper' ? (this.container?.line ?? this.spanLine) : this.spanLine;
    this.container = { kind: 'records', head: before + this.spanText(i), line };
    this.mode = ARRAY;
    this.parts = [];
    this.partsLength = 0;
    this.pos = i;
  }

  /** The value's closing bracket is just before `end`. */
  private finishValue(end: number): void {
    this.depth = 0;
    this.pos = end;
    const text = this.oversize === undefined ? this.spanText(end) : undefined;
    if (text !== undefined && exceeds(text, this.max)) this.dropOversize(text);
    if (this.context === 'wrapper') return this.finishWrapper(text, end);
    this.mode = this.context === 'top' ? TOP : ARRAY;
    if (text === undefined || this.oversize !== undefined) {
      this.recountLines(text, end);
      this.bad(this.oversize ?? '', this.spanLine, this.tooLarge('record'));
      this.oversize = undefined;
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.recountLines(text, end);
      const reason = `invalid JSON: ${(e as Error).message}`;
      if (this.context === 'top') this.recover(text, this.spanLine, reason);
      else this.bad(text, this.spanLine, reason);
      return;
    }
    this.out.push({
      kind: 'value',
      text,
      value,
      line: this.spanLine,
      inRecords: this.context === 'records',
    });
  }

  /** A delivery file's object closed: check its syntax without the elements already read. */
  private finishWrapper(rest: string | undefined, end: number): void {
    const container = this.container;
    this.mode = TOP;
    this.container = undefined;
    const line = container?.line ?? this.spanLine;
    if (rest === undefined || this.oversize !== undefined) {
      this.recountLines(rest, end);
      this.bad(this.oversize ?? '', line, this.tooLarge('Records file member'));
      this.oversize = undefined;
      return;
    }
    const skeleton = (container?.head ?? '') + rest;
    try {
      JSON.parse(skeleton);
    } catch (e) {
      this.recountLines(rest, end);
      this.bad(skeleton, line, `invalid JSON: ${(e as Error).message}`);
    }
  }

  private finishUnclosed(): void {
    const what = this.inString ? 'string' : this.context === 'wrapper' ? 'object' : this.opener;
    const reason = `invalid JSON: unexpected end of input (unclosed ${what})`;
    const oversize = this.oversize;
    if (oversize !== undefined) return this.bad(oversize, this.spanLine, this.tooLarge('record'));
    const text = this.spanText(0);
    if (this.context === 'top') return this.recover(text, this.spanLine, reason);
    if (this.context === 'wrapper') {
      const line = this.container?.line ?? this.spanLine;
      return this.bad((this.container?.head ?? '') + text, line, reason);
    }
    this.bad(text, this.spanLine, reason);
  }

  /**
   * A top-level object failed. Cut it at every line that starts with `{`: the first piece is
   * reported, the others are scanned again, each on its own so no piece can swallow another.
   */
  private recover(text: string, line: number, reason: string): void {
    let cut = this.recoverLines ? text.indexOf('\n{') : -1;
    if (cut < 0) return this.bad(text, line, reason);
    const first = text.slice(0, cut).trimEnd();
    this.bad(first, line, parseError(first));
    let pieceLine = line + countNewlines(text.slice(0, cut + 1));
    while (cut >= 0) {
      const from = cut + 1;
      cut = text.indexOf('\n{', from);
      const piece = text.slice(from, cut < 0 ? text.length : cut);
      const scanner = new JsonScanner({
        maxRecordBytes: this.max,
        firstLine: pieceLine,
        recoverLines: false,
      });
      this.out.push(...scanner.push(piece), ...scanner.end());
      pieceLine += countNewlines(piece) + 1;
    }
  }

  // ---- inside a streamed array, between elements --------------------------------------------

  private scanArray(): void {
    const buf = this.buf;
    let i = this.skipSpace();
    while (i < buf.length && buf.charCodeAt(i) === COMMA) {
      this.pos = i + 1;
      i = this.skipSpace();
    }
    if (i === buf.length) return;
    const c = buf.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      this.beginValue(i, this.container?.kind ?? 'array');
    } else if (c === CLOSE_BRACKET) {
      this.closeContainer(i);
    } else {
      this.beginSpan(i, STRAY);
    }
  }

  /** `]` at i closes the streamed array. */
  private closeContainer(i: number): void {
    if (this.container?.kind === 'records') {
      // Read the rest of the delivery file's object, starting with this `]`, at depth 1.
      this.beginSpan(i, VALUE);
      this.context = 'wrapper';
      this.depth = 1;
      this.keyState = 0;
      this.pos = i + 1;
      return;
    }
    this.container = undefined;
    this.mode = TOP;
    this.pos = i + 1;
  }

  private finishOpenContainer(): void {
    const container = this.container;
    if (!container) return;
    const what = container.kind === 'records' ? 'Records array' : 'array';
    this.bad(
      container.head,
      container.line,
      `invalid JSON: unexpected end of input (unclosed ${what})`,
    );
  }

  // ---- stray text ---------------------------------------------------------------------------

  private scanStray(): void {
    const buf = this.buf;
    const n = buf.length;
    const inArray = this.container !== undefined;
    for (let i = this.pos; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (c === NEWLINE) return this.finishStray(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) {
        this.inString = true;
      } else if (
        c === OPEN_BRACE ||
        (inArray && (c === COMMA || c === OPEN_BRACKET || c === CLOSE_BRACKET))
      ) {
        return this.finishStray(i);
      }
    }
    this.pos = n;
  }

  /** The stray run ends just before `end` (which is not consumed). */
  private finishStray(end: number): void {
    const inArray = this.container !== undefined;
    this.mode = inArray ? ARRAY : TOP;
    this.pos = end;
    const oversize = this.oversize;
    const text = oversize ?? this.spanText(end).trimEnd();
    if (oversize !== undefined || exceeds(text, this.max)) {
      this.bad(text.slice(0, this.max), this.spanLine, this.tooLarge('text outside any record'));
    } else {
      this.bad(text, this.spanLine, strayReason(text, inArray));
    }
    this.oversize = undefined;
    this.parts = [];
    this.partsLength = 0;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
