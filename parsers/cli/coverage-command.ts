/**
 * `udm coverage`: how well the fixtures cover the mapping, both ways, compared with the
 * committed baseline. Fails only when coverage got worse than the baseline.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { canonicalJson } from '../fixtures/canonical';
import { fixturesDirFor } from '../fixtures/cases';
import { measureCoverage, regressions, type Coverage } from '../fixtures/coverage';
import { UsageError, type Io } from './io';
import { loadMapper, PACKAGE_ROOT, shown } from './mapper';

export function baselineFile(mappingFile: string): string {
  return fixturesDirFor(mappingFile, PACKAGE_ROOT) + '.coverage.json';
}

export async function runCoverage(mapping: string, update: boolean, io: Io): Promise<number> {
  const compiled = loadMapper(mapping, io);
  if (!compiled) return 2;
  const fixtures = fixturesDirFor(mapping, PACKAGE_ROOT);
  if (!existsSync(fixtures))
    throw new UsageError(`no fixture cases for this mapping in ${fixtures}`);
  const current = await measureCoverage(compiled.plan, fixtures);
  report(current, io);

  const file = baselineFile(mapping);
  if (update && existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as Coverage;
    for (const item of regressions(current, previous)) {
      io.stdout.write(`WORSE (now the baseline) ${item}\n`);
    }
  }
  if (update) {
    writeFileSync(
      file,
      canonicalJson({ _generated: 'by `udm coverage --update-baseline`', ...current }),
    );
    io.stdout.write(`udm coverage: wrote ${shown(file)}\n`);
    return 0;
  }
  let baseline: Coverage | undefined;
  try {
    baseline = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Coverage) : undefined;
  } catch (error) {
    io.stdout.write(`udm coverage: ${shown(file)}: ${(error as Error).message}\n`);
    return 1;
  }
  if (!baseline) {
    io.stdout.write(`udm coverage: no baseline ${shown(file)}; run with --update-baseline\n`);
    return 1;
  }
  const worse = regressions(current, baseline);
  for (const item of worse) io.stdout.write(`WORSE ${item}\n`);
  if (worse.length === 0 && regressions(baseline, current).length > 0) {
    io.stdout.write('udm coverage: better than the baseline; run with --update-baseline\n');
  }
  return worse.length ? 1 : 0;
}

function report(coverage: Coverage, io: Io): void {
  const sections: [string, string[]][] = [
    [
      'source paths in fixtures that the mapping neither reads nor ignores',
      coverage.unmappedSources,
    ],
    ['rows no fixture exercises', coverage.unexercisedRows],
    ['value-table entries no fixture hits', coverage.unexercisedTableEntries],
  ];
  for (const [title, items] of sections) {
    io.stdout.write(`${items.length} ${title}${items.length ? ':' : ''}\n`);
    for (const item of items) io.stdout.write(`  ${item}\n`);
  }
}
