/**
 * Seeded pseudo-random numbers for input generators: the same (seed, index) always gives
 * the same input, in any thread, without shared state.
 */

/** A 32-bit mix of the two numbers (splitmix-style avalanche). */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index | 0, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: small, fast, good enough for test data. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
  hex(length: number): string {
    let text = '';
    while (text.length < length)
      text += Math.floor(this.next() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return text.slice(0, length);
  }
  /** Letters and digits, as in Stripe-style identifiers. */
  token(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(this.next() * alphabet.length)];
    return text;
  }
  /** How many consecutive attempts fail when each fails with `probability`, at most `cap`. */
  failures(probability: number, cap: number): number {
    let n = 0;
    while (n < cap && this.chance(probability)) n++;
    return n;
  }
}

export function randomFor(seed: number, index: number): SeededRandom {
  return new SeededRandom(mixSeed(seed, index));
}

/** A fixed instant plus `index` seconds: generated timestamps are reproducible. */
export function generatedTime(index: number, offsetSeconds = 0): string {
  return new Date(Date.UTC(2026, 0, 15, 9, 0, 0) + (index + offsetSeconds) * 1000).toISOString();
}

export function numberOption(options: Readonly<Record<string, unknown>> | undefined, key: string, fallback: number): number {
  const value = options?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** FNV-1a of a string: a stable 32-bit seed derived from an identifier. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
