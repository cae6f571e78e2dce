/**
 * The input reader: paths in, InputItems out, one item per span of input, in input order.
 * Files are streamed (never read whole), gunzipped when their content is gzip, split into
 * records by a JSON boundary scanner, and each record classified. Bad input of any kind
 * becomes `reject` items; nothing here prints or throws for bad input.
 */

import { needsNoEscaping } from '../mapping/runtime';
import { classify, type Verdict } from './classify';
import { decodeText, type DecodeState } from './decode';
import { JsonScanner, TEXT_OUTSIDE_JSON, type Span } from './scan-json';
import type { InputItem, ReadOptions, RecordOrigin } from './types';
import { findSources, type Source } from './walk';

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * A `\ud800`-style escape of half a surrogate pair: JSON.parse makes it a lone surrogate,
 * which UTF-8 cannot hold and proto3 strings must not. Only a text with one is repaired.
 */
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/**
 * Replaces each lone surrogate in the record's string values by U+FFFD, as the UTF-8 decoder
 * does with bytes that are not UTF-8; no recursion, so any depth is fine. Keys are left: they
 * reach UDM only inside JSON text, where JSON.stringify escapes them.
 */
function repairSurrogates(value: object): void {
  const stack: object[] = [value];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const fields = node as Record<string, unknown>;
    for (const key in fields) {
      const child = fields[key];
      if (typeof child === 'string' && !child.isWellFormed()) fields[key] = child.toWellFormed();
      else if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}

/** Numbers the items of one file and stamps them with where they came from. */
class FileItems {
  private index = 0;
  /**
   * Lines of text outside any JSON, gathered so a stretch of prose is one reject, not many: at
   * most the record size limit of their text is kept, the rest only counted.
   */
  private prose?: { blocks: string[]; lines: string[]; line: number; count: number; size: number };

  constructor(
    private readonly file: string,
    private readonly state: DecodeState,
    private readonly maxRecordBytes: number,
  ) {}

  private origin(line?: number): RecordOrigin {
    const origin: RecordOrigin = { file: this.file, index: this.index++ };
    if (line !== undefined) origin.line = line;
    return origin;
  }

  reject(reason: string, raw: string, line?: number): InputItem {
    return { kind: 'reject', origin: this.origin(line), reason, raw };
  }

  /** The gathered prose, as one reject; call before any other item and at the end. */
  *endProse(): Generator<InputItem> {
    if (!this.prose) return;
    const { blocks, lines, line, count, size } = this.prose;
    this.prose = undefined;
    const max = this.maxRecordBytes;
    const cut = size > max ? `; raw truncated to its first ${max} characters` : '';
    const many = count > 1 ? ` (${count} lines${cut})` : cut ? ` (${cut.slice(2)})` : '';
    const raw = [...blocks, ...lines].join('\n').slice(0, max);
    yield this.reject(TEXT_OUTSIDE_JSON + many, raw, line);
  }

  private gatherProse(text: string, line: number): void {
    const prose = (this.prose ??= { blocks: [], lines: [], line, count: 0, size: -1 });
    prose.count++;
    if (prose.size >= this.maxRecordBytes) return;
    prose.size += text.length + 1;
    prose.lines.push(text);
    // Lines are slices of their chunks: joined now and then, they cost their text, no more.
    if (prose.lines.length < 4096) return;
    prose.blocks.push(prose.lines.join('\n'));
    prose.lines = [];
  }

  fromVerdict(verdict: Verdict, text: string, line: number): InputItem {
    switch (verdict.kind) {
      case 'record': {
        const raw = verdict.raw ?? text;
        // One look at the text per record tells both whether its strings may be copied as
        // they are and whether any can hold a lone surrogate to repair.
        const verbatim = needsNoEscaping(raw);
        if (!verbatim && LONE_SURROGATE_ESCAPE.test(raw)) repairSurrogates(verdict.envelope);
        return {
          kind: 'record',
          origin: this.origin(line),
          shape: verdict.shape,
          gzip: this.state.gzip,
          envelope: verdict.envelope,
          raw,
          verbatim,
        };
      }
      case 'skip':
        return {
          kind: 'skip',
          origin: this.origin(line),
          reason: verdict.reason,
          detail: verdict.detail,
        };
      default:
        return this.reject(verdict.reason, verdict.raw ?? text, line);
    }
  }

  *fromSpans(spans: Span[]): Generator<InputItem> {
    for (const span of spans) {
      if (span.kind === 'bad' && span.reason === TEXT_OUTSIDE_JSON) {
        this.gatherProse(span.text, span.line);
        continue;
      }
      yield* this.endProse();
      if (span.kind === 'bad') {
        yield this.reject(span.reason, span.text, span.line);
        continue;
      }
      for (const verdict of classify(span.value, span.inRecords)) {
        yield this.fromVerdict(verdict, span.text, span.line);
      }
    }
  }
}

/** One file's items, a batch per decoded chunk: one await per chunk, not one per record. */
async function* readSource(
  source: Extract<Source, { open: unknown }>,
  maxRecordBytes: number,
): AsyncGenerator<InputItem[]> {
  const state: DecodeState = { gzip: false };
  const items = new FileItems(source.file, state, maxRecordBytes);
  const scanner = new JsonScanner({ maxRecordBytes });
  const reopen = source.rereadable ? source.open : undefined;
  for await (const piece of decodeText(source.open(), state, reopen)) {
    if (typeof piece === 'string') {
      const batch = [...items.fromSpans(scanner.push(piece))];
      if (batch.length) yield batch;
      continue;
    }
    // The source failed: what was left open is the damaged tail, reported once.
    const pending = scanner.abandon();
    const prose = [...items.endProse()];
    yield [...prose, items.reject(piece.damage, pending.text, pending.line)];
    return;
  }
  const rest = [...items.fromSpans(scanner.end()), ...items.endProse()];
  if (rest.length) yield rest;
}

/**
 * Reads every path in order (files, directories walked in sorted order, `-` for standard
 * input) and yields the items, one per record, skipped record or rejected span, in batches:
 * each batch holds what one chunk of input completed, in input order.
 */
export async function* readInputBatches(
  paths: string[],
  options: ReadOptions = {},
): AsyncGenerator<InputItem[]> {
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // process.stdin is only touched when `-` is read: creating it has side effects.
  const stdin = () => options.stdin ?? process.stdin;
  const walk = { skip: options.skip, order: options.order };
  for await (const source of options.sources ?? findSources(paths, stdin, walk)) {
    if ('error' in source) {
      const reason = `cannot read: ${source.error}`;
      yield [{ kind: 'reject', origin: { file: source.file, index: 0 }, reason, raw: '' }];
    } else {
      yield* readSource(source, maxRecordBytes);
    }
  }
}

/** readInputBatches one item at a time. */
export async function* readInputs(
  paths: string[],
  options: ReadOptions = {},
): AsyncGenerator<InputItem> {
  for await (const batch of readInputBatches(paths, options)) yield* batch;
}
