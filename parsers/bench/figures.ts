/** What one `udm bench` run measured, as written to docs/benchmarks.json. */

export type RowId =
  | 'floor'
  | 'bound'
  | 'mapper'
  | 'record-path'
  | 'map-gzip'
  | 'map-gzip-jobs'
  | 'map-ndjson'
  | 'map-ndjson-quarter'
  | 'interpreter'
  | 'jq'
  | 'detect'
  | 'detect-quarter'
  | 'detect-hot';

export interface Row {
  id: RowId;
  label: string;
  records: number;
  seconds: number;
  perSecond: number;
  /** Peak resident set size of the measured process, when measured (MiB). */
  peakRssMiB?: number;
  note?: string;
  /** Why the row was not measured (jq missing, …); its figures are then 0. */
  skipped?: string;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export interface Figures {
  date: string;
  machine: Machine;
  command: string;
  corpus: { records: number; seed: number; bytes: number; gzipBytes: number; files: number };
  rows: Row[];
  totalSeconds: number;
}

export function row(id: RowId, label: string, records: number, seconds: number): Row {
  return { id, label, records, seconds, perSecond: seconds > 0 ? records / seconds : 0 };
}

export function skippedRow(id: RowId, label: string, reason: string): Row {
  return { ...row(id, label, 0, 0), skipped: reason };
}
