import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'udm-transpiled');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udm-register-'));
const module = path.join(dir, 'answer.ts');
const entry = path.join(
  CACHE,
  `${createHash('sha256').update(module).digest('hex').slice(0, 32)}.js`,
);

/** Loads the module through bin/register.js in a fresh process: its answer, and whether SWC was. */
function load(): { answer: number; swcLoaded: boolean } {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'bin', 'register.js'))});
    const answer = require(${JSON.stringify(module)}).answer;
    const main = require.resolve('@swc/core');
    const swcLoaded = main in require.cache;
    process.stdout.write(JSON.stringify({ answer, swcLoaded }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' }),
  );
}

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(entry, { force: true });
});

describe('bin/register.js', () => {
  it('transpiles once, then loads from the cache without SWC, until the source changes', () => {
    fs.writeFileSync(module, 'export const answer: number = 41;\n');
    expect(load()).toEqual({ answer: 41, swcLoaded: true });
    expect(load()).toEqual({ answer: 41, swcLoaded: false });

    fs.writeFileSync(module, 'export const answer: number = 42;\n');
    expect(load()).toEqual({ answer: 42, swcLoaded: true });
    expect(load()).toEqual({ answer: 42, swcLoaded: false });
  });

  it('runs from a damaged cache entry as from none, and mends it', () => {
    fs.writeFileSync(module, 'export const answer: number = 7;\n');
    load();
    fs.writeFileSync(entry, '// not a stamp\nexports.answer = 0;\n');
    expect(load()).toEqual({ answer: 7, swcLoaded: true });
    expect(load()).toEqual({ answer: 7, swcLoaded: false });
  });
});
