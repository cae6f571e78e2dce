/** RE2 regular expressions (§3.8): substring match, first line only unless `(?s)`. */

import { RE2JS } from 're2js';

/** Compiled patterns by text, case-sensitive and not, shared across rules. */
const cache = { sensitive: new Map<string, RE2JS>(), nocase: new Map<string, RE2JS>() };

/** Compiles or throws the RE2 syntax error. */
export function compileRegex(pattern: string, nocase: boolean): RE2JS {
  const compiled = nocase ? cache.nocase : cache.sensitive;
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern, nocase ? RE2JS.CASE_INSENSITIVE : 0);
    compiled.set(pattern, re);
  }
  return re;
}

/** The flag groups that open a pattern: `(?i)(?s)`, `(?is)`, `(?s-i)`, then maybe `(?s:`. */
const OPENING_FLAGS = /^(?:\(\?[imsU]*(?:-[imsU]*)?\))*(?:\(\?[imsU]*(?:-[imsU]*)?:)?/;
const FLAG_GROUP = /\(\?([imsU]*)(?:-([imsU]*))?[):]/g;
const dotAll = new Map<string, boolean>();

/** Whether the flags opening a pattern leave `s` set: `(?i-s)` and `(?s)(?-s)` do not. */
export function opensDotAll(pattern: string): boolean {
  let known = dotAll.get(pattern);
  if (known === undefined) {
    known = false;
    for (const m of OPENING_FLAGS.exec(pattern)![0].matchAll(FLAG_GROUP)) {
      if (m[1].includes('s')) known = true;
      if (m[2]?.includes('s')) known = false;
    }
    if (dotAll.size >= MEMO_ENTRIES) dotAll.clear();
    dotAll.set(pattern, known);
  }
  return known;
}

/**
 * Production matches only the first line of a multi-line value unless the pattern opens with
 * the `s` flag.
 */
function subject(text: string, pattern: string): string {
  if (opensDotAll(pattern)) return text;
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

/**
 * What regexFind found, by compiled pattern and text, for short texts: the values rules test
 * (event names, error codes) repeat in nearly every event, and a match in re2js costs microseconds.
 * A memo that fills up is emptied, so memory stays bounded whatever the input holds.
 */
const found = new Map<RE2JS, Map<string, boolean>>();
const MEMO_ENTRIES = 4096;
const MEMO_TEXT_LENGTH = 256;

export function regexFind(text: string, pattern: string, nocase: boolean): boolean {
  const re = compileRegex(pattern, nocase);
  const target = subject(text, pattern);
  if (target.length > MEMO_TEXT_LENGTH) return re.matcher(target).find();
  let memo = found.get(re);
  if (!memo) found.set(re, (memo = new Map()));
  let hit = memo.get(target);
  if (hit === undefined) {
    hit = re.matcher(target).find();
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.set(target, hit);
  }
  return hit;
}

/** re.capture: the first group, or the whole match without groups; "" when nothing matches. */
export function regexCapture(text: string, pattern: string): string {
  const m = compileRegex(pattern, false).matcher(subject(text, pattern));
  if (!m.find()) return '';
  return (m.groupCount() > 0 ? m.group(1) : m.group(0)) ?? '';
}

/** re.replace: every match replaced; `\1` in the replacement is a group, as in RE2. */
export function regexReplace(text: string, pattern: string, replacement: string): string {
  const m = compileRegex(pattern, false).matcher(text);
  return m.replaceAll((...args: unknown[]) =>
    replacement.replace(/\\(\d)/g, (_, d: string) => String(args[Number(d)] ?? '')),
  );
}
