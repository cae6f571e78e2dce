/** A small seeded PRNG (mulberry32), so a corpus is the same bytes for the same seed. */

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += (this.int(0x10000) + 0x10000).toString(16).slice(1);
    return out.slice(0, length);
  }

  /** A version 4 UUID's shape. */
  uuid(): string {
    const h = this.hex(32);
    const [a, b, c, d] = [h.slice(0, 8), h.slice(8, 12), h.slice(13, 16), h.slice(17, 20)];
    return `${a}-${b}-4${c}-a${d}-${h.slice(20)}`;
  }

  /** Uppercase letters and digits, as in access key ids. */
  alnum(length: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let out = '';
    for (let i = 0; i < length; i++) out += chars[this.int(chars.length)];
    return out;
  }
}
