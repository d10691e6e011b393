/**
 * Which msgpackr mode should carry the pool's batches? Measures, per execution, the cost of
 * encoding one input as the pool does (one value at a time, into a batch of 64) and of
 * decoding the whole batch, on two kinds of input: a structured order context (nested
 * objects and 16 line items, about 2 KB of JSON) and webhook-normalize's webhooks (headers
 * and a raw JSON body as one long string, about 2–5 KB):
 *
 * - plain:      msgpack maps, no records
 * - records:    sequential records, fresh per batch (the pool's format), written with
 *               msgpackr's progressiveRecords (one pass over each object's keys) and,
 *               for comparison, without it
 * - structures: shared structures, a fixed key list agreed in advance (an upper bound: the
 *               pool would have to learn and distribute the list)
 * each decoded by msgpackr's default build ('eval') and by msgpackr/index-no-eval, beside
 * JSON and structuredClone for reference.
 *
 *   node --import tsx/esm bench/standalone/pool-codec.ts
 */
import { createRequire } from 'node:module';
import * as msgpackr from 'msgpackr';
import { BatchWriter, readBatch } from '../../src/pool/codec.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';
import { fixed, orderContext, printMachine } from './pool-support.js';
import { median } from '../median.js';

const noEval = createRequire(import.meta.url)('msgpackr/index-no-eval') as typeof msgpackr;
const BATCH = 64;
const ROUNDS = 7;

const datasets: Record<string, unknown[]> = {
  'order context': Array.from({ length: 1024 }, (_, i) => orderContext(i)),
  webhook: Array.from({ length: 1024 }, (_, i) => webhookNormalize.generateInput(1, i, webhookNormalize.sizes.standard)),
};
let inputs: unknown[] = [];

