/**
 * Diagnostics are values: libraries collect them and return them, and only the CLI prints.
 * Every diagnostic names the file and, where one exists, the line and column it is about.
 * Codes are stable and listed once, with their severity, in CODES below.
 */

export type Severity = 'error' | 'warning';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where the located text ends (exclusive), when it is known and on the same line. */
  endColumn?: number;
}

export const CODES = {
  mapping_unreadable: ['error', 'the mapping file cannot be read'],
  mapping_yaml: ['error', 'the mapping file is not valid YAML'],
  mapping_schema: ['error', 'the file does not have the structure of a mapping'],
  mapping_row_logic: ['error', 'a row has no logic, or more than one'],
  mapping_duplicate_id: ['error', 'two rows have the same id'],
  mapping_target: ['error', 'the UDM target does not exist or cannot take what the row writes'],
  mapping_target_conflict: ['error', 'two rows write one UDM field and neither is declared to win'],
  mapping_overrides: ['error', "'overrides' names a row that does not write the same field"],
  mapping_condition_never: ['error', "a row's conditions can never all hold"],
  mapping_source_unseen: ['warning', 'a source path occurs in no fixture record'],
  mapping_ignore_read: ['warning', "an 'ignore' entry names a path a row reads"],
  mapping_no_fixtures: ['warning', 'the mapping has no fixture cases to check its sources against'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type DiagnosticCode = keyof typeof CODES;

export interface Diagnostic extends SourceLocation {
  /** Stable identifier; tests and tools key on it, not on the message. */
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** The mapping row the problem belongs to, when there is one. */
  row?: string;
}

/** Builds a diagnostic; its severity comes from the catalog, never from the caller. */
export function diagnostic(
  code: DiagnosticCode,
  at: SourceLocation,
  message: string,
  row?: string,
): Diagnostic {
  return { ...at, code, severity: CODES[code][0], message, ...(row ? { row } : {}) };
}

/** What the formatters need: any diagnostic of this shape, whichever catalog its code is from. */
export type Printable = SourceLocation & {
  code: string;
  severity: Severity;
  message: string;
  row?: string;
};

export function formatDiagnostic(d: Printable): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const row = d.row ? ` (row ${d.row})` : '';
  return `${where}: ${d.severity} ${d.code}: ${d.message}${row}`;
}

/**
 * The compiler-style form: the message, the location, and the source line with the located
 * text underlined. `lines` are the file's lines; without them only the first two lines print.
 */
export function formatWithExcerpt(d: Printable, lines?: readonly string[]): string {
  const row = d.row ? ` (row ${d.row})` : '';
  const head = [
    `${d.severity}[${d.code}]: ${d.message}`,
    `  --> ${d.file}:${d.line}:${d.column}${row}`,
  ];
  const text = lines?.[d.line - 1];
  if (text === undefined) return head.join('\n');
  const gutter = ' '.repeat(String(d.line).length);
  const end = d.endColumn && d.endColumn > d.column ? d.endColumn : text.trimEnd().length + 1;
  const carets = '^'.repeat(Math.max(1, end - d.column));
  return [
    ...head,
    `${gutter} |`,
    `${d.line} | ${text}`,
    `${gutter} | ${' '.repeat(d.column - 1)}${carets}`,
  ].join('\n');
}

export function hasErrors(diagnostics: readonly Printable[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown by an API that cannot return a usable result; carries every diagnostic found. */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticsError';
  }
}

/**
 * Control characters (a terminal's escape sequences, a carriage return, a newline inside a
 * file name) and the characters that reorder text on screen (U+202A to U+202E, U+2066 to
 * U+2069) reach messages through file names, rule files and records.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_BUT_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `\u001b` for ESC and the like; with `keepLines`, tabs and newlines stay as they are. */
export function escapeUnprintable(text: string, keepLines = false): string {
  const pattern = keepLines ? UNPRINTABLE_BUT_LINES : UNPRINTABLE;
  return text.replace(pattern, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
