/** The mapping as the compiler sees it, after the YAML has been loaded and checked. */

import type { SourceLocation } from '../diagnostics';

/** A dotted path into the record, such as `detail.resources[0].ARN`. */
export type SourcePath = string;

export type Transform = { name: 'timestamp' } | { name: 'after'; marker: string };

/** A test on a source value; `source` lists fallbacks, the first present value is tested. */
export type Condition =
  | { source: SourcePath[]; test: 'present'; expected: boolean }
  | { source: SourcePath[]; test: 'equals'; expected: string }
  | { source: SourcePath[]; test: 'in'; expected: string[] }
  | { source: SourcePath[]; test: 'is_ip'; expected: boolean };

interface RowCommon {
  /** Unique within the file; names the emitted block and every diagnostic about the row. */
  id: string;
  /** Rows of the documented table (docs/reference/aws-kms-udm.md §2) that this row implements. */
  spec: number[];
  /** UDM field path in Google's snake_case form, relative to the event (or the element). */
  target: string;
  /** For `labels`, `detection_fields` and `additional.fields`: the entry's key. */
  key?: string;
  when: Condition[];
  /** A record for which a required row produces nothing is rejected. */
  required: boolean;
  /** Rows writing the same field that this row wins over (it runs after them). */
  overrides: string[];
  /** Where the row starts, and where the value of each of its keys is (`target`, say). */
  loc: SourceLocation;
  keyLoc: Record<string, SourceLocation>;
}

export type Row =
  | (RowCommon & { kind: 'copy'; source: SourcePath[]; transform?: Transform })
  | (RowCommon & { kind: 'constant'; value: string })
  | (RowCommon & {
      kind: 'table';
      source: SourcePath[];
      table: [string, string][];
      fallback?: string;
    })
  | (RowCommon & { kind: 'for_each'; source: SourcePath; rows: Row[] });

/** Records that fail an accept test are skipped as belonging to another service. */
export interface AcceptTest {
  source: SourcePath;
  equals: string;
  whenAbsent: 'accept' | 'skip';
  loc: SourceLocation;
}

/** Source paths the mapping reads on purpose from nowhere, each with its reason. */
export interface IgnoredSource {
  source: SourcePath[];
  reason: string;
  loc: SourceLocation;
}

export interface Mapping {
  /** The path the mapping was read from, as given. */
  file: string;
  logType: string;
  title: string;
  accept: AcceptTest[];
  rows: Row[];
  ignore: IgnoredSource[];
  /**
   * Every value a source path can hold, where the set is closed (CloudTrail eventName for KMS):
   * rules comparing a field copied from that path with other literals are reported.
   */
  knownValues: Map<SourcePath, string[]>;
  /** sha256 of the YAML text, recorded in generated code to show what it was compiled from. */
  sha256: string;
}
