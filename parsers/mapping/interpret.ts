/**
 * The reference interpreter: walks the plan row by row for every record and reads sources with
 * jsonpath-plus. It is slow on purpose-free grounds (no compilation at all) and exists so tests
 * can check that the generated code means what the YAML says: both must give identical events.
 */

import { JSONPath } from 'jsonpath-plus';
import type { Condition, SourcePath, Transform } from './model';
import type { Plan, PlannedRow, Target } from './resolve';
import {
  after,
  child,
  each,
  first,
  hasAny,
  isIp,
  list,
  missing,
  notFor,
  put,
  text,
  timestamp,
} from './runtime';
import { toJsonPath } from './source-path';
import type { Mapper, UdmEvent } from './types';

type Obj = Record<string, unknown>;

function read(json: unknown, path: SourcePath): unknown {
  if (json === null || typeof json !== 'object') return undefined;
  const found = JSONPath({ path: toJsonPath(path), json: json as Obj, wrap: true, eval: false });
  return Array.isArray(found) ? found[0] : undefined;
}

export function interpret(plan: Plan): Mapper {
  const { mapping } = plan;
  return {
    logType: mapping.logType,
    accept(data) {
      for (const test of mapping.accept) {
        const value = text(read(data, test.source));
        if (value === undefined && test.whenAbsent === 'accept') continue;
        if (value !== test.equals) return notFor(test.source, value, test.equals);
      }
      return undefined;
    },
    map(data, issues) {
      const udm: Obj = {};
      for (const row of plan.rows) applyRow(row, data, udm, issues, mapping.file);
      return udm as UdmEvent;
    },
  };
}

function applyRow(row: PlannedRow, data: unknown, udm: Obj, issues: string[], file: string): void {
  if (row.kind === 'for_each') {
    for (const item of each(read(data, row.source))) {
      const element: Obj = {};
      for (const inner of row.children) applyRow(inner, item, element, issues, file);
      if (hasAny(element)) write(row.out, udm, element);
    }
    return;
  }
  const value = row.when.every((c) => holds(c, data)) ? valueOf(row, data) : undefined;
  if (value !== undefined) write(row.out, udm, value);
  if (row.required && value === undefined) {
    const sources = 'source' in row && Array.isArray(row.source) ? row.source : [];
    const message = `${file}:${row.loc.line} row ${row.id}: no ${row.target} from ${
      sources.join(' or ') || 'its logic'
    }`;
    issues.push(missing(message, ...sources.map((s) => read(data, s))));
  }
}

function valueOf(row: PlannedRow, data: unknown): string | undefined {
  switch (row.kind) {
    case 'constant':
      return row.value;
    case 'copy':
      return firstDefined(row.source, (s) => transformed(read(data, s), row.transform));
    case 'table': {
      const key = firstDefined(row.source, (s) => text(read(data, s)));
      const hit = row.table.find(([k]) => k === key);
      return hit ? hit[1] : row.fallback;
    }
    default:
      return undefined;
  }
}

function transformed(raw: unknown, transform: Transform | undefined): string | undefined {
  if (!transform) return text(raw);
  if (transform.name === 'timestamp') return timestamp(raw);
  return after(text(raw), transform.marker);
}

function firstDefined<T>(items: readonly T[], f: (item: T) => string | undefined) {
  for (const item of items) {
    const value = f(item);
    if (value !== undefined) return value;
  }
  return undefined;
}

function holds(condition: Condition, data: unknown): boolean {
  const value = firstDefined(condition.source, (s) => text(read(data, s)));
  switch (condition.test) {
    case 'present':
      return (value !== undefined) === condition.expected;
    case 'equals':
      return value === condition.expected;
    case 'in':
      return value !== undefined && condition.expected.includes(value);
    case 'is_ip':
      return isIp(value) === condition.expected;
  }
}

function write(target: Target, udm: Obj, value: unknown): void {
  let parent = udm;
  for (const step of target.parents) {
    parent = step.how === 'first' ? first(parent, step.jsonName) : child(parent, step.jsonName);
  }
  switch (target.write.mode) {
    case 'set':
      parent[target.field] = value;
      return;
    case 'label':
      list(parent, target.field).push({ key: target.write.key, value });
      return;
    case 'struct':
      put(child(parent, target.field), target.write.key, value);
      return;
    default:
      list(parent, target.field).push(value);
  }
}
