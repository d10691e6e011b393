import { randomUUID } from 'node:crypto';

/** Hex text of every byte value, for building ids a byte at a time. */
const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Ids from one seed before the next: the counter is XORed into the seed's last 32 bits. */
const IDS_PER_SEED = 0x1000000;

/**
 * Distinct UUIDs (v4 form) at the cost of a string concatenation each: a random seed whose
 * last 32 bits are XORed with a counter, re-seeded every 16 M ids. Execution names and the
 * UUID that ends an Express execution's ARN come from here; randomUUID() per execution
 * costs more than a whole short execution's transitions.
 */
export class UuidSequence {
  private prefix: string;
  private tail: number;
  private count: number;
  /** The id up to its last two hex digits, valid while the counter leaves `headBits` unchanged. */
  private head: string;
  private headBits: number;
  constructor() {
    this.prefix = '';
    this.tail = 0;
    this.count = IDS_PER_SEED;
    this.head = '';
    this.headBits = -1;
  }

  next(): string {
    if (this.count === IDS_PER_SEED) this.seed();
    const bits = (this.tail ^ this.count++) >>> 0;
    if (bits >>> 8 !== this.headBits) {
      this.headBits = bits >>> 8;
      this.head = this.prefix + this.headBits.toString(16).padStart(6, '0');
    }
    return this.head + HEX_BYTES[bits & 0xff]!;
  }

  private seed(): void {
    const seed = randomUUID();
    this.prefix = seed.slice(0, 28);
    this.tail = Number.parseInt(seed.slice(28), 16);
    this.count = 0;
    this.headBits = -1;
  }
}
