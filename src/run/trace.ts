import type { HistoryEvent } from './history.js';
import { OptionError } from './option-error.js';

/**
 * A trace for humans, made from an execution history (`result.history`, level ALL): one
 * line per state entered and left, with its input and output, the time since the execution
 * started, how long each state took and how often it retried, indented by Map iteration
 * and Parallel branch.
 */

export interface TraceOptions {
  /** Inputs and outputs longer than this are cut, ending in "…". Default 200. */
  maxValueLength?: number;
}

/** One state being run: opened by its Entered event, closed by its Exited one. */
interface OpenState {
  readonly name: string;
  readonly type: string;
  readonly enteredMs: number;
  attempts: number;
}

/** A thread of control (the execution, a branch, an iteration) and the state it is in. */
interface Thread {
  readonly depth: number;
  /** Which iteration or branch, e.g. "[2]" or "[branch 1]"; empty for the execution itself. */
  readonly label: string;
  readonly state: OpenState | null;
  readonly parent: Thread | null;
}

const rootThread: Thread = { depth: 0, label: '', state: null, parent: null };

function details(event: HistoryEvent): Record<string, unknown> {
  for (const key of Object.keys(event)) {
    if (key.endsWith('EventDetails')) return event[key] as Record<string, unknown>;
  }
  return {};
}

function clip(text: unknown, max: number): string {
  const s = typeof text === 'string' ? text : String(text);
  return s.length <= max ? s : s.slice(0, max) + '…';
}

function errorText(d: Record<string, unknown>): string {
  const error = typeof d.error === 'string' ? d.error : '(no error)';
  return typeof d.cause === 'string' ? `${error}: ${d.cause}` : error;
}

function retriesText(n: number): string {
  return n === 1 ? '1 retry' : `${n} retries`;
}

const executionEnds: Readonly<Record<string, string>> = {
  ExecutionFailed: 'execution failed',
  ExecutionTimedOut: 'execution timed out',
  ExecutionAborted: 'execution aborted',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatTrace(history: readonly HistoryEvent[], options: TraceOptions = {}): string {
  if (!Array.isArray(history)) {
    // result.history is undefined unless the machine records history: the usual way to get here.
    const why = history === undefined ? "undefined: compile the machine with { history: 'ALL' } to record it" : `${history === null ? 'null' : typeof history}`;
    throw new OptionError('formatTrace()', 'history', `must be the events of result.history, not ${why}`);
  }
  const max = options.maxValueLength ?? 200;
  const threads = new Map<number, Thread>();
  /** Events that start child threads (Map iterations, Parallel branches), and how many each started. */
  const starters = new Map<number, { readonly event: HistoryEvent; children: number }>();
  const startMs = history.length > 0 ? history[0]!.timestamp.getTime() : 0;
  const lines: string[] = [];

  function line(event: HistoryEvent, thread: Thread, extraDepth: number, text: string): void {
    const offset = `+${event.timestamp.getTime() - startMs}ms`.padStart(9);
    const label = thread.label === '' ? '' : thread.label + ' ';
    lines.push(`${offset}  ${'  '.repeat(thread.depth + extraDepth)}${label}${text}`);
  }

  /** The thread a state entered right after a starter event begins. */
  function childThread(parent: Thread, previousEventId: number): Thread | null {
    const starter = starters.get(previousEventId);
    if (starter === undefined) return null;
    starter.children++;
    const label = starter.event.type === 'MapIterationStarted' ? `[${String(details(starter.event).index)}]` : `[branch ${starter.children}]`;
    return { depth: parent.depth + 1, label, state: null, parent };
  }

  for (const event of history) {
    if (event.type === 'MapIterationStarted' || event.type === 'ParallelStateStarted') starters.set(event.id, { event, children: 0 });
    const d = details(event);
    const type = event.type;
    // EvaluationFailed links to the event before its state's StateEntered: its cause names that one.
    const evaluated = type === 'EvaluationFailed' ? /entered at the event id #(\d+)/.exec(String(d.cause)) : null;
    let thread = threads.get(evaluated === null ? event.previousEventId : Number(evaluated[1])) ?? rootThread;
    if (type === 'MapIterationSucceeded' || type === 'MapIterationFailed') {
      // These follow the iteration's last event but belong to the Map's thread, as do the
      // Map's next events that link to that last event too (the next MapIterationStarted, MapStateFailed).
      thread = thread.parent ?? thread;
      threads.set(event.previousEventId, thread);
    }
    if (type === 'ParallelStateExited' || type === 'ParallelStateSucceeded' || type === 'ParallelStateFailed' || type === 'ParallelStateStarted') {
      // These may follow a branch's last event (the end, a retry) but belong to the Parallel's thread.
      while (thread.state?.type !== 'Parallel' && thread.parent !== null) thread = thread.parent;
    }
    if (type.endsWith('StateEntered')) {
      thread = childThread(thread, event.previousEventId) ?? thread;
      const state: OpenState = { name: String(d.name), type: type.slice(0, -'StateEntered'.length), enteredMs: event.timestamp.getTime(), attempts: 0 };
      line(event, thread, 0, `-> ${state.name} (${state.type})  input ${clip(d.input, max)}`);
      thread = { depth: thread.depth, label: thread.label, state, parent: thread.parent };
    } else if (type.endsWith('StateExited')) {
      const state = thread.state;
      const took = state === null ? '' : `  ${event.timestamp.getTime() - state.enteredMs}ms`;
      const retries = state !== null && state.attempts > 1 ? `, ${retriesText(state.attempts - 1)}` : '';
      line(event, thread, 0, `<- ${String(d.name)}  output ${clip(d.output, max)}${took}${retries}`);
      thread = { depth: thread.depth, label: thread.label, state: null, parent: thread.parent };
    } else if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled' || type === 'ActivityScheduled') {
      if (thread.state !== null) {
        thread.state.attempts++;
        if (thread.state.attempts > 1) line(event, thread, 1, `retry ${thread.state.attempts - 1}`);
      }
    } else if (type === 'MapStateStarted') {
      line(event, thread, 1, `map over ${plural(Number(d.length), 'item')}`);
    } else if (type === 'ExecutionStarted') {
      line(event, rootThread, 0, `execution started  input ${clip(d.input, max)}`);
    } else if (type === 'ExecutionRedriven') {
      line(event, rootThread, 0, `execution redriven  redrive ${String(d.redriveCount)}`);
    } else if (type === 'ExecutionSucceeded') {
      line(event, rootThread, 0, `execution succeeded  output ${clip(d.output, max)}`);
    } else if (type === 'ExecutionFailed' || type === 'ExecutionTimedOut' || type === 'ExecutionAborted') {
      line(event, rootThread, 0, `${executionEnds[type]}  ${errorText(d)}`);
    } else if (type.endsWith('Failed') || type.endsWith('TimedOut')) {
      line(event, thread, 1, `${type}  ${errorText(d)}`);
    }
    threads.set(event.id, thread);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
