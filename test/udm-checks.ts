/**
 * Basic UDM checks applied to events in tests: every key is a field of its UDM message under
 * its proto3 JSON name, repeated fields are arrays, enums hold valid names, timestamps are
 * RFC 3339 in UTC, IPs are IPs, and nothing is empty. Returns the problems, one line each.
 */

import { isIP } from 'node:net';
import { messageFields } from '../parsers/mapping/udm-schema';

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6}|\.\d{9})?Z$/;
const byJsonName = new Map<string, ReturnType<typeof fieldsOf>>();

function fieldsOf(typeName: string) {
  const fields = new Map([...messageFields(typeName).values()].map((f) => [f.jsonName, f]));
  byJsonName.set(typeName, fields);
  return fields;
}

export function udmProblems(event: Record<string, unknown>): string[] {
  const problems: string[] = [];
  checkMessage(event, 'google.backstory.UDM', '', problems);
  const metadata = event.metadata as Record<string, unknown> | undefined;
  if (!metadata?.eventType) problems.push('metadata.eventType is missing');
  if (!metadata?.eventTimestamp) problems.push('metadata.eventTimestamp is missing');
  return problems;
}

function checkMessage(value: unknown, typeName: string, at: string, problems: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at || 'event'}: expected a ${typeName} message`);
    return;
  }
  const fields = byJsonName.get(typeName) ?? fieldsOf(typeName);
  for (const [key, item] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    const field = fields.get(key);
    if (!field) problems.push(`${path}: no such field in ${typeName}`);
    else if (field.repeated !== Array.isArray(item)) problems.push(`${path}: repeated mismatch`);
    else
      for (const element of field.repeated ? (item as unknown[]) : [item]) {
        checkValue(element, field, path, problems);
      }
  }
  if (Object.keys(value).length === 0) problems.push(`${at}: empty message`);
}

function checkValue(
  value: unknown,
  field: ReturnType<typeof messageFields> extends Map<string, infer F> ? F : never,
  path: string,
  problems: string[],
): void {
  switch (field.kind) {
    case 'message':
      return checkMessage(value, field.typeName as string, path, problems);
    case 'struct':
      if (!value || typeof value !== 'object' || Object.keys(value).length === 0) {
        problems.push(`${path}: Struct must be a non-empty object`);
      }
      return;
    case 'enum':
      if (!field.enumValues?.includes(value as string)) problems.push(`${path}: bad enum ${value}`);
      return;
    case 'timestamp':
      if (!RFC3339_UTC.test(value as string)) problems.push(`${path}: not RFC 3339 UTC`);
      return;
    case 'string':
      if (typeof value !== 'string' || value === '') problems.push(`${path}: empty or not text`);
      else if (/(^|\.)(ip|natIp)$/.test(path) && isIP(value) === 0) {
        problems.push(`${path}: ${value} is not an IP`);
      }
      return;
    default:
      return;
  }
}
