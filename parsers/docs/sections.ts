/** The parts of a mapping's page that are not row tables: value tables, skipped and rejected. */

import type { AcceptTest, Mapping } from '../mapping/model';
import { targetOf, type LeafRow, type ListedRow } from './describe';
import { code, table } from './markdown';

type TableRow = Extract<LeafRow, { kind: 'table' }>;

export function valueTableSection(rows: ListedRow[]): string {
  const tables = rows.filter((item) => item.row.kind === 'table');
  if (tables.length === 0) return '';
  const heading = tables.map((item) => `${subjectWords(item)} and \`${targetOf(item)}\``);
  return [`## ${heading.join('; ')}`, ...tables.map(valueTable)].join('\n\n');
}

/** `detail.eventName` → `Event names`: what the looked-up values are, in words. */
function subjectWords(item: ListedRow): string {
  const source = (item.row as TableRow).source[0];
  const last = source
    .split('.')
    .pop()!
    .replace(/\[\d*\]$/, '');
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  const plural = words.endsWith('s') ? words : `${words}s`;
  return plural.charAt(0).toUpperCase() + plural.slice(1);
}

function valueTable(item: ListedRow): string {
  const row = item.row as TableRow;
  const sources = row.source.map((s) => code(item.sourcePrefix + s));
  const body = row.table.map(([from, to]) => [code(from), code(to)]);
  const otherwise = row.fallback === undefined ? 'nothing is written' : code(row.fallback);
  body.push(['anything else, or absent', otherwise]);
  return [
    `Row \`${row.id}\` looks ${sources.join(' or ')} up and writes \`${targetOf(item)}\`:`,
    table([sources.join(' or '), code(targetOf(item))], body),
  ].join('\n\n');
}

export function acceptSection(mapping: Mapping): string {
  const tests = mapping.accept.map((test) => `- ${acceptText(test)}`);
  const rule =
    tests.length === 0
      ? 'The mapping has no accept tests: every record is mapped.'
      : 'A record is mapped only when every test below holds; otherwise it is skipped and ' +
        `counted under \`non-kms\`.\n\n${tests.join('\n')}`;
  return [
    '## Records that are skipped',
    rule,
    'Before any of this, the input readers skip CloudTrail digest files, Insights events and ' +
      'CloudWatch Logs control messages (counted under `digest`, `insight` and `control`).',
  ].join('\n\n');
}

/** The source paths the mapping leaves unread on purpose, with the reasons it gives. */
export function ignoreSection(mapping: Mapping): string {
  if (mapping.ignore.length === 0) return '';
  const items = mapping.ignore.map(
    (entry) => `- ${entry.source.map((s) => code(`data.${s}`)).join(', ')}: ${entry.reason}`,
  );
  return [
    '## Source fields left unread on purpose',
    'Each entry covers everything below it, except what a row above reads.',
    items.join('\n'),
  ].join('\n\n');
}

function acceptText(test: AcceptTest): string {
  const absent = test.whenAbsent === 'accept' ? 'accepted' : 'skipped';
  const subject = code(`data.${test.source}`);
  return `${subject} is ${code(test.equals)}; a record without it is ${absent}.`;
}

/** Records are rejected, not skipped, when a required row writes nothing. */
export function rejectText(rows: ListedRow[]): string {
  const required = rows.filter((item) => item.row.required);
  if (required.length === 0) return '';
  const named = required.map((item) => `\`${targetOf(item)}\` (row \`${item.row.id}\`)`);
  return (
    'A record is rejected rather than skipped when a required field gets no value: ' +
    `${named.join(', ')}. The run reports each rejected record with its reason.`
  );
}
