/**
 * Source paths: `detail.resources[0].ARN`. Segments are record keys (letters, digits, `_`, `-`)
 * with an optional array index. Keys that reach an object's prototype are refused by the
 * mapping schema, so a path can only ever read data the record itself holds.
 */

export type PathStep = { key: string } | { index: number };

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_-]*)((?:\[[0-9]{1,6}\])*)$/;

/** Splits a path the schema has already accepted; returns undefined for a malformed one. */
export function parseSourcePath(path: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  for (const segment of path.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match) return undefined;
    steps.push({ key: match[1] });
    for (const index of match[2].match(/[0-9]+/g) ?? []) steps.push({ index: Number(index) });
  }
  return steps;
}

/** Steps as JSONPath, for the reference interpreter: `$['detail']['resources'][0]`. */
export function toJsonPath(steps: readonly PathStep[]): string {
  const parts = steps.map((s) => ('index' in s ? `[${s.index}]` : `['${s.key}']`));
  return '$' + parts.join('');
}
