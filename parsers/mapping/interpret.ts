/**
 * The reference interpreter: walks the plan row by row for every record and reads sources with
 * jsonpath-plus. It compiles nothing, so tests can check that the generated code means what the
 * YAML says (both must give identical events). It can also trace each value it writes back to
 * its row and source, which `udm explain`, test diffs and the docs use.
 */

import { JSONPath } from 'jsonpath-plus';
import type { Condition, SourcePath, Transform } from './model';
import type { Plan, PlannedRow, Target } from './resolve';
import * as rt from './runtime';
import { requiredMessage, rowSources } from './rows';
import { parseSourcePath, toJsonPath, type PathStep } from './source-path';
import type { Mapper, UdmEvent } from './types';

type Obj = Record<string, unknown>;

/** One value written to an event: where (a flat UDM path), by which row, from what. */
export interface TraceEntry {
  /** As flattenUdm writes it: `principal.user.attribute.labels[0].value`. */
  path: string;
  row: PlannedRow;
  /** The source path whose value was used (the fallback that won), if the row has one. */
  source?: SourcePath;
  raw?: unknown;
  value: unknown;
}

export type Tracer = (entry: TraceEntry) => void;

function query(json: Obj, steps: readonly PathStep[]): unknown {
  const found = JSONPath({ path: toJsonPath(steps), json, wrap: true, eval: false });
  return Array.isArray(found) ? found[0] : undefined;
}

function read(json: unknown, path: SourcePath): unknown {
  if (json === null || typeof json !== 'object') return undefined;
  const steps = parseSourcePath(path) ?? [];
  // JSONPath indexes strings too; a source path indexes arrays only, as compiled code does.
  for (let i = 0; i < steps.length; i++) {
    if ('index' in steps[i] && !Array.isArray(query(json as Obj, steps.slice(0, i)))) {
      return undefined;
    }
  }
  return query(json as Obj, steps);
}

export function interpret(plan: Plan, trace?: Tracer): Mapper {
  const { mapping } = plan;
  const map = (data: Obj, issues: string[]): UdmEvent => {
    const run = new Run(mapping.file, issues, trace);
    const udm: Obj = {};
    for (const row of plan.rows) run.apply(row, data, udm, '');
    return udm as UdmEvent;
  };
  return {
    logType: mapping.logType,
    accept(data) {
      for (const test of mapping.accept) {
        const value = rt.text(read(data, test.source));
        if (value === undefined && test.whenAbsent === 'accept') continue;
        if (value !== test.equals) return rt.notFor(test.source, value, test.equals);
      }
      return undefined;
    },
    map,
    mapToJson: (data, issues) => JSON.stringify(map(data, issues)),
  };
}

interface Found {
  value: string | undefined;
  source?: SourcePath;
  raw?: unknown;
}

class Run {
  constructor(
    private readonly file: string,
    private readonly issues: string[],
    private readonly trace?: Tracer,
  ) {}

  /** Applies a row to `udm`, whose flat path in the event is `at` (`''` for the event). */
  apply(row: PlannedRow, data: unknown, udm: Obj, at: string): void {
    if (row.kind === 'for_each') return this.applyEach(row, data, udm, at);

    const found = row.when.every((c) => holds(c, data)) ? valueOf(row, data) : { value: undefined };
    if (found.value !== undefined) {
      const path = write(row.out, udm, found.value, at);
      this.trace?.({ path, row, source: found.source, raw: found.raw, value: found.value });
    }
    if (row.required && found.value === undefined) this.reportMissing(row, data);
  }

  private applyEach(row: PlannedRow, data: unknown, udm: Obj, at: string): void {
    if (row.kind !== 'for_each') return;
    for (const item of rt.each(read(data, row.source))) {
      const element: Obj = {};
      const entries: TraceEntry[] = [];
      const inner = new Run(this.file, this.issues, (e) => entries.push(e));
      const index = listLength(row.out, udm);
      const prefix = `${at}${targetPrefix(row.out)}${row.out.fieldName}[${index}].`;
      for (const childRow of row.children) inner.apply(childRow, item, element, prefix);
      if (!rt.hasAny(element)) continue;
      write(row.out, udm, element, at);
      entries.forEach((entry) => this.trace?.(entry));
    }
  }

  private reportMissing(row: PlannedRow, data: unknown): void {
    const raws = rowSources(row).map((s) => read(data, s));
    this.issues.push(rt.missing(requiredMessage(this.file, row), ...raws));
  }
}

function valueOf(row: PlannedRow, data: unknown): Found {
  switch (row.kind) {
    case 'constant':
      return { value: row.value };
    case 'copy':
      return firstFound(row.source, data, (raw) => transformed(raw, row.transform));
    case 'table': {
      const key = firstFound(row.source, data, rt.text);
      const hit = row.table.find(([k]) => k === key.value);
      return { ...key, value: hit ? hit[1] : row.fallback };
    }
    default:
      return { value: undefined };
  }
}

function transformed(raw: unknown, transform: Transform | undefined): string | undefined {
  if (!transform) return rt.text(raw);
  if (transform.name === 'timestamp') return rt.timestamp(raw);
  return rt.after(rt.text(raw), transform.marker);
}

/** The first source path whose value, once converted, is not empty. */
function firstFound(
  sources: readonly SourcePath[],
  data: unknown,
  convert: (raw: unknown) => string | undefined,
): Found {
  for (const source of sources) {
    const raw = read(data, source);
    const value = convert(raw);
    if (value !== undefined) return { value, source, raw };
  }
  return { value: undefined };
}

function holds(condition: Condition, data: unknown): boolean {
  const value = firstFound(condition.source, data, rt.text).value;
  switch (condition.test) {
    case 'present':
      return (value !== undefined) === condition.expected;
    case 'equals':
      return value === condition.expected;
    case 'in':
      return value !== undefined && condition.expected.includes(value);
    case 'is_ip':
      return rt.isIp(value) === condition.expected;
  }
}

/** `principal.user.` for a target under principal.user; `[0]` marks the one filled element. */
function targetPrefix(target: Target): string {
  return target.parents.map((p) => `${p.name}${p.how === 'first' ? '[0]' : ''}.`).join('');
}

function listLength(target: Target, udm: Obj): number {
  let parent: unknown = udm;
  for (const step of target.parents) {
    const next = (parent as Obj | undefined)?.[step.jsonName];
    parent = step.how === 'first' ? (next as unknown[] | undefined)?.[0] : next;
  }
  return ((parent as Obj | undefined)?.[target.field] as unknown[] | undefined)?.length ?? 0;
}

/** Stores a value at the row's target; returns the flat path it was written to. */
function write(target: Target, udm: Obj, value: unknown, at: string): string {
  let parent = udm;
  for (const step of target.parents) {
    parent =
      step.how === 'first' ? rt.first(parent, step.jsonName) : rt.child(parent, step.jsonName);
  }
  const path = at + targetPrefix(target) + target.fieldName;
  switch (target.write.mode) {
    case 'set':
      parent[target.field] = value;
      return path;
    case 'label': {
      const labels = rt.list(parent, target.field);
      labels.push({ key: target.write.key, value });
      return `${path}[${labels.length - 1}].value`;
    }
    case 'struct':
      rt.put(rt.child(parent, target.field), target.write.key, value);
      return `${path}.fields.${target.write.key}`;
    default: {
      const items = rt.list(parent, target.field);
      items.push(value);
      return `${path}[${items.length - 1}]`;
    }
  }
}
