import { ProblemCodes, pointerTo, type Problem } from '../asl/problems.js';
import { isObject } from '../json.js';
import type { Handler, Handlers } from '../run/task-call.js';

/**
 * Task handlers: user functions keyed by a Task's Resource. Look-ups never reach the
 * prototype of the handlers object (a Resource of "constructor" or "__proto__" finds
 * nothing), and Lambda functions are found by name, ARN or qualified ARN alike.
 */
export { EXECUTION_IDENTITY, type Handler, type Handlers, type TaskContext } from '../run/task-call.js';

export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/**
 * A handler carrying this symbol answers the states named in its set with complete service
 * responses: it gets the state's effective Parameters and its return value is the task
 * result as is (a lambda:invoke result is not wrapped again). Mocks use it.
 */
export const RAW_RESULT_STATES = Symbol.for('statemill.rawResultStates');

/**
 * Of the states a raw handler answers, those a mocked response stands in for the service of:
 * their request counts as sent, which a callback's or `.sync` job's history records.
 */
export const MOCKED_STATES = Symbol('statemill.mockedStates');

/**
 * A handlers object may carry, under this key, a resolver for the Lambda functions it has no
 * entry for: `(functionName) => Handler | undefined`, asked once per name (e.g. a Lambda
 * Invoke endpoint, as `statemill serve --lambda-endpoint` gives). Functions are found by
 * their plain name (an ARN or qualified name is reduced to it).
 */
export const LAMBDA_FALLBACK = Symbol.for('statemill.lambdaFallback');
export type LambdaResolver = (functionName: string) => Handler | undefined;

/** True when the handler claims the state as a raw service integration (decided at compile time). */
export function answersRaw(handler: Handler, stateName: string): boolean {
  const states = (handler as { [RAW_RESULT_STATES]?: ReadonlySet<string> })[RAW_RESULT_STATES];
  return states !== undefined && states.has(stateName);
}

/** True when a mocked response answers the state (see MOCKED_STATES). */
export function answersFromMock(handler: Handler, stateName: string): boolean {
  const states = (handler as { [MOCKED_STATES]?: ReadonlySet<string> })[MOCKED_STATES];
  return states !== undefined && states.has(stateName);
}

const lambdaArn = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;
const partialLambdaArn = /^(?:\d{12}:)?function:([^:]+)(?::[^:]+)?$|^([^:]+):(?:\$LATEST|[\w-]+)$/;

