/** The `udm` command line: one program, one verb per job, `--help` on each. */

import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { runCompile } from './compile-command';
import { processIo, UsageError, type Io } from './io';
import { runMap } from './map-command';
import { DEFAULT_MAPPING, PACKAGE_ROOT, printDiagnostics, shown } from './mapper';
import { compileMappingFile } from '../mapping/compile';

function mappingFiles(given: string[]): string[] {
  if (given.length) return given;
  const dir = path.join(PACKAGE_ROOT, 'mappings');
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => shown(path.join(dir, name)));
}

function program(io: Io, setExit: (code: number) => void): Command {
  const udm = new Command('udm')
    .description('AWS KMS CloudTrail logs to Google SecOps UDM, as reviewable code')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  udm
    .command('map')
    .description(
      'map CloudTrail input (EventBridge envelopes, trail files, NDJSON, gzip) to UDM NDJSON',
    )
    .argument('[paths...]', 'files or directories to read (directories recursively); - is stdin')
    .option('-o, --out <file>', 'write UDM events to this file instead of stdout')
    .option('--rejects <file>', 'write each rejected record whole, with its reason, as NDJSON')
    .option('-m, --mapping <file>', 'mapping YAML to compile', shown(DEFAULT_MAPPING))
    .option('--interpret', 'use the slow reference interpreter instead of compiled code')
    .option('-q, --quiet', 'do not print a line per rejected record')
    .action(async (paths: string[], options) => setExit(await runMap(paths, options, io)));

  udm
    .command('compile')
    .description('write the generated mapper module for each mapping (parsers/generated/)')
    .argument('[mappings...]', 'mapping YAML files (default: every file in mappings/)')
    .option('--check', 'write nothing; fail when a committed module is stale')
    .action(async (files: string[], options: { check?: boolean }) =>
      setExit(await runCompile(mappingFiles(files), options.check === true, io)),
    );

  udm
    .command('validate')
    .description('check mapping files and report every problem with file:line:column')
    .argument('[mappings...]', 'mapping YAML files (default: every file in mappings/)')
    .action((files: string[]) => setExit(validateMappings(mappingFiles(files), io)));

  return udm;
}

function validateMappings(files: string[], io: Io): number {
  let errors = 0;
  for (const file of files) {
    const result = compileMappingFile(file);
    printDiagnostics(result.diagnostics, io);
    if (!result.compiled) errors++;
    else io.stderr.write(`udm validate: ${file}: ${result.compiled.plan.rows.length} rows, ok\n`);
  }
  return errors ? 1 : 0;
}

/** Runs the CLI and resolves to its exit code: 0 ok, 1 problems found, 2 usage error. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  try {
    await program(io, (c) => (code = c)).parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      io.stderr.write(`udm: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
