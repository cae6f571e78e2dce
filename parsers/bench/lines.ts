/** Reading an NDJSON file in batches of lines, so a large file is never held whole. */

import { createReadStream } from 'node:fs';

export async function* lineBatches(
  file: string,
  size = 10_000,
  limit = Infinity,
): AsyncGenerator<string[]> {
  let rest = '';
  let batch: string[] = [];
  let taken = 0;
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      if (line === '' || taken >= limit) continue;
      batch.push(line);
      taken++;
      if (batch.length === size) yield batch.splice(0);
    }
    if (taken >= limit) break;
  }
  if (rest !== '' && taken < limit) batch.push(rest);
  if (batch.length) yield batch;
}