interface Codec {
  readonly name: string;
  /** Encodes BATCH inputs starting at `at` into one buffer. */
  encode(at: number): Uint8Array;
  decode(bytes: Uint8Array): unknown[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function plain(lib: typeof msgpackr, label: string): Codec {
  const packr = new msgpackr.Packr({ useRecords: false });
  const unpackr = new lib.Unpackr({ useRecords: false });
  return {
    name: `plain maps, ${label}`,
    encode: (at) => concat(inputs.slice(at, at + BATCH).map((input) => packr.pack(input))),
    decode: (bytes) => unpackr.unpackMultiple(bytes) as unknown[],
  };
}

function records(decoder: 'eval' | 'no-eval'): Codec {
  return {
    name: `records, fresh per batch (pool), ${decoder}`,
    encode(at) {
      const writer = new BatchWriter();
      for (let i = at; i < at + BATCH; i++) writer.add(inputs[i]);
      return writer.finish();
    },
    decode: (bytes) => readBatch(bytes, decoder),
  };
}

/** The pool's format written without progressiveRecords (two passes over each object's keys). */
function twoPassRecords(): Codec {
  return {
    name: 'records, fresh per batch, two-pass writer, no-eval',
    encode(at) {
      const packr = new msgpackr.Packr({ sequential: true, useRecords: true } as msgpackr.Options);
      return concat(inputs.slice(at, at + BATCH).map((input) => packr.pack(input)));
    },
    decode: (bytes) => readBatch(bytes, 'no-eval'),
  };
}

function structures(lib: typeof msgpackr, label: string): Codec {
  const learned: string[][] = [];
  const learner = new msgpackr.Packr({ structures: learned, maxSharedStructures: 512 } as msgpackr.Options);
  for (const input of inputs.slice(0, 64)) learner.pack(input);
  const keys = learned.map((k) => [...k]);
  const packr = new msgpackr.Packr({ structures: keys.map((k) => [...k]), maxSharedStructures: keys.length } as msgpackr.Options);
  const unpackr = new lib.Unpackr({ structures: keys.map((k) => [...k]), maxSharedStructures: keys.length } as msgpackr.Options);
  return {
    name: `shared structures (${keys.length} fixed), ${label}`,
    encode: (at) => concat(inputs.slice(at, at + BATCH).map((input) => packr.pack(input))),
    decode: (bytes) => unpackr.unpackMultiple(bytes) as unknown[],
  };
}

const json: Codec = {
  name: 'JSON (reference)',
  encode: (at) =>
    new TextEncoder().encode(
      inputs
        .slice(at, at + BATCH)
        .map((input) => JSON.stringify(input))
        .join('\n'),
    ),
  decode: (bytes) =>
    new TextDecoder()
      .decode(bytes)
      .split('\n')
      .map((line) => JSON.parse(line) as unknown),
};

/** structuredClone is what piscina does with a plain object; its encode and decode are one step. */
const clone = {
  name: 'structuredClone (reference)',
  copy: (at: number) => structuredClone(inputs.slice(at, at + BATCH)),
};

function codecs(): Codec[] {
  return [
    plain(msgpackr, 'eval'),
    plain(noEval, 'no-eval'),
    records('eval'),
    records('no-eval'),
    twoPassRecords(),
    structures(msgpackr, 'eval'),
    structures(noEval, 'no-eval'),
    json,
  ];
}

function timePerExecution(fn: (at: number) => unknown, batches: number): number {
  const began = performance.now();
  for (let b = 0; b < batches; b++) fn((b * BATCH) % inputs.length);
  return ((performance.now() - began) * 1000) / (batches * BATCH);
}

function verify(codec: Codec): void {
  const decoded = codec.decode(codec.encode(0));
  if (JSON.stringify(decoded) !== JSON.stringify(inputs.slice(0, BATCH))) throw new Error(`${codec.name} does not round-trip`);
}

printMachine();
console.log(
  `msgpackr native extension: ${msgpackr.isNativeAccelerationEnabled ? 'loaded' : 'missing'}; ${BATCH} inputs per batch; medians of ${ROUNDS} rounds, codecs interleaved.`,
);
console.log('Encoding always uses the default build (packing builds no code); eval/no-eval is the decoder.');
for (const [dataset, values] of Object.entries(datasets)) {
  inputs = values;
  const all = codecs();
  const buffers = new Map<Codec, Uint8Array[]>();
  for (const codec of all) {
    verify(codec);
    buffers.set(
      codec,
      Array.from({ length: inputs.length / BATCH }, (_, b) => codec.encode(b * BATCH)),
    );
  }
  const encode = new Map<Codec | string, number[]>();
  const decode = new Map<Codec, number[]>();
  for (let r = 0; r <= ROUNDS; r++) {
    for (const codec of all) {
      const own = buffers.get(codec)!;
      const e = timePerExecution(codec.encode, 160);
      const d = timePerExecution((at) => codec.decode(own[at / BATCH]!), 160);
      if (r === 0) continue; // warm-up round
      encode.set(codec, [...(encode.get(codec) ?? []), e]);
      decode.set(codec, [...(decode.get(codec) ?? []), d]);
    }
    const c = timePerExecution(clone.copy, 80);
    if (r > 0) encode.set(clone.name, [...(encode.get(clone.name) ?? []), c]);
  }
  const jsonBytes = inputs.reduce((n: number, v) => n + JSON.stringify(v).length, 0) / inputs.length;
  console.log(`\n${dataset}: ${Math.round(jsonBytes)} bytes of JSON per input\n`);
  console.log('| mode | encode µs/exec | decode µs/exec | total µs/exec | bytes/exec |');
  console.log('|---|---:|---:|---:|---:|');
  for (const codec of all) {
    const e = median(encode.get(codec)!);
    const d = median(decode.get(codec)!);
    const bytes = buffers.get(codec)!.reduce((n, b) => n + b.length, 0) / inputs.length;
    console.log(`| ${codec.name} | ${fixed(e, 2)} | ${fixed(d, 2)} | ${fixed(e + d, 2)} | ${Math.round(bytes)} |`);
  }
  console.log(`| ${clone.name} | | | ${fixed(median(encode.get(clone.name)!), 2)} | |`);
}
