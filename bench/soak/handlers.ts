/**
 * Handlers of the soak run (bench/soak/run.ts), loaded by each pool thread. Every input
 * names the fault its execution injects, so the main thread knows each outcome in advance.
 */
import { threadId } from 'node:worker_threads';

/** What an execution does: succeed, or fail in one of the ways the pool must survive. */
export const FaultKinds = ['none', 'throw', 'reject', 'taskTimeout', 'executionTimeout', 'exit', 'crash', 'hang'] as const;

export type FaultKind = (typeof FaultKinds)[number];

export interface SoakInput {
  readonly index: number;
  readonly fault: FaultKind;
  /** Filler of varying length, so batches are not all alike on the wire. */
  readonly note: string;
}

/** The error a `throw` or `reject` execution fails with, its cause naming the execution. */
export const ThrownError = 'Soak.Thrown';
export const RejectedError = 'Soak.Rejected';

export function faultMessage(kind: 'throw' | 'reject' | 'crash', index: number): string {
  return `soak ${kind} by execution ${index}`;
}

/** `process.exit` code of an `exit` execution: its index + 1, so a thread's exit code names the execution that ended it. */
export function exitCode(index: number): number {
  return index + 1;
}

/**
 * A Task with TimeoutSeconds `taskTimeoutSeconds`, a Pass, and a Choice that sends
 * `executionTimeout` to a Task outlasting the execution's TimeoutSeconds (twice the task's).
 */
export function soakDefinitionWith(taskTimeoutSeconds: number) {
  return {
    Comment: 'statemill soak run: the input names the fault to inject',
    TimeoutSeconds: 2 * taskTimeoutSeconds,
    StartAt: 'Route',
    States: {
      Route: { Type: 'Choice', Choices: [{ Variable: '$.fault', StringEquals: 'executionTimeout', Next: 'Linger' }], Default: 'Work' },
      Work: { Type: 'Task', Resource: 'work', TimeoutSeconds: taskTimeoutSeconds, ResultPath: '$.result', Next: 'Answer' },
      Answer: { Type: 'Pass', Parameters: { 'index.$': '$.index', 'double.$': '$.result.double', 'thread.$': '$.result.thread' }, End: true },
      Linger: { Type: 'Task', Resource: 'linger', End: true },
    },
  };
}

/** The soak's workflow: a task limit of 1 s, an execution limit of 2 s. */
export const soakDefinition = soakDefinitionWith(1);

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** Resolves when `signal` aborts: a handler that runs until the engine tells it to stop. */
function untilAborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
}

function work(input: SoakInput, ctx: { signal: AbortSignal }): unknown {
  switch (input.fault) {
    case 'throw':
      throw namedError(ThrownError, faultMessage('throw', input.index));
    case 'reject':
      return new Promise((_, reject) => setImmediate(() => reject(namedError(RejectedError, faultMessage('reject', input.index)))));
    case 'taskTimeout':
      return untilAborted(ctx.signal);
    case 'exit':
      return process.exit(exitCode(input.index));
    case 'crash':
      setImmediate(function crashThread() {
        throw new Error(faultMessage('crash', input.index));
      });
      return new Promise(() => {});
    case 'hang':
      for (;;);
    default:
      return { double: input.index * 2, thread: threadId };
  }
}

export const handlers = {
  work,
  /** Outlasts the execution's TimeoutSeconds, then stops when the execution's signal aborts. */
  linger: (_input: SoakInput, ctx: { signal: AbortSignal }) => untilAborted(ctx.signal),
};
