/**
 * The checks every UDM event produced in a test must pass: the schema derived from Google's
 * protobuf definition (unknown fields, types, enum names, RFC 3339 timestamps, IPs, nothing
 * empty), plus the two fields every event needs.
 */

import { validateUdmEvent } from '../parsers/udm/validate';

export function udmProblems(event: Record<string, unknown>): string[] {
  const problems = validateUdmEvent(event).map((p) => `${p.path}: ${p.message}`);
  const metadata = event.metadata as Record<string, unknown> | undefined;
  if (!metadata?.eventType) problems.push('metadata.eventType is missing');
  if (!metadata?.eventTimestamp) problems.push('metadata.eventTimestamp is missing');
  return problems;
}
