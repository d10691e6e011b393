import type { Limits } from '../run/limits.js';
import type { StateNode } from '../run/state.js';
import type { Problem } from '../asl/problems.js';
import type { HandlerIndex } from './handlers.js';
import type { Integrations } from './task-patterns.js';

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** What every state compiler may read: machine-wide options, and where the state sits. */
export interface MachineEnv {
  readonly handlers: HandlerIndex;
  readonly limits: Limits;
  /** Definition problems found while compiling (handler look-ups); compile() throws them together. */
  readonly problems: Problem[];
  /** Runs Map iterations elsewhere (the pool) when a Map opts in; null runs them in-process. */
  readonly mapExecutor: MapExecutor | null;
  /** Each Map state's processor by the Map's JSON pointer, for running its iterations elsewhere. */
  readonly processors: Map<string, MapProcessor>;
  /** Standard task patterns (callbacks, `.sync`, activities, nested executions); null refuses them. */
  readonly integrations: Integrations | null;
}

/** A Map state's compiled processor: where its iterations start, and whether they see the outer variables. */
export interface MapProcessor {
  readonly start: StateNode;
  /** Distributed mode: iterations see no variables of the execution. */
  readonly isolated: boolean;
}

/**
 * What iterations run elsewhere need of the execution that reached the Map, so they see
 * what they would see in it: its context object and the variables the Map can read.
 */
export interface IterationParent {
  readonly executionName: string;
  /** The UUID that ends an Express execution's ARN, so iterations elsewhere show the same `$$.Execution.Id`. */
  readonly executionId?: string;
  readonly executionInput: unknown;
  /** When the execution started, in milliseconds since the epoch. */
  readonly executionStartMs: number;
  /** How long the execution may still run, in milliseconds (Infinity: no limit). */
  readonly remainingMs: number;
  /** The variables the Map state can read, innermost scope winning; empty for a distributed Map. */
  readonly variables: readonly (readonly [string, unknown])[];
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

/** What a Map hands to a MapExecutor: its iterations' inputs and how to run them. */
export interface MapIterationsRequest {
  /** JSON pointer of the Map state in the definition, e.g. /States/Transcode. */
  readonly state: string;
  /** Each iteration's input (after ItemSelector and ItemBatcher), in item order. */
  readonly inputs: readonly unknown[];
  /** Most iterations in flight at once; 0 for no limit. */
  readonly maxConcurrency: number;
  /** Failed iterations the Map tolerates; -1 when the first failure fails the Map. */
  readonly toleratedFailures: number;
  readonly parent: IterationParent;
}

export interface MapIterationsResult {
  /** Outputs in item order; undefined where the iteration failed or did not run. */
  readonly outputs: unknown[];
  /** Failed iterations. */
  readonly failures: readonly { readonly index: number; readonly error: string | null; readonly cause: string | null }[];
  /** True when more iterations failed than tolerated and the rest were not started. */
  readonly stopped: boolean;
}

/**
 * Map fan-out hook (the pool sets it): runs a Map's iterations elsewhere and returns a
 * promise of their outcomes, or null to run them in-process as usual.
 */
export type MapExecutor = (request: MapIterationsRequest) => Promise<MapIterationsResult> | null;
