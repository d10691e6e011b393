import { contextObject, type Frame } from '../../run/frame.js';

/**
 * What `$states` holds while one JSONata field is evaluated: the state's input, and where
 * the field may read them, the task result and the error output. One per state attempt (or
 * per Map item, for ItemSelector); the context object and the timestamp behind $now() are
 * built at most once, and only when an expression asks for them.
 */
export class StatesScope {
  readonly frame: Frame;
  readonly input: unknown;
  /** `$states.result`: undefined until the task, branches or iterations produced it, and where a field may not read it. */
  result: unknown;
  /** `$states.errorOutput`: undefined outside a Catch. */
  readonly errorOutput: unknown;
  /** An upper bound of the result's JSON size, once the result was checked against the payload limit; Infinity until then. */
  resultBound: number;
  private contextValue: Record<string, unknown> | null;
  private nowValue: number;

  constructor(frame: Frame, input: unknown, result: unknown = undefined, errorOutput: unknown = undefined) {
    this.frame = frame;
    this.input = input;
    this.result = result;
    this.errorOutput = errorOutput;
    this.resultBound = Infinity;
    this.contextValue = null;
    this.nowValue = -1;
  }

  /**
   * Makes the scope serve the next Map item's ItemSelector (the frame's `$$.Map.Item` moved
   * on): what was built for the item before is forgotten. Only once the evaluation for that
   * item has finished.
   */
  nextItem(): void {
    this.contextValue = null;
    this.nowValue = -1;
  }

  /** `$states.context`: the context object as of now. */
  context(): Record<string, unknown> {
    return (this.contextValue ??= contextObject(this.frame));
  }

  /** The instant $now() and $millis() report, read once from the execution's clock. */
  now(): number {
    if (this.nowValue < 0) this.nowValue = this.frame.exec.clock.now();
    return this.nowValue;
  }

  /** `$states` as one object, for an expression that reads it whole. */
  statesObject(withContext: boolean): Record<string, unknown> {
    const states: Record<string, unknown> = { input: this.input };
    if (withContext) states.context = this.context();
    if (this.result !== undefined) states.result = this.result;
    if (this.errorOutput !== undefined) states.errorOutput = this.errorOutput;
    return states;
  }
}