/** The function name inside a Lambda ARN, partial ARN or qualified name; the text itself otherwise. */
function lambdaFunctionName(nameOrArn: string): string {
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
  /** Keys whose value is not a function → what it is, for the message that says so. */
  private readonly notFunctions = new Map<string, string>();
  constructor(handlers: Handlers) {
    const fallback = (handlers as { [LAMBDA_FALLBACK]?: unknown })[LAMBDA_FALLBACK];
    this.fallback = typeof fallback === 'function' ? (fallback as LambdaResolver) : null;
    for (const key of Object.keys(handlers)) {
      const handler = handlers[key];
      if (typeof handler !== 'function') {
        const given: unknown = handler;
        if (given !== undefined)
          this.notFunctions.set(
            key,
            given === null ? 'null' : Array.isArray(given) ? 'an array' : typeof given === 'object' ? 'an object' : `a ${typeof given}`,
          );
        continue;
      }
      this.exact.set(key, handler);
      const name = lambdaFunctionName(key);
      if (!this.byFunctionName.has(name)) this.byFunctionName.set(name, handler);
    }
  }
  /**
   * ERR_ASL_NO_HANDLER's message for a Task whose Resource finds no handler: a value given for
   * it that is not a function is named, since "no handler" would send the caller looking for a
   * missing key.
   */
  noHandlerMessage(stateName: string, resource: string): string {
    const given = this.notFunctions.get(resource);
    if (given !== undefined) return `state '${stateName}' uses Resource '${resource}', whose handler is ${given}, not a function (input, ctx) => value`;
    return `state '${stateName}' uses Resource '${resource}', which has no handler; pass one as compile(definition, { handlers: { '${resource}': (input, ctx) => … } })`;
  }
  /** The handler for a Task Resource. */
  resource(resource: string): Handler | undefined {
    const exact = this.exact.get(resource);
    if (exact !== undefined) return exact;
    if (!isLambdaFunctionResource(resource)) return undefined;
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

/** Where a state is in a definition, and its Resource when it is a Task. */
export interface StateSite {
  readonly type: unknown;
  /** The Task's Resource, or null for other states (and Tasks without a string Resource). */
  readonly resource: string | null;
  /** JSON pointer of the state in the definition. */
  readonly pointer: string;
}

/** Parallel branches and Map processors nested deeper than this are not looked into (validate() refuses such definitions). */
const MAX_SCOPE_DEPTH = 250;

/**
 * Every state of a definition by name, Parallel branches and Map processors included (ASL
 * names are unique across the whole machine). Tolerates a malformed definition: validate()
 * is the one to report its problems.
 */
export function statesByName(definition: unknown): Map<string, StateSite> {
  const found = new Map<string, StateSite>();
  const pending: Array<{ scope: unknown; pointer: string; depth: number }> = [{ scope: definition, pointer: '', depth: 0 }];
  // A definition built in code may contain itself, or nest without end: each scope is visited once, and only so deep.
  const seen = new Set<object>();
  while (pending.length > 0) {
    const { scope, pointer, depth } = pending.pop()!;
    if (!isObject(scope) || !isObject(scope.States) || seen.has(scope) || depth > MAX_SCOPE_DEPTH) continue;
    seen.add(scope);
    const statesPointer = pointerTo(pointer, 'States');
    for (const name of Object.keys(scope.States)) {
      const state = scope.States[name];
      const statePointer = pointerTo(statesPointer, name);
      if (!isObject(state)) continue;
      const resource = state.Type === 'Task' && typeof state.Resource === 'string' ? state.Resource : null;
      if (!found.has(name)) found.set(name, { type: state.Type, resource, pointer: statePointer });
      if (Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => pending.push({ scope: branch, pointer: pointerTo(pointerTo(statePointer, 'Branches'), i), depth: depth + 1 }));
      }
      for (const processor of ['ItemProcessor', 'Iterator']) {
        if (isObject(state[processor])) pending.push({ scope: state[processor], pointer: pointerTo(statePointer, processor), depth: depth + 1 });
      }
    }
  }
  return found;
}

const UNWALKABLE: ReadonlySet<string> = new Set([
  ProblemCodes.NESTING_TOO_DEEP,
  ProblemCodes.DEFINITION_TOO_LARGE,
  ProblemCodes.NOT_JSON_DATA,
  ProblemCodes.NOT_AN_OBJECT,
]);

/** Whether a Task's Resource is a Lambda function's ARN (the Task form that gets the function's result alone). */
export function isLambdaFunctionResource(resource: string): boolean {
  return lambdaArn.test(resource);
}

/** Whether a Task finds its handler at run time, by Parameters.FunctionName (lambda:invoke). */
export function isLambdaInvokeResource(resource: string): boolean {
  return resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':') || resource.startsWith(LAMBDA_INVOKE + '.');
}

/**
 * ERR_ASL_NO_HANDLER for each Task whose Resource has no handler: what compile() reports
 * besides the definition's own problems, so that every problem is listed at once.
 * JSONata Resources, lambda:invoke (found by FunctionName at run time) and Resources
 * already `reported` (a `.sync` integration, say) are left out.
 */
export function missingHandlers(definition: unknown, handlers: Handlers, reported: readonly Problem[] = []): Problem[] {
  // A definition too deep, too large or unreadable is not walked again: its problem says enough.
  if (reported.some((p) => UNWALKABLE.has(p.code))) return [];
  const index = new HandlerIndex(handlers);
  const already = new Set(reported.map((p) => p.pointer));
  const problems: Problem[] = [];
  for (const [name, site] of statesByName(definition)) {
    const resource = site.resource;
    if (resource === null || resource.startsWith('{%') || isLambdaInvokeResource(resource) || already.has(`${site.pointer}/Resource`)) continue;
    if (index.resource(resource) !== undefined) continue;
    problems.push({
      code: ProblemCodes.NO_HANDLER,
      pointer: `${site.pointer}/Resource`,
      message: index.noHandlerMessage(name, resource),
    });
  }
  return problems;
}
