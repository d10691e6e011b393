/** Ends a thread of control for a reason no Retry or Catch may handle. */
export class Interruption {}

/** Thrown into a thread of control whose sibling failed (Parallel/Map abandon the rest). */
export class Abandoned extends Interruption {}
export const abandoned = new Abandoned();

/** Thrown when the execution passes its deadline or is aborted. */
export class ExecutionTimeout extends Interruption {}
export const executionEnded = new ExecutionTimeout();
