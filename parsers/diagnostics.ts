/**
 * Diagnostics are values: libraries collect them and return them, and only the CLI prints.
 * Every diagnostic names the file and, where one exists, the line and column it is about.
 */

export type Severity = 'error' | 'warning';

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Diagnostic extends SourceLocation {
  /** Stable identifier, such as `mapping_schema`; tests and tools key on it, not the message. */
  code: string;
  severity: Severity;
  message: string;
  /** The mapping row the problem belongs to, when there is one. */
  row?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const row = d.row ? ` (row ${d.row})` : '';
  return `${where}: ${d.severity} ${d.code}: ${d.message}${row}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Thrown by an API that cannot return a usable result; carries every diagnostic found. */
export class DiagnosticsError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticsError';
  }
}
