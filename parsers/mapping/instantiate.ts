/** Running a generated mapper module: its text in, its mapper out, with the shared runtime. */

import { compileFunction } from 'node:vm';
import { runtime } from './runtime';
import type { Mapper } from './types';

/** Runs a generated module's text and returns its mapper; `filename` names it in stacks. */
export function instantiate(source: string, filename: string): Mapper {
  const module = { exports: {} as unknown };
  compileFunction(source, ['module', 'exports'], { filename })(module, module.exports);
  return (module.exports as (rt: typeof runtime) => Mapper)(runtime);
}
