/** A UDM event in proto3 JSON form (camelCase names, enum names, RFC 3339 timestamps). */
export type UdmEvent = Record<string, unknown>;

/** What a compiled mapping (or the reference interpreter) offers the mapping run. */
export interface Mapper {
  logType: string;
  /** Why the record belongs to another service (it is then skipped), or undefined. */
  accept(data: Record<string, unknown>): string | undefined;
  /** The UDM event; reasons to reject the record are pushed to `issues`. */
  map(data: Record<string, unknown>, issues: string[]): UdmEvent;
  /**
   * The same event as JSON text (what `udm map` writes), equal to JSON.stringify of `map`.
   * `verbatim` promises that no string in `data` needs escaping (`needsNoEscaping` of the text
   * it was parsed from); strings are then copied without being scanned.
   */
  mapToJson(data: Record<string, unknown>, issues: string[], verbatim?: boolean): string;
}
