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

/** The RE2 error for a pattern, or undefined when it compiles. */
export function regexError(pattern: string): string | undefined {
  try {
    compileRegex(pattern, false);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Production matches only the first line of a multi-line value unless the pattern is `(?s)`. */
function subject(text: string, pattern: string): string {
  if (pattern.startsWith('(?s)')) return text;
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(0, nl);
}

export function regexFind(text: string, pattern: string, nocase: boolean): boolean {
  return compileRegex(pattern, nocase).matcher(subject(text, pattern)).find();
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
