/** Reference lists (§3.9): plain-text files, one value per line. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import ipaddr from 'ipaddr.js';
import { regexFind } from './regex';

/** The values of a list file: comments (`//`, `/* … *\/`) and blank lines dropped. */
export function parseListText(text: string): string[] {
  const noBlock = text.replace(/\/\*[\s\S]*?\*\//g, '');
  return noBlock
    .split(/\r?\n/)
    .filter((line) => !line.trim().startsWith('//'))
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Every file of `dir` as a list named after the file without its extension. */
export function loadReferenceLists(dir: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    lists.set(path.parse(name).name, parseListText(fs.readFileSync(file, 'utf8')));
  }
  return lists;
}

export function inCidr(ip: string, cidr: string): boolean {
  try {
    const addr = ipaddr.parse(ip);
    const range = ipaddr.parseCIDR(cidr);
    if (addr.kind() !== range[0].kind()) return false;
    return addr.match(range);
  } catch {
    // A value that is not an address, or a malformed range, simply does not match.
    return false;
  }
}

export function inList(
  value: string,
  values: string[],
  kind: 'plain' | 'regex' | 'cidr',
  nocase: boolean,
): boolean {
  if (kind === 'cidr') return values.some((c) => inCidr(value, c));
  if (kind === 'regex') return values.some((p) => regexFind(value, p, nocase));
  if (!nocase) return values.includes(value);
  const lower = value.toLowerCase();
  return values.some((v) => v.toLowerCase() === lower);
}
