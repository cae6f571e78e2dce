/** The `udm` command line: one program, one verb per job, `--help` on each. */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { ruleFiles } from '../rules/files';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { printable, processIo, UsageError, type Io } from './io';
import { DEFAULT_REORDER_BUFFER } from '../detect/stream';
import { fixturesDirFor } from '../fixtures/dir';
import { DEFAULT_MAPPING, DEFAULT_RULES, PACKAGE_ROOT, shown } from './mapper';

function packageVersion(): string {
  const json = readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8');
  return (JSON.parse(json) as { version: string }).version;
}

/** Given files, with rule directories opened; by default every mapping and every bundled rule. */
function filesToValidate(given: string[]): string[] {
  if (given.length === 0) {
    return [...mappingFiles([]), ...ruleFiles([DEFAULT_RULES]).map((f) => shown(f))];
  }
  const missing = given.find((file) => !existsSync(file));
  if (missing) throw new UsageError(`no such file or directory: ${missing}`);
  return given.flatMap((file) => (statSync(file).isDirectory() ? ruleFiles([file]) : [file]));
}

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
    .version(packageVersion(), '-V, --version')
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
    .option('-m, --mapping <file>', 'mapping YAML (default: the bundled mappings/aws_kms.yaml)')
    .option('--interpret', 'use the slow reference interpreter instead of compiled code')
    .option('-q, --quiet', 'do not print a line per rejected record')
    .option('--max-record-mb <n>', 'reject records larger than this many MiB (default 64)')
    .option(
      '-j, --jobs <n>',
      'threads mapping files at once, output still in input order (default 2, or 1 on one ' +
        'core; each extra thread is faster on many files and costs about 30 MB)',
    )
    .action(async (paths: string[], options) =>
      setExit(
        await (
          await import('./map-command')
        ).runMap(paths, { ...options, mapping: options.mapping ?? DEFAULT_MAPPING }, io),
      ),
    );

  udm
    .command('detect')
    .description('run the YARA-L rules over raw CloudTrail input or UDM NDJSON; NDJSON detections')
    .argument('[paths...]', 'files or directories to read (directories recursively); - is stdin')
    .option(
      '-r, --rules <path...>',
      'rule files or directories (default: the bundled rules/aws_kms)',
    )
    .option('-l, --lists <dir>', 'reference lists, one file per list (default: rules/lists)')
    .option('-o, --out <file>', 'write detections to this file instead of stdout')
    .option('-m, --mapping <file>', 'mapping YAML (default: the bundled mappings/aws_kms.yaml)')
    .option('--now <time>', 'the time timestamp.current_seconds() returns (RFC 3339)')
    .option(
      '--reorder-buffer <events>',
      `events held to put the input in time order (default ${DEFAULT_REORDER_BUFFER})`,
    )
    .option('-q, --quiet', 'do not print a line per rejected record or late event')
    .action(async (paths: string[], options) =>
      setExit(
        await (
          await import('./detect-command')
        ).runDetect(paths, { ...options, mapping: options.mapping ?? DEFAULT_MAPPING }, io),
      ),
    );

  udm
    .command('bench')
    .description('benchmark the mapper, udm map, jq and udm detect on a generated corpus')
    .option('-n, --records <n>', 'records to generate (default 1000000)')
    .option('--out-dir <dir>', 'where to write benchmarks.md and benchmarks.json (default: docs/)')
    .option('--keep', 'keep the generated corpus (its directory is printed)')
    .action(async (options: { records?: string; outDir?: string; keep?: boolean }) =>
      setExit(await (await import('./bench-command')).runBench(options, io)),
    );

  udm
    .command('compile')
    .description('write the generated mapper module for each mapping (parsers/generated/)')
    .argument('[mappings...]', 'mapping YAML files (default: every file in mappings/)')
    .option('--check', 'write nothing; fail when a committed module is stale')
    .action(async (files: string[], options: { check?: boolean }) =>
      setExit(
        await (
          await import('./compile-command')
        ).runCompile(mappingFiles(files), options.check === true, io),
      ),
    );

  udm
    .command('validate')
    .description('check mapping and rule files; report every problem with file:line:column')
    .argument('[files...]', 'mapping YAML and .yaral rule files or rule directories (default: all)')
    .option('--lists <dir>', 'reference lists the rules use (default: the bundled rules/lists)')
    .action(async (files: string[], options: { lists?: string }) =>
      setExit(
        await (
          await import('./validate-command')
        ).runValidate(filesToValidate(files), io, options.lists),
      ),
    );

  udm
    .command('test')
    .description('run the fixture cases; show only failures, field by field, with their rows')
    .option('-f, --filter <text>', 'only cases whose name contains this text')
    .option('-u, --update', 'rewrite the goldens whose output changed, and show what changed')
    .option('-m, --mapping <file>', 'mapping YAML', shown(DEFAULT_MAPPING))
    .option('--fixtures <dir>', 'fixture cases (default: fixtures/<mapping name>/)')
    .action(async (options) =>
      setExit(await (await import('./test-command')).runTest(withFixtures(options), io)),
    );

  udm
    .command('explain')
    .description('show the row, source path and source value behind one output field')
    .argument('<case>', 'fixture case name (a folder of the fixtures directory)')
    .argument('<udm-path>', 'UDM field, e.g. principal.location.country_or_region')
    .option('-e, --event <n>', 'only this event of the case (0-based)')
    .option('-m, --mapping <file>', 'mapping YAML', shown(DEFAULT_MAPPING))
    .option('--fixtures <dir>', 'fixture cases (default: fixtures/<mapping name>/)')
    .action(async (caseName: string, udmPath: string, options) =>
      setExit(
        await (
          await import('./explain-command')
        ).runExplain(caseName, udmPath, withFixtures(options), io),
      ),
    );

  udm
    .command('coverage')
    .description('fixture coverage of the mapping, both ways, against the committed baseline')
    .option('-m, --mapping <file>', 'mapping YAML', shown(DEFAULT_MAPPING))
    .option('--update-baseline', 'write the current coverage as the new baseline')
    .action(async (options: { mapping: string; updateBaseline?: boolean }) =>
      setExit(
        await (
          await import('./coverage-command')
        ).runCoverage(options.mapping, options.updateBaseline === true, io),
      ),
    );

  udm
    .command('docs')
    .description('write the mapping docs (docs/<mapping>.md) from the YAML and the fixtures')
    .option('--check', 'write nothing; fail when a committed page is stale or missing')
    .action(async (options: { check?: boolean }) =>
      setExit(await (await import('./docs-command')).runDocs(options.check === true, io)),
    );

  const google = udm
    .command('google')
    .description("export fixtures to, or import them from, Google's parser test layout");
  google
    .command('export')
    .description('write each case as <LOG_TYPE>_log.json + <LOG_TYPE>_events.json')
    .argument('[cases...]', 'fixture case names (default: all)')
    .requiredOption('-o, --out <dir>', 'directory to write one folder per case into')
    .action(async (cases: string[], options: { out: string }) =>
      setExit(await (await import('./google-command')).runGoogleExport(cases, options.out, io)),
    );
  google
    .command('import')
    .description("make a fixture case from Google's raw logs (and expected events)")
    .argument('<log-json>', "Google's raw log file ({raw_logs: {entries: [{data}]}})")
    .argument('[events-json]', "Google's expected events ({events: [{event: {idm: …}}]})")
    .requiredOption('-c, --case <dir>', 'the case directory to create')
    .action(async (log: string, events: string | undefined, options: { case: string }) =>
      setExit(
        await (await import('./google-command')).runGoogleImport(log, events, options.case, io),
      ),
    );

  return udm;
}

function withFixtures<T extends { mapping: string; fixtures?: string }>(options: T) {
  return {
    ...options,
    fixtures: options.fixtures ?? fixturesDirFor(options.mapping, PACKAGE_ROOT),
  };
}

/** Runs the CLI and resolves to its exit code: 0 ok, 1 problems found, 2 usage error. */
export async function main(argv: string[], given: Io = processIo()): Promise<number> {
  const io = { ...given, stderr: printable(given.stderr) };
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
    // A bug, not a problem with the user's input: one line, and the stack on request.
    const detail = process.env.UDM_DEBUG
      ? `\n${(err as Error)?.stack}`
      : ' (UDM_DEBUG=1 shows the stack)';
    io.stderr.write(`udm: internal error: ${(err as Error)?.message ?? String(err)}${detail}\n`);
    return 2;
  }
}
