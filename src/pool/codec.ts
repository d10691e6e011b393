/**
 * The pool's wire format. A batch is a run of msgpack values written by one msgpackr
 * Packr in sequential record mode: the first value of each object shape carries the shape's
 * keys, later values of that shape refer to it, so a batch of similar inputs pays for its
 * keys once. Nothing is shared between batches, so any worker can read any batch and a
 * worker that dies takes no codec state with it (measured against msgpackr's other modes in
 * bench/standalone/pool-codec.ts).
 *
 * Values are packed one by one as they are submitted, so an input that cannot be encoded is
 * refused by the `execute` call that brought it; `finish()` returns them as one buffer of
 * exactly their size, ready to be posted to a worker.
 */
import { createRequire } from 'node:module';
import * as msgpackr from 'msgpackr';

/**
 * Which msgpackr build decodes. 'eval' (msgpackr's default) compiles a reader function per
 * object shape with `new Function` (keys quoted with JSON.stringify) and reads strings with
 * its native addon; 'no-eval' (msgpackr/index-no-eval) builds no code from data and runs
 * in pure JavaScript. See the README for the measured difference.
 */
export type DecoderEntry = 'eval' | 'no-eval';

type Msgpackr = typeof msgpackr;

const noEval: Msgpackr = createRequire(import.meta.url)('msgpackr/index-no-eval') as Msgpackr;

function entry(decoder: DecoderEntry): Msgpackr {
  return decoder === 'eval' ? msgpackr : noEval;
}

function refuseFunction(): never {
  throw new TypeError('a function cannot be sent to a worker thread');
}

/** The Packrs this module made: only they refuse shared memory (see below). */
const poolPackers = new WeakSet<msgpackr.Packr>();

/**
 * A SharedArrayBuffer has no own properties, so msgpackr writes it as an empty object: the
 * other side would get `{}` where the caller meant memory to share. The pool's packers
 * refuse it instead. msgpackr's extensions are process-wide, so this one changes nothing for
 * other Packrs in the process (returning the value writes it as before) and writes no
 * extension type.
 */
msgpackr.addExtension({
  Class: SharedArrayBuffer,
  write(this: msgpackr.Packr, value: SharedArrayBuffer) {
    if (poolPackers.has(this)) {
      throw new TypeError(
        'a SharedArrayBuffer cannot be sent to a worker thread: the pool copies values, and shared memory would arrive unshared (send a copy, e.g. new Uint8Array(buffer).slice())',
      );
    }
    return value;
  },
} as unknown as Parameters<typeof msgpackr.addExtension>[0]);

/**
 * How every pool message is packed. progressiveRecords writes an object in one pass over
 * its keys, inserting the record definition the first time a shape appears: a quarter less
 * encoding time on the pool's inputs and outputs (measured with bench/standalone/pool-throughput.ts),
 * and the same bytes on the wire, so the decoder is unchanged.
 *
 * moreTypes: a typed array, DataView, ArrayBuffer, Set, Error or RegExp is written as
 * itself, so it is read back as the same type with the same contents. Without it msgpackr
 * writes any typed array as plain bytes, read back as a Uint8Array.
 */
function packer(): msgpackr.Packr {
  // Fresh options each time: msgpackr keeps its structures on the options object it is given.
  const packr = new msgpackr.Packr({
    sequential: true,
    useRecords: true,
    progressiveRecords: true,
    moreTypes: true,
    writeFunction: refuseFunction,
  } as msgpackr.Options);
  poolPackers.add(packr);
  return packr;
}

/**
 * How every pool message is read. copyBuffers: msgpackr otherwise returns bytes (a Buffer,
 * a Uint8Array) as a view into the message it reads, so a handler's typed array would sit over
 * the whole batch and its `.buffer` would hold other executions' inputs. Each gets memory of
 * its own.
 */
function unpacker(decoder: DecoderEntry): msgpackr.Unpackr {
  return new (entry(decoder).Unpackr)({ sequential: true, useRecords: true, moreTypes: true, copyBuffers: true } as msgpackr.Options);
}

/** A Buffer over the same memory: msgpackr reads bytes back as the type of what it reads, so a Buffer sent arrives as a Buffer. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Pack into msgpackr's own buffer from its start each time, and return that buffer (no view allocated). */
const PACK_IN_PLACE = msgpackr.REUSE_BUFFER_MODE | msgpackr.RESET_BUFFER_MODE;

/** What `pack` returns in PACK_IN_PLACE mode: its buffer, with the value's extent. */
type PackedInPlace = Buffer & { start: number; end: number };

