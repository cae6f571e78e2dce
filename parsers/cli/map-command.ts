/** `udm map`: raw KMS CloudTrail input in any supported shape → UDM events as NDJSON. */

import { readInputs } from '../input/read';
import { interpret } from '../mapping/interpret';
import type { Mapper } from '../mapping/types';
import { count, describeRejection, emptyCounts, mapItem, summarize } from '../run/map-run';
import { loadMapper } from './mapper';
import { LineWriter, type Io } from './io';

export interface MapOptions {
  out?: string;
  rejects?: string;
  mapping: string;
  interpret?: boolean;
  quiet?: boolean;
}

export async function runMap(paths: string[], options: MapOptions, io: Io): Promise<number> {
  const compiled = loadMapper(options.mapping, io);
  if (!compiled) return 2;
  const mapper: Mapper = options.interpret ? interpret(compiled.plan) : compiled.mapper;

  const events = options.out ? LineWriter.toFile(options.out) : LineWriter.toStream(io.stdout);
  const rejects = options.rejects ? LineWriter.toFile(options.rejects) : null;
  const counts = emptyCounts();
  const inputs = paths.length ? paths : ['-'];

  for await (const item of readInputs(inputs, { stdin: io.stdin })) {
    const outcome = mapItem(item, mapper);
    count(counts, outcome);
    if (outcome.kind === 'event') await events.write(JSON.stringify(outcome.event));
    if (outcome.kind !== 'reject') continue;
    if (!options.quiet) io.stderr.write(describeRejection(outcome.origin, outcome.reason) + '\n');
    await rejects?.write(
      JSON.stringify({ ...outcome.origin, reason: outcome.reason, raw: outcome.raw }),
    );
  }
  await events.close();
  await rejects?.close();

  const where = options.out ? `; events in ${options.out}` : '';
  const rejected = options.rejects && counts.rejected ? `; rejects in ${options.rejects}` : '';
  io.stderr.write(`udm map: ${summarize(counts)}${where}${rejected}\n`);
  return counts.rejected > 0 ? 1 : 0;
}
