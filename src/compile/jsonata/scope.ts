import { contextObject, type Frame } from '../../run/frame.js';

/**
 * What `$states` holds while one JSONata field is evaluated: the state's input, and where
 * the field may read them, the task result and the error output. One per state attempt (or
 * per Map item, for ItemSelector); the context object and the timestamp behind $now() are
 * built at most once, and only when an expression asks for them.
 *
 * A scope is made for every attempt of every JSONata state, so it keeps only what every
 * attempt uses in fields of its own (five: 64 bytes); the error output, the context object
 * and the instant of $now(), which few attempts need, live in a ScopeExtras made on demand.
 * Allocation per execution is what decides how often a young-generation collection meets
 * one, and so the latency tail.
 */
export class StatesScope {
  frame: Frame;
  input: unknown;
  /** `$states.result`: undefined until the task, branches or iterations produced it, and where a field may not read it. */
  result: unknown;
  /** An upper bound of the result's JSON size, once the result was checked against the payload limit (a Parallel's: its branches' output bounds added); Infinity until then. */
  resultBound: number;
  private extras: ScopeExtras | null;

  constructor(frame: Frame, input: unknown, result: unknown = undefined, errorOutput: unknown = undefined) {
    this.frame = frame;
    this.input = input;
    this.result = result;
    this.resultBound = Infinity;
    this.extras = errorOutput === undefined ? null : new ScopeExtras(errorOutput);
  }

  /**
   * Makes a released scope (see release) serve a new attempt, as a new scope would: no
   * result, no bound, no context object or instant kept from before.
   */
  reuse(frame: Frame, input: unknown): this {
    this.frame = frame;
    this.input = input;
    return this;
  }

  /**
   * Forgets what the scope held once its attempt has ended synchronously, so that a scope
   * kept for reuse holds no execution's values alive. Nothing reads a scope after its
   * attempt: the evaluators take it as an argument and keep no reference to it, and what an
   * expression returns is built anew (statesObject) or is one of the values it held.
   */
  release(): void {
    this.frame = RELEASED_FRAME;
    this.input = undefined;
    this.result = undefined;
    this.resultBound = Infinity;
    this.extras = null;
  }

  /** `$states.errorOutput`: undefined outside a Catch. */
  get errorOutput(): unknown {
    return this.extras === null ? undefined : this.extras.errorOutput;
  }

  /**
   * Makes the scope serve the next Map item's ItemSelector (the frame's `$$.Map.Item` moved
   * on): what was built for the item before is forgotten. Only once the evaluation for that
   * item has finished.
   */
  nextItem(): void {
    const extras = this.extras;
    if (extras === null) return;
    extras.context = null;
    extras.now = -1;
  }

  /** `$states.context`: the context object as of now. */
  context(): Record<string, unknown> {
    const extras = (this.extras ??= new ScopeExtras(undefined));
    return (extras.context ??= contextObject(this.frame));
  }

  /** The instant $now() and $millis() report, read once from the execution's clock. */
  now(): number {
    const extras = (this.extras ??= new ScopeExtras(undefined));
    if (extras.now < 0) extras.now = this.frame.exec.clock.now();
    return extras.now;
  }

  /** `$states` as one object, for an expression that reads it whole. */
  statesObject(withContext: boolean): Record<string, unknown> {
    const states: Record<string, unknown> = { input: this.input };
    if (withContext) states.context = this.context();
    if (this.result !== undefined) states.result = this.result;
    const errorOutput = this.errorOutput;
    if (errorOutput !== undefined) states.errorOutput = errorOutput;
    return states;
  }
}

/** The frame of a released scope: none (a released scope is not read before reuse sets one). */
const RELEASED_FRAME = null as unknown as Frame;

/** The parts of a StatesScope that few attempts need. */
class ScopeExtras {
  readonly errorOutput: unknown;
  context: Record<string, unknown> | null;
  /** Milliseconds since the epoch; -1 until read. */
  now: number;
  constructor(errorOutput: unknown) {
    this.errorOutput = errorOutput;
    this.context = null;
    this.now = -1;
  }
}
