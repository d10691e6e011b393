import { randomUUID } from 'node:crypto';
import type { BatchWriter } from './codec.js';
import type { FillingBatch, Workflow } from './registry.js';
import type { Submission } from './submission.js';

/** Executions of one workflow travelling in one task. */
export class Batch implements FillingBatch {
  /** Batches are sent in the order they were started. */
  readonly sequence: number;
  readonly workflow: Workflow;
  readonly writer: BatchWriter;
  readonly entries: Submission[];
  /** Per entry, the name its caller chose or null; null while no caller chose one. */
  names: (string | null)[] | null;
  /** What the names of its unnamed executions are made from (protocol.ts, BatchNames). */
  readonly nameBase: string;
  /** Per entry, 1 when its output may come back as a patch; null while none may. */
  patchable: Uint8Array | null;
  /** Per entry, its PayloadFormats; null while every one travels as values. */
  formats: Uint8Array | null;
  bytes: Uint8Array | null;
  /** The first execution not yet settled: the batch runs from here (see RunTask.first). */
  first: number;
  /** Times it was lost with a thread before any more of it started. */
  retries: number;
  constructor(sequence: number, workflow: Workflow, writer: BatchWriter) {
    this.sequence = sequence;
    this.workflow = workflow;
    this.writer = writer;
    this.entries = [];
    this.names = null;
    this.nameBase = randomUUID();
    this.patchable = null;
    this.formats = null;
    this.bytes = null;
    this.first = 0;
    this.retries = 0;
  }

  /** Executions not yet settled. */
  get remaining(): number {
    return this.entries.length - this.first;
  }
}
