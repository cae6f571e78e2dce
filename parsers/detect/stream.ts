/**
 * Rules over a stream of events that arrive nearly, but not exactly, in time order (CloudTrail
 * delivers a file per region every few minutes, so records of different files interleave).
 * Events wait in a buffer kept in time order; when it holds more than `capacity` events, the
 * oldest go to the rules. Memory is that buffer plus what open match windows hold, whatever the
 * size of the input; an input smaller than the buffer is evaluated in exact time order.
 *
 * An event older than one already evaluated is late: it cannot be placed in order, so it is
 * reported (never dropped silently) and not evaluated.
 */

import type { RuleEvaluator } from './engine';
import { timestampMillis } from './fields';
import type { VariablePlan } from './analyze';
import type { Input, RuleRun } from './run';
import { Screen } from './screen';
import type { Detection, UdmEvent } from './types';

/**
 * Events `udm detect` holds to put the input in time order. Directories are read in CloudTrail
 * delivery-time order, so events arrive out of order by minutes (a file per region about every
 * 5 minutes); 20,000 events cover that for a trail of up to about 20 KMS calls a second.
 */
export const DEFAULT_REORDER_BUFFER = 20_000;

export interface StreamOptions {
  /** Events held to put them in time order (Infinity: the whole input). */
  capacity: number;
}

/** Why one event was not evaluated: it came after an event of a later time had been. */
export interface LateEvent {
  /** Its metadata.event_timestamp. */
  time: string;
  /** The time of the latest event already evaluated. */
  evaluatedUpTo: string;
}

export class DetectionStream {
  private readonly runs: RuleRun[];
  /** Events are held cut down to what the rules that can take them read of them. */
  private readonly screen: Screen;
  /** Events not yet evaluated from `head` on, sorted by time, then arrival; before it, holes. */
  private buffer: (Input | undefined)[] = [];
  private head = 0;
  private evaluatedUpTo: Input | undefined;
  private arrived = 0;
  private evaluated = 0;

  constructor(
    rules: RuleEvaluator[],
    private readonly options: StreamOptions,
  ) {
    this.runs = rules.map((rule) => rule.start());
    this.screen = new Screen(rules);
  }

  /** Takes one event; returns the detections that became certain, or why it was late. */
  push(event: UdmEvent): { detections: Detection[]; late?: LateEvent } {
    const { variables, project } = this.screen.screen(event);
    const input = toInput(project(event), this.arrived++, variables);
    const last = this.evaluatedUpTo;
    if (last && input.time < last.time) {
      return { detections: [], late: { time: input.timestamp, evaluatedUpTo: last.timestamp } };
    }
    insertSorted(this.buffer, this.head, input);
    return { detections: this.release(this.options.capacity) };
  }

  /** The end of the input: every buffered event evaluated, every open window closed. */
  finish(): Detection[] {
    const found = this.release(0);
    for (const run of this.runs) found.push(...run.finish());
    return found;
  }

  /** Events and candidates held now: what the memory bound is about. */
  held(): { events: number; candidates: number } {
    const candidates = this.runs.reduce((sum, run) => sum + run.buffered(), 0);
    return { events: this.buffer.length - this.head, candidates };
  }

  /**
   * Evaluates the oldest buffered events until `keep` remain. `seq` is set here, to the
   * evaluation order, which the engine uses to break ties between equal times.
   */
  private release(keep: number): Detection[] {
    const found: Detection[] = [];
    const { buffer } = this;
    while (buffer.length - this.head > keep) {
      const input = buffer[this.head] as Input;
      // The slot lets go of the event at once; the array itself is trimmed now and then.
      buffer[this.head++] = undefined;
      input.seq = this.evaluated++;
      for (const run of this.runs) found.push(...run.push(input));
      this.evaluatedUpTo = input;
    }
    // Drop what was evaluated once it is most of the array, so the copy happens seldom.
    if (this.head > 1024 && this.head * 2 > buffer.length) {
      this.buffer = buffer.slice(this.head);
      this.head = 0;
    }
    return found;
  }
}

/**
 * Inserts by time, after the events of the same time (so arrival order breaks ties). Input in
 * time order goes to the end without a search.
 */
function insertSorted(buffer: (Input | undefined)[], head: number, input: Input): void {
  let [low, high] = [head, buffer.length];
  const time = (i: number) => (buffer[i] as Input).time;
  if (high === head || time(high - 1) <= input.time) return void buffer.push(input);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (time(mid) <= input.time) low = mid + 1;
    else high = mid;
  }
  buffer.splice(low, 0, input);
}

/** An event as the engine takes it; `seq` is set when it is evaluated. */
export function toInput(
  event: UdmEvent,
  arrival: number,
  screened?: ReadonlySet<VariablePlan>,
): Input {
  const ts = (event.metadata as { eventTimestamp?: unknown } | undefined)?.eventTimestamp;
  const ms = timestampMillis(ts);
  // The mapping rejects events without a time; any that slip through sort first, at the epoch.
  const [time, timestamp] = Number.isNaN(ms) ? [0, '1970-01-01T00:00:00Z'] : [ms / 1000, ts];
  const id = logId(event, arrival);
  return { event, time, timestamp: timestamp as string, seq: -1, id, screened };
}

function logId(event: UdmEvent, arrival: number): string {
  const m = event.metadata as { productLogId?: unknown; id?: unknown } | undefined;
  const id = m?.productLogId ?? m?.id;
  // Events without an id still need a distinct name in the detection: their input position.
  return typeof id === 'string' && id !== '' ? id : `#${arrival}`;
}
