/** Shared helpers: parse inline rules, load fixture events, clone events with new times/ids. */

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRule, type EngineOptions, type RuleEvaluator } from '../../parsers/detect/engine';
import type { UdmEvent } from '../../parsers/detect/types';
import { readInputs } from '../../parsers/input/read';
import { compileMappingOrThrow } from '../../parsers/mapping/compile';
import { mapItem } from '../../parsers/run/map-run';
import { parseRules } from '../../parsers/yaral/parser';
import type { Rule } from '../../parsers/yaral/ast';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'fixtures', 'aws_kms');

export function parseOne(text: string): Rule {
  const { rules, diagnostics } = parseRules(text, 'inline.yaral');
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length || rules.length !== 1) {
    throw new Error(`rule does not parse: ${JSON.stringify(errors)}`);
  }
  return rules[0];
}

export function compile(text: string, options?: EngineOptions): RuleEvaluator {
  const { evaluator, diagnostics } = compileRule(parseOne(text), options);
  if (!evaluator) throw new Error(`rule does not compile: ${JSON.stringify(diagnostics)}`);
  return evaluator;
}

/** The mapped UDM events of one fixture golden. */
export function fixtureEvents(name: string): UdmEvent[] {
  const golden = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
  return golden.events as UdmEvent[];
}

export function fixtureEvent(name: string, index = 0): UdmEvent {
  return fixtureEvents(name)[index];
}

/** A deep copy with a new time (seconds after `base`) and log id, plus any further edits. */
export function variant(
  event: UdmEvent,
  id: string,
  offsetSeconds: number,
  edit: (e: any) => void = () => {},
  base = '2024-01-01T00:00:00Z',
): UdmEvent {
  const copy = structuredClone(event) as any;
  copy.metadata.productLogId = id;
  copy.metadata.eventTimestamp = new Date(Date.parse(base) + offsetSeconds * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
  edit(copy);
  return copy;
}

/** A minimal rule around an events section; `extra` goes before condition, `options` after. */
export function singleRule(events: string, extra = '', options = ''): string {
  const opts = options ? ` options:\n  ${options}\n` : '';
  const head = `rule t {\n meta:\n  a = "b"\n events:\n${events}\n`;
  return `${head}${extra}\n condition:\n  $e\n${opts}}\n`;
}

/** DisableKey then ScheduleKeyDeletion of one key (`$key`) within `window`. */
export function pairRule(window: string, condition = '$d and $s'): string {
  return `rule pair {
 meta:
  a = "b"
 events:
  $d.metadata.product_event_type = "DisableKey"
  $d.target.resource.product_object_id = $key
  $s.metadata.product_event_type = "ScheduleKeyDeletion"
  $s.target.resource.product_object_id = $key
 match:
  $key over ${window}
 condition:
  ${condition}
}`;
}

let mapper: ReturnType<typeof compileMappingOrThrow>['mapper'] | undefined;

/** The UDM events the mapping makes of a file of raw records (its rejects and skips left out). */
export async function mappedEvents(file: string): Promise<UdmEvent[]> {
  mapper ??= compileMappingOrThrow(path.join(ROOT, 'mappings', 'aws_kms.yaml')).mapper;
  const events: UdmEvent[] = [];
  for await (const item of readInputs([file])) {
    const outcome = mapItem(item, mapper);
    if (outcome.kind === 'event') events.push(outcome.event as UdmEvent);
  }
  return events;
}

/** A small deterministic generator (mulberry32), so a failing stream can be replayed. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
