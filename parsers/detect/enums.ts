/**
 * Enum names in numeric order. The schema module lists enum values in declaration order, but
 * YARA-L orders enums by number (§3.4) and udm.proto does not declare them in that order
 * (GENERIC_EVENT = 100000 comes after USER_* values), so the numbers are read here.
 */

import * as path from 'node:path';
import * as protobuf from 'protobufjs';

const PROTO_DIR = path.join(__dirname, '..', '..', 'vendor', 'udm-proto');

let root: protobuf.Root | undefined;
const ordered = new Map<string, string[]>();

function udmRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : path.join(PROTO_DIR, target);
  r.loadSync(['backstory/udm.proto'], { keepCase: true });
  root = r;
  return r;
}

/** The enum's names sorted by their numbers; aliases keep declaration order. */
export function enumNamesByNumber(typeName: string): string[] {
  let names = ordered.get(typeName);
  if (!names) {
    const values = udmRoot().lookupEnum(typeName).values;
    names = Object.keys(values).sort((a, b) => values[a] - values[b]);
    ordered.set(typeName, names);
  }
  return names;
}
