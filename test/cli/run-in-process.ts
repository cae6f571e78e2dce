import { PassThrough, Readable } from 'node:stream';
import { main } from '../../parsers/cli/main';

/** Runs the CLI in this process with captured streams (much faster than spawning node). */
export async function udmInProcess(args: string[], stdin = '') {
  let [stdout, stderr] = ['', ''];
  const out = new PassThrough().on('data', (chunk) => (stdout += chunk));
  const err = new PassThrough().on('data', (chunk) => (stderr += chunk));
  const code = await main(args, { stdout: out, stderr: err, stdin: Readable.from([stdin]) });
  return { code, stdout, stderr };
}
