/**
 * Compiling a mapping: load the YAML, resolve it against the UDM schema, generate the module,
 * and instantiate it. Callers get diagnostics back, never a print.
 */

import * as path from 'node:path';
import { DiagnosticsError, hasErrors, type Diagnostic } from '../diagnostics';
import { checkPlan } from './checks';
import { generateMapperModule } from './codegen';
import { loadMappingFile } from './load';
import type { Mapping } from './model';
import { planMapping, type Plan } from './resolve';
import { instantiate } from './instantiate';
import type { Mapper } from './types';

export { instantiate };

export interface CompiledMapping {
  mapping: Mapping;
  plan: Plan;
  /** The generated module's source text. */
  source: string;
  mapper: Mapper;
}

export interface CompileResult {
  compiled?: CompiledMapping;
  diagnostics: Diagnostic[];
}

export interface Analysis {
  /** The plan of every row that resolved, even when others did not. */
  plan?: Plan;
  diagnostics: Diagnostic[];
}

/** Loads, resolves and checks a mapping as far as it can, collecting every diagnostic. */
export function analyzeMappingFile(file: string, shownAs = file): Analysis {
  const loaded = loadMappingFile(file, shownAs);
  if (!loaded.mapping) return { diagnostics: loaded.diagnostics };
  const { plan, diagnostics } = planMapping(loaded.mapping);
  return { plan, diagnostics: [...loaded.diagnostics, ...diagnostics, ...checkPlan(plan)] };
}

/** `file` is read relative to the working directory and named as given in diagnostics. */
export function compileMappingFile(file: string, shownAs = file): CompileResult {
  const { plan, diagnostics } = analyzeMappingFile(file, shownAs);
  if (!plan || hasErrors(diagnostics)) return { diagnostics };

  const source = generateMapperModule(plan);
  // Named apart from the committed (Prettier-formatted) file, whose lines differ from these.
  const mapper = instantiate(source, `${shownAs} (compiled in memory)`);
  return { compiled: { mapping: plan.mapping, plan, source, mapper }, diagnostics };
}

/** Like compileMappingFile, for callers that cannot go on without a mapper. */
export function compileMappingOrThrow(file: string): CompiledMapping {
  const result = compileMappingFile(file);
  if (!result.compiled) throw new DiagnosticsError(result.diagnostics);
  return result.compiled;
}

/** Where `udm compile` writes the module for a mapping file (committed, checked for staleness). */
export function generatedFileName(mappingFile: string): string {
  const base = path.basename(mappingFile).replace(/\.ya?ml$/, '');
  return path.join('parsers', 'generated', `${base}.mapper.js`);
}
