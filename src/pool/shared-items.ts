/**
 * The items of one Map fan-out in shared memory. The thread that asks for the fan-out packs
 * them once into a SharedArrayBuffer, cut into small blocks of consecutive items; every
 * task of the fan-out gets the same buffer and claims blocks one at a time with an atomic
 * counter until none are left. Threads that finish early simply claim more, so all of them
 * stay busy until the last block, with no message per block: on a VM where waking a thread
 * costs a millisecond or more, a round trip per chunk and a last chunk finishing alone
 * each cost more than the blocks do (bench/standalone/pool-fanout.ts).
 *
 * Beside the counter, the buffer holds the failed-iteration count and a stop flag all tasks
 * see at once, which task claimed each block (so the main thread knows which items a task
 * lost with its thread had taken), and what the iterations see of their execution (the
 * IterationContext, which holds the execution's whole input): packed once here, it is not
 * copied into every task's message.
 *
 * Layout: an Int32 header (HEADER_FIELDS), then per block the number of the task that
 * claimed it (0: none yet), then BLOCKS + 2 byte offsets of the segments in the data, then
 * the data: one segment per block, a batch of its item inputs (codec.ts) readable on its
 * own, and a last segment holding the context.
 */
import { BatchWriter, readBatch, type DecoderEntry } from './codec.js';
import type { IterationContext } from './protocol.js';

const NEXT_BLOCK = 0;
const FAILED = 1;
const STOP = 2;
const BLOCKS = 3;
const BLOCK_SIZE = 4;
const COUNT = 5;
const HEADER_FIELDS = 6;

export class SharedItems {
  readonly buffer: SharedArrayBuffer;
  readonly blocks: number;
  readonly blockSize: number;
  readonly count: number;
  private readonly header: Int32Array;
  private readonly claims: Int32Array;
  private readonly offsets: Int32Array;
  private readonly data: Uint8Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, HEADER_FIELDS);
    this.blocks = this.header[BLOCKS]!;
    this.blockSize = this.header[BLOCK_SIZE]!;
    this.count = this.header[COUNT]!;
    const claimsAt = HEADER_FIELDS * Int32Array.BYTES_PER_ELEMENT;
    this.claims = new Int32Array(buffer, claimsAt, this.blocks);
    const offsetsAt = claimsAt + this.blocks * Int32Array.BYTES_PER_ELEMENT;
    this.offsets = new Int32Array(buffer, offsetsAt, this.blocks + 2);
    this.data = new Uint8Array(buffer, offsetsAt + (this.blocks + 2) * Int32Array.BYTES_PER_ELEMENT);
  }

  /**
   * Packs `inputs` in blocks of `blockSize`, and `context`; throws when an input or the
   * context cannot be encoded. Each segment starts a fresh set of record shapes, so it
   * decodes without the others.
   */
  static pack(inputs: readonly unknown[], blockSize: number, context: IterationContext): SharedItems {
    const count = inputs.length;
    const blocks = Math.ceil(count / blockSize);
    const writer = new BatchWriter();
    const offsets = new Int32Array(blocks + 2);
    for (let block = 0; block < blocks; block++) {
      if (block > 0) writer.startSegment();
      offsets[block] = writer.byteLength;
      const end = Math.min(count, (block + 1) * blockSize);
      for (let i = block * blockSize; i < end; i++) writer.add(inputs[i]);
    }
    writer.startSegment();
    offsets[blocks] = writer.byteLength;
    writer.add(context);
    offsets[blocks + 1] = writer.byteLength;
    const bytes = writer.finish();
    const dataAt = (HEADER_FIELDS + blocks + blocks + 2) * Int32Array.BYTES_PER_ELEMENT;
    const buffer = new SharedArrayBuffer(dataAt + bytes.length);
    const header = new Int32Array(buffer, 0, HEADER_FIELDS);
    header[BLOCKS] = blocks;
    header[BLOCK_SIZE] = blockSize;
    header[COUNT] = count;
    new Int32Array(buffer, (HEADER_FIELDS + blocks) * Int32Array.BYTES_PER_ELEMENT, blocks + 2).set(offsets);
    new Uint8Array(buffer, dataAt).set(bytes);
    return new SharedItems(buffer);
  }

  /** Claims the next block for task number `task` (1 or more); -1 when every block is taken or the fan-out stopped. */
  claim(task: number): number {
    if (this.stopped) return -1;
    const block = Atomics.add(this.header, NEXT_BLOCK, 1);
    if (block >= this.blocks) return -1;
    Atomics.store(this.claims, block, task);
    return block;
  }

  /** The inputs of `block`, in order. */
  read(block: number, decoder: DecoderEntry): unknown[] {
    return this.segment(block, decoder);
  }

  /** What the iterations see of their execution. */
  context(decoder: DecoderEntry): IterationContext {
    return this.segment(this.blocks, decoder)[0] as IterationContext;
  }

  private segment(segment: number, decoder: DecoderEntry): unknown[] {
    // A copy: msgpackr reads from an ordinary buffer, not from shared memory.
    return readBatch(this.data.slice(this.offsets[segment]!, this.offsets[segment + 1]!), decoder);
  }

  /** Index of the first item of `block`. */
  firstOf(block: number): number {
    return block * this.blockSize;
  }

  /** Items in `block`. */
  sizeOf(block: number): number {
    return Math.min(this.count, (block + 1) * this.blockSize) - block * this.blockSize;
  }

  /** Claims every block no task has claimed yet, for the main thread to fail them; returns them. */
  claimRest(): number[] {
    const from = Atomics.exchange(this.header, NEXT_BLOCK, this.blocks);
    const rest: number[] = [];
    for (let block = from; block < this.blocks; block++) rest.push(block);
    return rest;
  }

  /** Blocks claimed so far (by tasks running, done or lost). */
  get claimed(): number {
    return Math.min(this.blocks, Atomics.load(this.header, NEXT_BLOCK));
  }

  /** The blocks task number `task` claimed, in order. */
  claimedBy(task: number): number[] {
    const blocks: number[] = [];
    for (let block = 0; block < this.claimed; block++) if (Atomics.load(this.claims, block) === task) blocks.push(block);
    return blocks;
  }

  /** Counts `n` more failed iterations; returns the fan-out's total. */
  addFailures(n: number): number {
    return Atomics.add(this.header, FAILED, n) + n;
  }

  /** No task starts another iteration or claims another block. */
  stop(): void {
    Atomics.store(this.header, STOP, 1);
  }

  get stopped(): boolean {
    return Atomics.load(this.header, STOP) === 1;
  }
}

/**
 * Items per block for `count` items on `threads` threads: about 64 blocks per thread, so
 * the last block any thread runs is short, while each block still amortises its few
 * microseconds of packing and decoding over several items.
 */
export function blockSizeFor(count: number, threads: number): number {
  return Math.max(1, Math.ceil(count / (threads * 64)));
}
