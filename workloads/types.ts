/**
 * What a built-in workload is made of. Each workload folder exports one `Workload`;
 * the harness, the tests and the pool's sharded load mode all read it the same way.
 */

/** The part of statemill's task context the workload handlers read. */
export interface HandlerContext {
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
}

export type WorkloadHandler = (input: any, ctx: HandlerContext) => unknown;
export type WorkloadHandlers = Readonly<Record<string, WorkloadHandler>>;

/** Generator options: plain JSON, so they can be posted to a worker thread. */
export type GeneratorOptions = Readonly<Record<string, number | string | boolean>>;

/**
 * `generateInput(seed, index, options)`: the `index`-th input of the stream numbered
 * `seed`. Deterministic, synchronous and free of shared state, so a worker thread can
 * generate its own share of inputs (the pool's sharded load mode).
 */
export type InputGenerator = (seed: number, index: number, options?: GeneratorOptions) => unknown;

/** The end of an execution as the harness compares it, whatever engine ran it. */
export type Outcome =
  { readonly status: 'SUCCEEDED'; readonly output: unknown } | { readonly status: 'FAILED'; readonly error: string | null; readonly cause: string | null };

export interface Workload {
  readonly name: string;
  /** One line: what the workload models. */
  readonly summary: string;
  /** The definition as AWS would export it (JSONPath). */
  readonly definition: Record<string, unknown>;
  /** The same workflow written in JSONata, where the query language makes a difference; else null. */
  readonly jsonataDefinition: Record<string, unknown> | null;
  readonly handlers: WorkloadHandlers;
  /** Module exporting `handlers` (for worker threads, which cannot receive functions). */
  readonly handlersModule: URL;
  /** Module exporting `generateInput` as an InputGenerator. */
  readonly generatorModule: URL;
  readonly generateInput: InputGenerator;
  /** Generator options: `quick` keeps `npm run bench` short; `standard` is the realistic size. */
  readonly sizes: { readonly quick: GeneratorOptions; readonly standard: GeneratorOptions };
  /**
   * The hand-written baseline: the same handlers called by plain code, in the same order
   * and with the same data, giving the same outcome. The limit an engine can approach.
   */
  baseline(input: unknown): Outcome;
}
