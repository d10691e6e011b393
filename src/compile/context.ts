import type { Limits } from '../run/limits.js';
import type { StateNode } from '../run/state.js';
import type { Problem } from '../asl/problems.js';
import type { HandlerIndex } from './handlers.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** What every state compiler may read: machine-wide options, and where the state sits. */
export interface MachineEnv {
  readonly handlers: HandlerIndex;
  readonly limits: Limits;
  /** Definition problems found while compiling (handler look-ups); compile() throws them together. */
  readonly problems: Problem[];
  /** Runs Map iterations elsewhere (the pool) when a Map opts in; null runs them in-process. */
  readonly mapExecutor: MapExecutor | null;
}

export interface StateEnv {
  readonly machine: MachineEnv;
  readonly name: string;
  /** JSON pointer of the state's definition, e.g. /States/Check. */
  readonly pointer: string;
  readonly queryLanguage: QueryLanguage;
  /** The compiled state with this name in the same States block. */
  lookup(name: string): StateNode;
  /** Compiles a nested States block (Parallel branch, Map processor) and returns its start. */
  compileScope(definition: Record<string, unknown>, pointer: string, queryLanguage: QueryLanguage): StateNode;
}

/**
 * Map fan-out hook: given the processor definition and the items' inputs, runs the
 * iterations (e.g. on pool workers) and returns their outputs in item order.
 */
export type MapExecutor = (processor: Record<string, unknown>, inputs: unknown[], maxConcurrency: number) => Promise<unknown[]>;
