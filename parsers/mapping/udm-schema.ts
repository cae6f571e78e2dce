/**
 * The UDM schema, read from Google's protobuf definition (vendor/udm-proto, Apache-2.0) with
 * protobufjs. Mapping targets are resolved against it, so a row can only write a field that
 * exists, in the JSON name and shape that proto3 JSON gives it.
 */

import * as path from 'node:path';
import * as protobuf from 'protobufjs';

export type UdmKind =
  'message' | 'string' | 'enum' | 'timestamp' | 'struct' | 'bool' | 'integer' | 'float' | 'bytes';

export interface UdmField {
  /** The proto name, snake_case, as Google's docs and YARA-L write it. */
  name: string;
  /** The proto3 JSON name (lowerCamelCase), as events are written. */
  jsonName: string;
  kind: UdmKind;
  repeated: boolean;
  /** Full name of the message or enum type, for `message` and `enum` fields. */
  typeName?: string;
  enumValues?: string[];
}

const PROTO_DIR = path.join(__dirname, '..', '..', 'vendor', 'udm-proto');
export const ROOT_MESSAGE = 'google.backstory.UDM';

const SCALAR_KINDS: Record<string, UdmKind> = {
  string: 'string',
  bool: 'bool',
  bytes: 'bytes',
  double: 'float',
  float: 'float',
  int32: 'integer',
  int64: 'integer',
  uint32: 'integer',
  uint64: 'integer',
  sint32: 'integer',
  sint64: 'integer',
  fixed32: 'integer',
  fixed64: 'integer',
  sfixed32: 'integer',
  sfixed64: 'integer',
};

let cached: protobuf.Root | undefined;

function udmRoot(): protobuf.Root {
  if (cached) return cached;
  const root = new protobuf.Root();
  // google/protobuf/* are built into protobufjs; everything else is vendored.
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : path.join(PROTO_DIR, target);
  root.loadSync(['backstory/udm.proto'], { keepCase: true });
  root.resolveAll();
  cached = root;
  return root;
}

/** lowerCamelCase as the proto3 JSON mapping derives it from a field name. */
export function jsonNameOf(protoName: string): string {
  return protoName.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function describeField(field: protobuf.Field): UdmField {
  const base = { name: field.name, jsonName: jsonNameOf(field.name), repeated: field.repeated };
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) {
    const enumValues = Object.keys(resolved.values);
    return { ...base, kind: 'enum', typeName: resolved.fullName.slice(1), enumValues };
  }
  if (resolved instanceof protobuf.Type) {
    const typeName = resolved.fullName.slice(1);
    if (typeName === 'google.protobuf.Timestamp') return { ...base, kind: 'timestamp', typeName };
    if (typeName === 'google.protobuf.Struct') return { ...base, kind: 'struct', typeName };
    return { ...base, kind: 'message', typeName };
  }
  return { ...base, kind: SCALAR_KINDS[field.type] ?? 'string' };
}

/** Every message type reachable from the UDM event, with its fields, in a stable order. */
export function allMessageTypes(): { name: string; fields: UdmField[] }[] {
  const seen = new Map<string, UdmField[]>();
  const visit = (typeName: string) => {
    if (seen.has(typeName)) return;
    const fields = [...messageFields(typeName).values()];
    seen.set(typeName, fields);
    for (const field of fields) if (field.kind === 'message') visit(field.typeName as string);
  };
  visit(ROOT_MESSAGE);
  return [...seen.keys()].sort().map((name) => ({ name, fields: seen.get(name)! }));
}

/** The fields of a UDM message type, by proto name. */
export function messageFields(typeName: string = ROOT_MESSAGE): Map<string, UdmField> {
  const type = udmRoot().lookupType(typeName);
  return new Map(type.fieldsArray.map((f) => [f.name, describeField(f)]));
}

/** `structMap`: the path ends in `fields` of a google.protobuf.Struct (`additional.fields`). */
export type Resolution = { fields: UdmField[]; structMap: boolean } | { error: string };

/**
 * Resolves a snake_case path (`principal.user.attribute.labels`) into the fields it passes
 * through, starting from the event or from another message type (for `for_each` elements).
 */
export function resolveUdmPath(udmPath: string, from: string = ROOT_MESSAGE): Resolution {
  const fields: UdmField[] = [];
  const names = udmPath.split('.');
  let typeName = from;
  if (names.length >= 2 && names[names.length - 1] === 'fields') {
    const struct = resolveUdmPath(names.slice(0, -1).join('.'), from);
    if ('fields' in struct && struct.fields[struct.fields.length - 1].kind === 'struct') {
      return { fields: struct.fields, structMap: true };
    }
  }
  for (const name of names) {
    const field = messageFields(typeName).get(name);
    if (!field) {
      const where = fields.length ? fields.map((f) => f.name).join('.') : shortName(typeName);
      return { error: `UDM field '${name}' does not exist in ${where}` };
    }
    fields.push(field);
    if (field.kind !== 'message') break;
    typeName = field.typeName as string;
  }
  if (fields.length !== names.length) {
    const last = fields[fields.length - 1];
    return { error: `UDM field '${last.name}' is a ${last.kind}, it has no fields` };
  }
  return { fields, structMap: false };
}

function shortName(typeName: string): string {
  return typeName === ROOT_MESSAGE ? 'the UDM event' : typeName.split('.').pop()!;
}

const byNumber = new Map<string, string[]>();

/**
 * An enum's names sorted by number, as YARA-L orders enums (`<`, `>`): udm.proto does not
 * declare them in that order (GENERIC_EVENT = 100000 comes after the USER_* values).
 */
export function enumNamesByNumber(typeName: string): string[] {
  let names = byNumber.get(typeName);
  if (!names) {
    const values = udmRoot().lookupEnum(typeName).values;
    names = Object.keys(values).sort((a, b) => values[a] - values[b]);
    byNumber.set(typeName, names);
  }
  return names;
}
