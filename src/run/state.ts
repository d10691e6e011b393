import type { Frame } from './frame.js';
import type { Branches } from './branches.js';
import type { MapProcessor } from './iterations.js';
import type { Suspension } from './suspension.js';

/**
 * A compiled state: what the run loop sees. `run` returns the state's output, or a promise
 * of it only when something asynchronous happened, and sets `frame.next` (it starts as
 * `next`, the static transition; Choice and Catch change it).
 */
export type RunState = (input: unknown, frame: Frame) => unknown;

export class StateNode {
  readonly name: string;
  readonly type: string;
  run: RunState;
  /** The static transition, resolved after all states of a scope are compiled; null for End. */
  next: StateNode | null;
  /** History events a successful pass through this state adds besides Entered (AWS numbering). */
  readonly extraEvents: number;
  /**
   * Whether the output can be larger than the input, so its size must be checked against
   * the payload limit (a JSONPath Choice, Wait or Succeed only selects from its input).
   */
  readonly mayGrow: boolean;
  /**
   * How the state runs on once a timed wait of its own ends on the execution's main line (a
   * Wait's wait, a retry interval: see Suspension.timed): set by the state's compiler, null
   * for a state that never parks on a timer. A restart finds it here, by the state's name.
   */
  wake: ((suspension: Suspension) => unknown) | null;
  /** A Parallel's branches (null for other states): a restart finds a parked branch's states and the join step here. */
  branches: Branches | null;
  /** A Map's processor (null for other states): a restart finds a parked iteration's states and the join step here. */
  iterations: MapProcessor | null;
  /**
   * Whether the value its thread made last (Frame.owned) stays the thread's own through this
   * state, which then may write its result into it (compile/owned-values.ts); the run loop
   * forgets that value on entering any other state.
   */
  passesOwned: boolean;
  constructor(name: string, type: string, run: RunState, extraEvents: number, mayGrow: boolean) {
    this.name = name;
    this.type = type;
    this.run = run;
    this.next = null;
    this.extraEvents = extraEvents;
    this.mayGrow = mayGrow;
    this.wake = null;
    this.branches = null;
    this.iterations = null;
    this.passesOwned = false;
  }
}

/**
 * Whether a value from outside the engine (a handler's return, an integration's, the jsonata
 * library's) is a promise or any other thenable.
 */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Whether a value from the engine's own closures is a promise. They return a plain value or a
 * native Promise they made (a thenable from outside is adopted by one where it enters), so a
 * class check, with one feedback slot, serves where isPromiseLike's `then` read is megamorphic
 * over every shape of value passing through it.
 */
export function isPending(value: unknown): value is Promise<unknown> {
  return value instanceof Promise;
}
