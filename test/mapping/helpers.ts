import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { compileMappingFile } from '../../parsers/mapping/compile';

/** Compiles YAML text written to a temporary file named `name`. */
export function compileYaml(yaml: string, name = 'test.yaml') {
  const dir = mkdtempSync(path.join(tmpdir(), 'udm-mapping-'));
  const file = path.join(dir, name);
  writeFileSync(file, yaml);
  return { file, ...compileMappingFile(file) };
}

/** A minimal valid mapping with the given extra rows appended (YAML list items). */
export function mappingWith(rows: string): string {
  return [
    'log_type: TEST_LOG',
    'rows:',
    '  - id: event_time',
    '    source: time',
    '    target: metadata.event_timestamp',
    '    transform: timestamp',
    '    required: true',
    rows,
  ].join('\n');
}
