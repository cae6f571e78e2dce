/**
 * Detection cases: `fixtures/detections/<rule>/<case>/` holds raw records (`input.ndjson`) and
 * `case.yaml` with the detections a person expects of the named rule: how many, and for each,
 * chosen match values, outcomes and the events involved.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { Detection } from '../detect/engine';

export interface DetectionCase {
  name: string;
  dir: string;
  description: string;
  rule: string;
  expect: {
    detections: number;
    match?: Record<string, unknown>[];
    outcome?: Record<string, unknown>[];
    events?: Record<string, string[]>[];
  };
}

export function listDetectionCases(root: string): DetectionCase[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .flatMap((rule) =>
      readdirSync(path.join(root, rule))
        .sort()
        .filter((name) => existsSync(path.join(root, rule, name, 'case.yaml')))
        .map((name) => loadDetectionCase(path.join(root, rule, name))),
    );
}

function loadDetectionCase(dir: string): DetectionCase {
  const spec = parse(readFileSync(path.join(dir, 'case.yaml'), 'utf8')) as DetectionCase;
  return { ...spec, name: `${path.basename(path.dirname(dir))}/${path.basename(dir)}`, dir };
}

/** What a case expects that the detections do not meet, one line each. */
export function unmetDetections(expected: DetectionCase['expect'], found: Detection[]): string[] {
  const problems: string[] = [];
  if (found.length !== expected.detections) {
    problems.push(`expected ${expected.detections} detection(s), got ${found.length}`);
  }
  const compare = (kind: 'match' | 'outcome' | 'events') =>
    (expected[kind] ?? []).forEach((want, i) => {
      for (const [key, value] of Object.entries(want)) {
        const got = (found[i]?.[kind] as Record<string, unknown> | undefined)?.[key];
        if (JSON.stringify(got) !== JSON.stringify(value)) {
          const [want, have] = [JSON.stringify(value), JSON.stringify(got)];
          problems.push(`detection ${i} ${kind}.${key}: expected ${want}, got ${have}`);
        }
      }
    });
  compare('match');
  compare('outcome');
  compare('events');
  return problems;
}
