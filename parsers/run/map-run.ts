/**
 * The mapping run: input items in, one outcome per item out, in input order. Every record read
 * is accounted for: read = mapped + skipped + rejected, whatever the input holds.
 */

import { escapeUnprintable } from '../diagnostics';
import type { InputItem, RecordOrigin, SkipReason } from '../input/types';
import { timestamp } from '../mapping/runtime';
import type { Mapper, UdmEvent } from '../mapping/types';

/** What became of one input item; the event as an object, or as JSON text (`mapItemToJson`). */
export type MapOutcome<Event = UdmEvent> =
  | { kind: 'event'; origin: RecordOrigin; event: Event }
  | { kind: 'skip'; origin: RecordOrigin; reason: SkipReason; detail: string }
  | { kind: 'reject'; origin: RecordOrigin; reason: string; raw: string };

export interface MapCounts {
  read: number;
  mapped: number;
  skipped: number;
  rejected: number;
  skippedBy: Record<SkipReason, number>;
}

export function emptyCounts(): MapCounts {
  return {
    read: 0,
    mapped: 0,
    skipped: 0,
    rejected: 0,
    skippedBy: { 'non-kms': 0, digest: 0, insight: 0, control: 0 },
  };
}

/** Maps one input item; never throws for anything a record can contain. */
export function mapItem(item: InputItem, mapper: Mapper): MapOutcome {
  return mapWith(
    item,
    (data, issues) => mapper.map(data, issues),
    mapper,
    (udm) => udm,
  );
}

/**
 * Like mapItem, with the event as JSON text: what `udm map` prints, made without objects. The
 * record's strings are copied unscanned when its text shows that none of them needs escaping.
 */
export function mapItemToJson(item: InputItem, mapper: Mapper): MapOutcome<string> {
  const verbatim = item.kind === 'record' && item.verbatim;
  const map = (data: Record<string, unknown>, issues: string[]) =>
    mapper.mapToJson(data, issues, verbatim);
  return mapWith(item, map, mapper, (udm) => JSON.stringify(udm));
}

function mapWith<Event>(
  item: InputItem,
  map: (data: Record<string, unknown>, issues: string[]) => Event,
  mapper: Mapper,
  asGiven: (udm: UdmEvent) => Event,
): MapOutcome<Event> {
  if (item.kind !== 'record') return item;
  const { origin } = item;
  if (item.shape === 'udm') {
    const problem = udmTimeProblem(item.envelope);
    if (problem) return { kind: 'reject', origin, reason: problem, raw: item.raw };
    return { kind: 'event', origin, event: asGiven(inUtc(item.envelope)) };
  }

  const issues: string[] = [];
  let event: Event;
  try {
    const elsewhere = mapper.accept(item.envelope);
    if (elsewhere !== undefined)
      return { kind: 'skip', origin, reason: 'non-kms', detail: elsewhere };
    event = map(item.envelope, issues);
  } catch (err) {
    // Only a hostile record gets here (a value nested too deeply to write as text, say).
    const reason = `cannot map: ${err instanceof Error ? err.message : String(err)}`;
    return { kind: 'reject', origin, reason, raw: item.raw };
  }
  if (issues.length > 0)
    return { kind: 'reject', origin, reason: issues.join('; '), raw: item.raw };
  return { kind: 'event', origin, event };
}

/**
 * A UDM event passed through with its time as RFC 3339 UTC, as the mapping writes every time
 * (`+05:00` and zone-less times are valid input but not proto3 JSON); nothing else changes.
 */
function inUtc(event: UdmEvent): UdmEvent {
  const metadata = event.metadata as { eventTimestamp?: unknown };
  const utc = timestamp(metadata.eventTimestamp);
  if (utc === metadata.eventTimestamp) return event;
  return { ...event, metadata: { ...metadata, eventTimestamp: utc } };
}

/**
 * A UDM event is passed through, but like a raw record it needs a usable time: the rules order
 * events by it.
 */
function udmTimeProblem(event: UdmEvent): string | undefined {
  const time = (event.metadata as { eventTimestamp?: unknown } | undefined)?.eventTimestamp;
  if (timestamp(time) !== undefined) return undefined;
  const shown = JSON.stringify(time ?? null).slice(0, 60);
  return `UDM event without a usable metadata.eventTimestamp (${shown})`;
}

export function count(counts: MapCounts, outcome: MapOutcome<unknown>): void {
  counts.read++;
  if (outcome.kind === 'event') counts.mapped++;
  else if (outcome.kind === 'reject') counts.rejected++;
  else {
    counts.skipped++;
    counts.skippedBy[outcome.reason]++;
  }
}

/**
 * `file:line: record N: reason`, one line whatever the file name and the reason hold: the
 * reason's runs of white space become one space, and every other control character (a newline
 * in a file name, a terminal's escape sequence) is written as `\u001b`.
 */
export function describeRejection(origin: RecordOrigin, reason: string): string {
  const line = origin.line === undefined ? '' : `:${origin.line}`;
  const flat = reason.replace(/\s+/g, ' ').slice(0, 500);
  return escapeUnprintable(`${origin.file}${line}: record ${origin.index}: ${flat}`);
}

export function summarize(counts: MapCounts): string {
  const by = Object.entries(counts.skippedBy)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  const skipped = by.length ? `${counts.skipped} (${by.join(', ')})` : `${counts.skipped}`;
  return (
    `read ${counts.read}, mapped ${counts.mapped}, skipped ${skipped}, ` +
    `rejected ${counts.rejected}`
  );
}
