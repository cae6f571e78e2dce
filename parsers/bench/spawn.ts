/**
 * Timing a child process end to end, with its peak memory from GNU time's `-v` report
 * ("Maximum resident set size") when /usr/bin/time is there.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const GNU_TIME = '/usr/bin/time';

export interface SpawnResult {
  code: number;
  seconds: number;
  /** Peak RSS in MiB, when GNU time reported it. */
  peakRssMiB?: number;
  /** The child's standard error, without GNU time's report. */
  stderr: string;
}

export function parsePeakRss(report: string): number | undefined {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(report);
  return match ? Number(match[1]) / 1024 : undefined;
}

/** Runs `command args…` with stdout discarded; never rejects. */
export function timedSpawn(
  command: string,
  args: string[],
  cwd: string,
  timeBinary = GNU_TIME,
): Promise<SpawnResult> {
  const withTime = existsSync(timeBinary);
  const [file, argv] = withTime ? [timeBinary, ['-v', command, ...args]] : [command, args];
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const done = (code: number) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const cut = withTime ? stderr.lastIndexOf('\tCommand being timed:') : -1;
      const own = cut >= 0 ? stderr.slice(0, cut) : stderr;
      const peakRssMiB = cut >= 0 ? parsePeakRss(stderr.slice(cut)) : undefined;
      resolve({ code, seconds, peakRssMiB, stderr: own });
    };
    child.on('error', (error) => {
      stderr += String(error.message);
      done(127);
    });
    child.on('close', (code) => done(code ?? 1));
  });
}
