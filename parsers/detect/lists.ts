/** Reference lists (§3.9): plain-text files, one value per line. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import ipaddr from 'ipaddr.js';
import { regexFind } from './regex';

/**
 * The values of a list file: blank lines and comments dropped. A comment is a line that starts
 * with `//`, or a block from a line that starts with `/*` to the next `*\/`; elsewhere `//` and
 * `/*` are part of a value (URLs, regexes), so a list never loses a value to a comment marker.
 */
export function parseListText(text: string): string[] {
  const values: string[] = [];
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!inBlock && line.startsWith('/*')) {
      inBlock = true;
      line = line.slice(2);
    }
    if (inBlock) {
      const close = line.indexOf('*/');
      if (close < 0) continue;
      inBlock = false;
      line = line.slice(close + 2).trim();
    }
    if (line !== '' && !line.startsWith('//')) values.push(line);
  }
  return values;
}

/** The list files of `dir`, by list name: the file name without its extension. */
function listFiles(dir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!fs.statSync(file).isFile()) continue;
    const list = path.parse(name).name;
    files.set(list, [...(files.get(list) ?? []), file]);
  }
  return files;
}

/**
 * Two files of `dir` that would be one list (`x.txt` and `x.csv`), as a sentence, or
 * undefined: which one a rule meant cannot be told.
 */
export function listNameClash(dir: string): string | undefined {
  for (const [list, files] of listFiles(dir)) {
    if (files.length > 1) return `${files.join(' and ')} are both the reference list %${list}`;
  }
  return undefined;
}

/** Every file of `dir` as a list named after the file without its extension. */
export function loadReferenceLists(dir: string): Map<string, string[]> {
  const lists = new Map<string, string[]>();
  for (const [list, files] of listFiles(dir)) {
    lists.set(list, parseListText(fs.readFileSync(files[files.length - 1], 'utf8')));
  }
  return lists;
}

export function isCidr(value: string): boolean {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
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
