/**
 * `udm bench`: generates a large corpus from the real records in fixtures/corpus/records (in a
 * temporary directory, removed unless --keep), measures the floor, the compiled mapper, `udm
 * map`, the reference interpreter, jq and `udm detect` on it, prints records per second with
 * each ratio to the floor, and writes benchmarks.md and benchmarks.json (default: docs/).
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { renderMarkdown, renderText } from '../bench/report';
import { DEFAULT_RECORDS, runBenchmark } from '../bench/run';
import { UsageError, type Io } from './io';
import { PACKAGE_ROOT, shown } from './mapper';

export interface BenchCommandOptions {
  records?: string;
  outDir?: string;
  keep?: boolean;
  /** For tests: another jq binary (a missing one skips the jq row). */
  jq?: string;
}

function recordCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_RECORDS;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--records must be a positive whole number, not ${JSON.stringify(text)}`);
  }
  return n;
}

/** As `npm run format` would leave it, so the format check passes on a generated file. */
export async function formatted(text: string, parser: 'json' | 'markdown'): Promise<string> {
  const config = (await resolveConfig(path.join(PACKAGE_ROOT, 'package.json'))) ?? {};
  return format(text, { ...config, parser });
}

/** Exit 0 when the run completed (targets not met are reported, not failures). */
export async function runBench(options: BenchCommandOptions, io: Io): Promise<number> {
  const records = recordCount(options.records);
  const outDir = path.resolve(options.outDir ?? path.join(PACKAGE_ROOT, 'docs'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'udm-bench-'));
  const progress = (line: string) => io.stderr.write(`udm bench: ${line}\n`);
  try {
    progress(`corpus in ${dir}`);
    const figures = await runBenchmark({
      records,
      dir,
      root: PACKAGE_ROOT,
      jq: options.jq,
      progress,
    });
    mkdirSync(outDir, { recursive: true });
    const json = path.join(outDir, 'benchmarks.json');
    const md = path.join(outDir, 'benchmarks.md');
    writeFileSync(json, await formatted(JSON.stringify(figures, null, 2), 'json'));
    writeFileSync(md, await formatted(renderMarkdown(figures), 'markdown'));
    io.stdout.write(renderText(figures));
    progress(`wrote ${shown(md)} and ${shown(json)} in ${figures.totalSeconds.toFixed(0)} s`);
  } finally {
    if (options.keep) progress(`kept the corpus in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
