import { describe, expect, it } from 'vitest';
import { readAhead } from '../../parsers/input/walk';

/** A source that logs each request for a chunk and can fail on the last one. */
function source(chunks: string[], log: string[], failLast = false): AsyncIterable<string> {
  let i = 0;
  return {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        log.push(`asked ${i}`);
        if (failLast && i === chunks.length - 1) throw new Error('disk gone');
        return i < chunks.length ? { done: false, value: chunks[i++] } : { done: true, value: '' };
      },
      return: async () => {
        log.push('closed');
        return { done: true, value: '' };
      },
    }),
  };
}

describe('readAhead', () => {
  it('hands on every chunk in order, having asked for the next before each is used', async () => {
    const log: string[] = [];
    for await (const chunk of readAhead(source(['a', 'b', 'c'], log))) log.push(`used ${chunk}`);
    expect(log).toEqual([
      'asked 0',
      'asked 1',
      'used a',
      'asked 2',
      'used b',
      'asked 3',
      'used c',
      'closed',
    ]);
  });

  it('passes a failed read on where it would have come, after the chunks before it', async () => {
    const used: string[] = [];
    const reading = (async () => {
      for await (const chunk of readAhead(source(['a', 'b', 'c'], [], true))) used.push(chunk);
    })();
    await expect(reading).rejects.toThrow('disk gone');
    expect(used).toEqual(['a', 'b']);
  });

  it('lets a read under way fail unheard when the reader stops, and closes it', async () => {
    const log: string[] = [];
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      for await (const chunk of readAhead(source(['a', 'b'], log, true))) {
        if (chunk === 'a') break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(unhandled).toEqual([]);
    expect(log).toEqual(['asked 0', 'asked 1', 'closed']);
  });
});
