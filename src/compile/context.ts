import type { MapExecutor, MapProcessor } from '../run/iterations.js';
import type { MapRunHost } from '../run/map-runs.js';
import type { Limits } from '../run/limits.js';
import type { StateNode } from '../run/state.js';
import type { Problem } from '../asl/problems.js';
import type { QueryLanguage } from '../asl/types.js';
import type { HandlerIndex } from './handlers.js';
import type { Integrations } from './task-patterns.js';

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
  /** Keeps the map runs Distributed Maps start (createService()); null: nobody keeps them. */
  readonly mapRuns: MapRunHost | null;
}

export interface StateEnv {
  readonly machine: MachineEnv;
  readonly name: string;
  /** JSON pointer of the state's definition, e.g. /States/Check. */
  readonly pointer: string;
  readonly queryLanguage: QueryLanguage;
  /** The compiled state with this name in the same States block. */
  lookup(name: string): StateNode;
  /**
   * Compiles a nested States block (Parallel branch, Map processor) and returns its start. Its
   * states follow the machine's QueryLanguage, not this state's (AWS does not pass it on).
   */
  compileScope(definition: Record<string, unknown>, pointer: string): StateNode;
  /**
   * Compiles a nested States block and returns all its states by name (a parked Parallel
   * branch is found again by its state's name); absent where states run alone (TestState).
   */
  compileBlock?(definition: Record<string, unknown>, pointer: string): ReadonlyMap<string, StateNode>;
}
