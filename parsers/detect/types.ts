/** Shared shapes of the detection engine. */

import type { YaralDiagnostic } from '../yaral/diagnostics';

/** A UDM event in proto3 JSON form, as the mapping writes it. */
export type UdmEvent = Record<string, unknown>;

export type Scalar = string | number | boolean;

/** A field read that is not narrowed to one element yields every element. */
export type Value = Scalar | Scalar[];

/**
 * One transient copy of an event (§3.6): the element chosen for each expanded repeated step,
 * keyed by the JSON path up to that step. -1 means the list is empty (zero value).
 */
export type Copy = ReadonlyMap<string, number>;

/** A copy that passed its variable's filters, with the placeholder values it bound. */
export interface Row {
  copy: Copy;
  placeholders: Record<string, Scalar>;
}

/** An event that is a candidate for one event variable (§11.2 step 1). */
export interface Candidate {
  event: UdmEvent;
  id: string;
  /** Unix seconds of metadata.event_timestamp, fractional. */
  time: number;
  /** metadata.event_timestamp as the event wrote it. */
  timestamp: string;
  /** Arrival order after sorting, to break ties deterministically. */
  seq: number;
  rows: Row[];
}

export type EngineDiagnostic = YaralDiagnostic;

export interface Detection {
  rule: string;
  /** The detection time: the latest event time in it, RFC 3339. */
  time: string;
  /** The window of a multi-event rule; inclusive bounds. */
  window?: { start: string; end: string };
  /** Match variable values, without `$`. */
  match: Record<string, Scalar>;
  /** Outcome variables, without `$`; risk_score is always present. */
  outcome: Record<string, unknown>;
  /** Per event variable: metadata.product_log_id of each event involved. */
  events: Record<string, string[]>;
  /** Why the detection may be partial: its window had too many combinations of events. */
  note?: string;
}
