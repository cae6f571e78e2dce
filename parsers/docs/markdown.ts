/** Small Markdown helpers for the generated docs: code spans and table cells that stay intact. */

/**
 * `text` as an inline code span that is safe inside a table cell: the fence is longer than any
 * run of backticks in the text, and `|` is escaped as GitHub's tables require.
 */
export function code(text: string): string {
  if (text === '') return '(empty)';
  const runs = text.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((run) => run.length)) + 1);
  // A span that starts or ends with a backtick or a space needs one space of padding each side;
  // Markdown strips exactly that padding again.
  const pad = /^[` ]|[` ]$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text.replace(/\|/g, '\\|')}${pad}${fence}`;
}

export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Example values are shown on one line, whitespace runs as one space, at most this long. */
export const EXAMPLE_LENGTH = 40;

/** A value as the Example column shows it: trimmed, on one line, cut to EXAMPLE_LENGTH. */
export function exampleText(value: string): { text: string; cut: boolean } {
  const chars = Array.from(value.replace(/\s+/g, ' ').trim());
  const cut = chars.length > EXAMPLE_LENGTH;
  return { text: chars.slice(0, EXAMPLE_LENGTH).join('').trimEnd(), cut };
}
