/**
 * Task handlers: user functions keyed by a Task's Resource. Look-ups never reach the
 * prototype of the handlers object (a Resource of "constructor" or "__proto__" finds
 * nothing), and Lambda functions are found by name, ARN or qualified ARN alike.
 */
export interface TaskContext {
  /** The context object (`$$`) as the task sees it. */
  readonly context: Record<string, unknown>;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborts when the task times out, misses its heartbeat, or the execution ends. */
  readonly signal: AbortSignal;
  /** Resets the HeartbeatSeconds timer. */
  heartbeat(): void;
}

export type Handler = (input: any, ctx: TaskContext) => unknown;
export type Handlers = Readonly<Record<string, Handler>>;

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/**
 * A handler carrying this symbol answers the states named in its set with complete service
 * responses: it gets the state's effective Parameters and its return value is the task
 * result as is (a lambda:invoke result is not wrapped again). Mocks use it.
 */
export const RAW_RESULT_STATES = Symbol.for('statemill.rawResultStates');

/** True when the handler claims the state as a raw service integration (decided at compile time). */
/**
 * A handlers object may carry, under this key, a resolver for the Lambda functions it has no
 * entry for: `(functionName) => Handler | undefined`, asked once per name (e.g. a Lambda
 * Invoke endpoint, as `statemill serve --lambda-endpoint` gives). Functions are found by
 * their plain name (an ARN or qualified name is reduced to it).
 */
export const LAMBDA_FALLBACK = Symbol.for('statemill.lambdaFallback');
export type LambdaResolver = (functionName: string) => Handler | undefined;

export function answersRaw(handler: Handler, stateName: string): boolean {
  const states = (handler as { [RAW_RESULT_STATES]?: ReadonlySet<string> })[RAW_RESULT_STATES];
  return states !== undefined && states.has(stateName);
}

const lambdaArn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;
const partialLambdaArn = /^(?:\d{12}:)?function:([^:]+)(?::[^:]+)?$|^([^:]+):(?:\$LATEST|[\w-]+)$/;

/** The function name inside a Lambda ARN, partial ARN or qualified name; the text itself otherwise. */
export function lambdaFunctionName(nameOrArn: string): string {
  const full = lambdaArn.exec(nameOrArn);
  if (full) return full[1]!;
  const partial = partialLambdaArn.exec(nameOrArn);
  if (partial) return (partial[1] ?? partial[2])!;
  return nameOrArn;
}

const MAX_RESOLVED_NAMES = 1024;

/** Finds a handler by exact key; a Lambda reference also by its function name. */
export class HandlerIndex {
  private readonly exact = new Map<string, Handler>();
  private readonly byFunctionName = new Map<string, Handler>();
  private readonly resolved = new Map<string, Handler | null>();
  private readonly fallback: LambdaResolver | null;
  constructor(handlers: Handlers) {
    const fallback = (handlers as { [LAMBDA_FALLBACK]?: unknown })[LAMBDA_FALLBACK];
    this.fallback = typeof fallback === 'function' ? (fallback as LambdaResolver) : null;
    for (const key of Object.keys(handlers)) {
      const handler = handlers[key];
      if (typeof handler !== 'function') continue;
      this.exact.set(key, handler);
      const name = lambdaFunctionName(key);
      if (!this.byFunctionName.has(name)) this.byFunctionName.set(name, handler);
    }
  }
  /** The handler for a Task Resource. */
  resource(resource: string): Handler | undefined {
    const exact = this.exact.get(resource);
    if (exact !== undefined) return exact;
    if (!lambdaArn.test(resource)) return undefined;
    const name = lambdaFunctionName(resource);
    return this.byFunctionName.get(name) ?? this.fallback?.(name);
  }
  /** The handler for a lambda:invoke FunctionName (name, ARN, or ARN with version/alias). */
  lambda(functionName: string): Handler | undefined {
    const exact = this.exact.get(functionName);
    if (exact !== undefined) return exact;
    // Parsing an ARN costs a regular expression per call; remember the answer.
    let found = this.resolved.get(functionName);
    if (found === undefined) {
      const name = lambdaFunctionName(functionName);
      found = this.byFunctionName.get(name) ?? this.fallback?.(name) ?? null;
      if (this.resolved.size >= MAX_RESOLVED_NAMES) this.resolved.clear();
      this.resolved.set(functionName, found);
    }
    return found ?? undefined;
  }
}