/** A batch buffer handed from one finished writer to the next, so a thread's steady stream of batches reuses one. */
let spare: Uint8Array | null = null;

/**
 * Collects values into one batch buffer. Each value is copied out of msgpackr's buffer as
 * soon as it is packed, so nothing per value outlives the call. After `add` throws, add
 * nothing more: finish the batch.
 */
export class BatchWriter {
  private packr: msgpackr.Packr;
  private bytes: Uint8Array;
  private length: number;
  constructor() {
    this.packr = packer();
    this.bytes = spare ?? new Uint8Array(16_384);
    spare = null;
    this.length = 0;
  }

  /** Appends one value; throws when it cannot be encoded (see `encodeFailure`). */
  add(value: unknown): void {
    const packed = this.packr.pack(value, PACK_IN_PLACE) as PackedInPlace;
    const size = packed.end - packed.start;
    if (this.length + size > this.bytes.length) this.grow(this.length + size);
    packed.copy(this.bytes, this.length, packed.start, packed.end);
    this.length += size;
  }

  /**
   * Values added from now on carry their own record shapes, so the bytes from here on
   * (a segment) decode without the ones before.
   */
  startSegment(): void {
    this.packr = packer();
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.length;
  }

  /** The batch as one buffer that owns its memory (safe to transfer). Add nothing after. */
  finish(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    spare = this.bytes;
    return out;
  }

  private grow(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.length));
    this.bytes = bigger;
  }
}

/**
 * Collects values like a BatchWriter, but into `area` (shared memory the main thread can
 * read even after this thread dies), calling `wrote` with the bytes of whole values after
 * each one. Values that no longer fit continue in memory of this thread's own. Unlike a
 * BatchWriter's, a failed `add` leaves it usable: the next value starts a fresh set of
 * record shapes, which a reader of the whole run picks up as it meets them.
 */
export class AreaWriter {
  private packr: msgpackr.Packr;
  private bytes: Uint8Array;
  private length: number;
  private inArea: boolean;
  private readonly wrote: (bytes: number) => void;
  constructor(area: SharedArrayBuffer, wrote: (bytes: number) => void) {
    this.packr = packer();
    this.bytes = new Uint8Array(area);
    this.length = 0;
    this.inArea = true;
    this.wrote = wrote;
  }

  /** Appends one value; throws when it cannot be encoded (see `encodeFailure`), having written nothing. */
  add(value: unknown): void {
    let packed: PackedInPlace;
    try {
      packed = this.packr.pack(value, PACK_IN_PLACE) as PackedInPlace;
    } catch (thrown) {
      // The packer may hold shapes it never wrote: later values must not refer to them.
      this.packr = packer();
      throw thrown;
    }
    const size = packed.end - packed.start;
    if (this.length + size > this.bytes.length) this.makeRoom(this.length + size);
    packed.copy(this.bytes, this.length, packed.start, packed.end);
    this.length += size;
    if (this.inArea) this.wrote(this.length);
  }

  /** The byte length when every value is in the area; otherwise all of them, in memory of their own. Add nothing after. */
  finish(): number | Uint8Array {
    return this.inArea ? this.length : this.bytes.slice(0, this.length);
  }

  private makeRoom(needed: number): void {
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const own = new Uint8Array(size);
    own.set(this.bytes.subarray(0, this.length));
    this.bytes = own;
    this.inArea = false;
  }
}

/**
 * One value as a buffer that owns its memory, in the batch format (a shape repeated inside
 * the value carries its keys once). Throws when it cannot be encoded. The cluster's messages.
 */
export function packValue(value: unknown): Uint8Array {
  const packed = packer().pack(value, PACK_IN_PLACE) as PackedInPlace;
  const bytes = new Uint8Array(packed.end - packed.start);
  bytes.set(packed.subarray(packed.start, packed.end));
  return bytes;
}

/** The value `packValue` wrote. */
export function readValue(bytes: Uint8Array, decoder: DecoderEntry): unknown {
  return unpacker(decoder).unpack(asBuffer(bytes));
}

/** Every value of a batch, in order. */
export function readBatch(bytes: Uint8Array, decoder: DecoderEntry): unknown[] {
  if (bytes.length === 0) return [];
  return unpacker(decoder).unpackMultiple(asBuffer(bytes)) as unknown[];
}

/** Why a value could not be encoded, in words for an error message. */
export function encodeFailure(thrown: unknown): string {
  if (thrown instanceof RangeError && /call stack/i.test(thrown.message)) return 'it contains a cycle or is nested too deeply';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  if (/symbol/i.test(message)) return 'it contains a symbol';
  if (/function/i.test(message)) return 'it contains a function';
  return message;
}
