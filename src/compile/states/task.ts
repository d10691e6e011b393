import { functionNotFound, inputTooLarge, jsonForCause, runtimeError } from '../../run/errors.js';
import { abandonedThread, type Frame } from '../../run/frame.js';
import { isActivityArn } from '../../run/history-details.js';
import { Interruption } from '../../run/interruptions.js';
import type { Suspension } from '../../run/suspension.js';
import { TaskFailure, callHandler, throwIfFailed } from '../../run/task-call.js';
import { fitsPayload } from '../../run/limits.js';
import { isPending, isPromiseLike, type RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { LAMBDA_INVOKE, answersRaw } from '../handlers.js';
import { LAMBDA_METADATA_BYTES, PayloadOnlyResponse, jsonataReadsOnlyPayload, lambdaEvent, lambdaResponse, readsOnlyPayload } from '../lambda-response.js';
import { compileSelectPath, identity, type Transform } from '../jsonpath/io.js';
import { StatesScope, compileJsonataValue, isJsonataExpression, stateField } from '../jsonata/index.js';
import { jsonataValueBound } from '../jsonata/bounds.js';
import { andThen, compileNumber, compileOutcome, type NumberRule } from '../jsonata/state.js';
import { compileReferencePath, missingPathReason } from '../jsonpath/paths.js';
import { compileRecovery, recovers } from '../recovery.js';
import { compileJsonPathFinish, compileResultLimit } from '../jsonpath/results.js';
import { compilePatternCall, withTaskToken, type Invoke, type Timing } from '../task-patterns.js';
import { WHOLE_DOCUMENT, builtBound, compileDynamicValue, compileTemplate, templateBound, type Builder, type TemplateBound } from '../jsonpath/templates.js';

/** AWS's default Task timeout: 99999999 seconds, i.e. none (the spec's 60 is not what AWS does). */
const NO_TIMEOUT = 99_999_999;

/**
 * Task: InputPath → Parameters → handler → ResultSelector → ResultPath → OutputPath, with
 * Retry and Catch around the whole attempt. A handler that returns a plain value keeps the
 * execution synchronous; timers exist only while a handler's promise is pending.
 */
export function compileTask(def: Record<string, unknown>, env: StateEnv): RunState {
  if (env.queryLanguage === 'JSONata') return compileJsonataTask(def, env);
  const inputPath = compileSelectPath(def.InputPath);
  const parameters: Transform = 'Parameters' in def ? compileTemplate(def.Parameters) : identity;
  const payloadOnly = readsOnlyPayload(def);
  const responses = payloadOnly ? new PayloadResponses() : null;
  const inputBound = 'Parameters' in def ? templateBound(def.Parameters) : WHOLE_DOCUMENT;
  const invoke = compileInvocation(def, env, inputBound, responses);
  function invokeWithParameters(selected: unknown, frame: Frame, timing: Timing): unknown {
    return invoke(parameters(selected, frame), frame, timing);
  }
  // Without Parameters the handler gets what InputPath selected: no identity call in between.
  const call = compileDirectLambda(def, env, inputBound, responses, invokeWithParameters) ?? ('Parameters' in def ? invokeWithParameters : invoke);
  const selectsWhole = def.InputPath === undefined || def.InputPath === '$';
  const timing = compileTiming(def);
  const finish = compileJsonPathFinish(def, env, true);
  const throwsFailure = !recovers(def);
  const finishPayload = payloadOnly ? compileJsonPathFinish(def, env, true, LAMBDA_METADATA_BYTES) : finish;

  function finishResult(input: unknown, result: unknown, frame: Frame): unknown {
    if (!(result instanceof PayloadOnlyResponse)) return finish(input, result, frame);
    let output: unknown;
    try {
      output = finishPayload(input, result, frame);
    } catch {
      // Causes quote the whole result: fail exactly as the full envelope fails.
      return finish(input, lambdaResponse(result.Payload), frame);
    }
    // JSONPath's result handling is synchronous and its output holds the Payload's values, never the response.
    responses!.give(result);
    return output;
  }
  function attemptTask(input: unknown, frame: Frame): unknown {
    const selected = selectsWhole ? input : inputPath(input, frame);
    // TimeoutSecondsPath and HeartbeatSecondsPath read the input after InputPath, not Parameters' result.
    const resolved = timing.fromPaths ? resolveTiming(timing, selected, frame) : timing;
    const result = call(selected, frame, resolved);
    if (isPending(result)) return result.then((r) => finishResult(input, r, frame));
    if (result instanceof TaskFailure) return failed(result, throwsFailure);
    return finishResult(input, result, frame);
  }
  const resource = def.Resource as string;
  function resumeTask(suspension: Suspension): unknown {
    const input = suspension.rawInput;
    const frame = suspension.frame;
    return recovery.resume(input, frame, suspension.retries, () => finishResult(input, taskAnswer(suspension, resource), frame));
  }
  const recovery = compileRecovery(withTaskToken(attemptTask, def, env, resumeTask), def, env);
  return recovery.run;
}

/** `evaluate` (Arguments, a direct Lambda call's Payload, the timing), then `call` with its value and `extra`. */
function evaluateThenCall<V, E>(
  evaluate: (scope: StatesScope) => V | Promise<V>,
  scope: StatesScope,
  call: (scope: StatesScope, value: V, extra: E) => unknown,
  extra: E,
): unknown {
  const value = evaluate(scope);
  if (isPending(value)) return value.then((v) => throwIfFailed(call(scope, v as V, extra)));
  return call(scope, value as V, extra);
}

/**
 * A handler's failure at the top of the Task's attempt: handed to Retry and Catch as it came,
 * or thrown, as the run loop expects a state's failure, when the state has neither.
 */
function failed(failure: TaskFailure, throwsFailure: boolean): TaskFailure {
  if (throwsFailure) throw failure.error;
  return failure;
}

/**
 * A suspended task's answer as its call would have returned it: SendTaskSuccess's output,
 * or thrown, the failure (SendTaskFailure, a timeout, the execution's end); counted and
 * recorded in the history as the call's end is (callEnded).
 */
function taskAnswer(suspension: Suspension, resource: string): unknown {
  if (suspension.answerOk) {
    callSucceeded(suspension.frame, resource, suspension.answer);
    return suspension.answer;
  }
  callFailed(suspension.frame, resource, suspension.answer);
  throw suspension.answer;
}

/**
 * JSONata Task: Arguments (default: the input) → handler → Output (default: the result),
 * with Assign; Arguments, TimeoutSeconds and HeartbeatSeconds read `$states.input`, Output and
 * Assign also `$states.result`.
 */
function compileJsonataTask(def: Record<string, unknown>, env: StateEnv): RunState {
  const problems = env.machine.problems;
  const args = 'Arguments' in def ? compileJsonataValue(def.Arguments, stateField(env.pointer, 'Arguments'), problems) : null;
  const outcome = compileOutcome(def, env.pointer, problems);
  // Output and Assign that read only `$states.result.Payload…` never need Lambda's envelope built.
  const payloadOnly = jsonataReadsOnlyPayload(def);
  const responses = payloadOnly ? new PayloadResponses() : null;
  const argumentsBound = 'Arguments' in def ? jsonataValueBound(def.Arguments) : WHOLE_DOCUMENT;
  const invoke = compileInvocation(def, env, argumentsBound, responses);
  const timing = compileJsonataTiming(def, env);
  const direct = typeof timing === 'function' ? null : compileJsonataDirectLambda(def, env, argumentsBound, responses);
  const checkSize = compileResultLimit(env, 0, def.Resource);
  const checkPayloadSize = payloadOnly ? compileResultLimit(env, LAMBDA_METADATA_BYTES, def.Resource) : checkSize;
  const throwsFailure = !recovers(def);

  function finish(scope: StatesScope, result: unknown): unknown {
    if (!(result instanceof PayloadOnlyResponse)) {
      scope.resultBound = checkSize(result);
      scope.result = result;
      return outcome(scope, result);
    }
    scope.resultBound = checkPayloadSize(result);
    scope.result = result;
    const output = outcome(scope, result);
    // An evaluation still under way (a promise) may read `$states.result.Payload` later: the response stays with it.
    if (!isPending(output)) responses!.give(result);
    return output;
  }
  function invokeWith(scope: StatesScope, effective: unknown, resolved: Timing): unknown {
    const result = invoke(effective, scope.frame, resolved);
    if (isPending(result)) return result.then((r) => finish(scope, r));
    if (result instanceof TaskFailure) return failed(result, throwsFailure);
    return finish(scope, result);
  }
  function timed(scope: StatesScope, effective: unknown): unknown {
    if (typeof timing !== 'function') return invokeWith(scope, effective, timing);
    return evaluateThenCall(timing, scope, invokeTimed, effective);
  }
  function invokeTimed(scope: StatesScope, resolved: Timing, effective: unknown): unknown {
    return invokeWith(scope, effective, resolved);
  }
  function callDirectly(scope: StatesScope, payload: unknown): unknown {
    const result = direct!.call(payload, scope.frame, timing as Timing);
    if (isPending(result)) return result.then((r) => finish(scope, r));
    if (result instanceof TaskFailure) return failed(result, throwsFailure);
    return finish(scope, result);
  }
  /**
   * A scope whose attempt ended synchronously, kept for the next attempt of this state (about
   * 80 bytes per attempt otherwise). An attempt takes it, so attempts that overlap (one that
   * went asynchronous, an execution started from inside a handler) each get their own.
   */
  let spareScope: StatesScope | null = null;
  function attemptJsonataTask(input: unknown, frame: Frame): unknown {
    const spare = spareScope;
    spareScope = null;
    const scope = spare !== null ? spare.reuse(frame, input) : new StatesScope(frame, input);
    const outcome = attemptWithScope(scope, input, frame);
    // A promise still uses the scope; a value or a TaskFailure does not.
    if (!isPending(outcome)) {
      scope.release();
      spareScope = scope;
    }
    return outcome;
  }
  function attemptWithScope(scope: StatesScope, input: unknown, frame: Frame): unknown {
    if (direct !== null && direct.applies(frame)) return evaluateThenCall(direct.payload, scope, callDirectly, null);
    if (args === null) return timed(scope, input);
    return evaluateThenCall(args, scope, timed, null);
  }
  const resource = def.Resource as string;
  function resumeJsonataTask(suspension: Suspension): unknown {
    const input = suspension.rawInput;
    const frame = suspension.frame;
    return recovery.resume(input, frame, suspension.retries, () => finish(new StatesScope(frame, input), taskAnswer(suspension, resource)));
  }
  const recovery = compileRecovery(withTaskToken(attemptJsonataTask, def, env, resumeJsonataTask), def, env);
  return recovery.run;
}

/** The handler call, its events counted (causes cite later ids) and recorded in the execution history when the execution keeps one. */
function compileInvocation(def: Record<string, unknown>, env: StateEnv, inputBound: TemplateBound | null, responses: PayloadResponses | null): Invoke {
  const invoke = compileLimitedCall(def, env, inputBound, responses);
  const resource = def.Resource as string;
  const activity = isActivityArn(resource);
  // An activity's ActivityStarted comes when a worker takes its task, and is counted then.
  const startEvents = activity ? 1 : 2;
  const invokeTask: Invoke = function invokeTask(effective, frame, timing) {
    const history = frame.exec.history;
    if (history !== null) {
      // Resolved by now (paths read before the call): the limits the state set, for TaskScheduled.
      const limited = timing.bounded && !timing.fromPaths;
      const timeout = limited ? timing.timeoutSeconds(effective, frame) : 0;
      history.taskStarted(frame, resource, effective, timeout < NO_TIMEOUT ? timeout : 0, limited ? timing.heartbeatSeconds(effective, frame) : 0);
    }
    frame.exec.eventId += startEvents;
    let result: unknown;
    try {
      result = invoke(effective, frame, timing);
    } catch (thrown) {
      callFailed(frame, resource, thrown);
      throw thrown;
    }
    return callEnded(result, frame, resource);
  };
  const integrations = env.machine.integrations;
  const activityExists = activity ? integrations?.activityExists : undefined;
  if (activityExists === undefined) return invokeTask;
  // A deleted (or never created) activity fails the execution before any task event, as AWS records it.
  // Not so a task restored after a restart (a probe): one that waited when DeleteActivity came waits on, as it would have without the restart.
  return function invokeActivityTask(effective, frame, timing) {
    if (!integrations!.tokens.isProbing(frame) && !activityExists.call(integrations, resource)) {
      throw runtimeError(frame, `The activity ${resource} does not exist.`);
    }
    return invokeTask(effective, frame, timing);
  };
}

/**
 * The end of a Task's call (its result, a promise of it, or a TaskFailure): TaskSucceeded or
 * TaskFailed, counted and recorded as it comes. A call that ends after its thread was
 * abandoned (a sibling branch or iteration failed the Parallel or Map, which recorded the
 * thread's TaskStateAborted) records and counts nothing, as on AWS.
 */
function callEnded(result: unknown, frame: Frame, resource: string): unknown {
  if (result instanceof TaskFailure) {
    callFailed(frame, resource, result.error);
    return result;
  }
  if (!isPromiseLike(result)) {
    callSucceeded(frame, resource, result);
    return result;
  }
  return callEndsLater(result, frame, resource);
}

/** callEnded of a promise; apart, so that a synchronous call's end allocates no closure context. */
function callEndsLater(result: PromiseLike<unknown>, frame: Frame, resource: string): Promise<unknown> {
  return Promise.resolve(result).then(
    (value) => {
      if (!abandonedThread(frame)) callSucceeded(frame, resource, value);
      return value;
    },
    (thrown) => {
      if (!abandonedThread(frame)) callFailed(frame, resource, thrown);
      throw thrown;
    },
  );
}

function callSucceeded(frame: Frame, resource: string, value: unknown): void {
  frame.exec.eventId++;
  frame.exec.history?.taskSucceeded(frame, resource, value);
}

/** TaskFailed (or TimedOut); an interruption (the execution's end, a parked wait) ends the call with no event. */
function callFailed(frame: Frame, resource: string, thrown: unknown): void {
  if (thrown instanceof Interruption) return;
  frame.exec.eventId++;
  frame.exec.history?.taskFailed(frame, resource, thrown);
}

/**
 * The handler call, refusing an effective input over the payload limit as AWS does. When
 * the effective input is built only from the state's input (`inputBound`), its bound often
 * proves it fits without walking it.
 */
function compileLimitedCall(def: Record<string, unknown>, env: StateEnv, inputBound: TemplateBound | null, responses: PayloadResponses | null): Invoke {
  const invoke = compileHandlerCall(def, env, responses);
  const limit = env.machine.limits.payloadBytes;
  if (limit === Infinity) return invoke;
  return function invokeWithinLimit(effective, frame, timing) {
    if (!(inputBound !== null && builtBound(inputBound, frame.valueBound, frame.vars) <= limit) && !fitsPayload(effective, limit)) {
      throw inputTooLarge(env.name);
    }
    return invoke(effective, frame, timing);
  };
}

function compileHandlerCall(def: Record<string, unknown>, env: StateEnv, responses: PayloadResponses | null): Invoke {
  const resource = def.Resource as string;
  const standard = compilePatternCall(def, env, (r) => compileResourceCall(r, env, responses));
  if (standard !== null) return standard;
  const call = compileResourceCall(resource, env, responses);
  if (call !== null) return call;
  env.machine.problems.push({
    code: 'ERR_ASL_NO_HANDLER',
    pointer: `${env.pointer}/Resource`,
    message: env.machine.handlers.noHandlerMessage(env.name, resource),
  });
  return () => undefined;
}

/** The call of `resource`'s handler (a raw mock, lambda:invoke by FunctionName, or the handler keyed by it); null when none. */
function compileResourceCall(resource: string, env: StateEnv, responses: PayloadResponses | null): Invoke | null {
  const handler = env.machine.handlers.resource(resource);
  if (handler !== undefined && answersRaw(handler, env.name)) {
    return function invokeRawIntegration(effective, frame, timing) {
      return callHandler(handler, effective, frame, timing);
    };
  }
  if (isLambdaInvoke(resource)) return compileLambdaInvoke(env, responses);
  if (handler === undefined) return null;
  return function invokeHandler(effective, frame, timing) {
    return callHandler(handler, effective, frame, timing);
  };
}

/**
 * `arn:aws:states:::lambda:invoke`: the function comes from FunctionName, the event from
 * Payload, and the result is wrapped in Lambda's response envelope, as AWS does; reduced
 * to its Payload when the state reads nothing else and no history records the envelope.
 */
function compileLambdaInvoke(env: StateEnv, responses: PayloadResponses | null): Invoke {
  const handlers = env.machine.handlers;
  return function invokeLambda(effective, frame, timing) {
    const args = (effective ?? {}) as Record<string, unknown>;
    const functionName = args.FunctionName;
    if (typeof functionName !== 'string') {
      throw runtimeError(frame, `The field 'FunctionName' is required and must be a string, but was: ${jsonForCause(functionName)}`);
    }
    const handler = handlers.lambda(functionName);
    if (handler === undefined) throw functionNotFound(functionName, frame.exec.stateMachineId);
    const result = callHandler(handler, lambdaEvent(args.Payload), frame, timing);
    const payloadOnly = responses !== null && frame.exec.history === null;
    if (isPromiseLike(result)) return Promise.resolve(result).then(payloadOnly ? payloadResponse : lambdaResponse);
    if (result instanceof TaskFailure) return result;
    return payloadOnly ? responses.take(result) : lambdaResponse(result);
  };
}

function isLambdaInvoke(resource: string): boolean {
  return resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':');
}

/**
 * lambda:invoke whose Parameters are a constant FunctionName and a Payload, the shape
 * the console exports: the function is found once, at compile time, and the Payload is
 * built straight from the state's input, without the Parameters object around it. That
 * object is built after all (`withParameters`) when a history records it or when the
 * payload-limit check needs it walked. Null when the state has another shape.
 */
function compileDirectLambda(
  def: Record<string, unknown>,
  env: StateEnv,
  inputBound: TemplateBound | null,
  responses: PayloadResponses | null,
  withParameters: Invoke,
): Invoke | null {
  const resource = def.Resource as string;
  const raw = env.machine.handlers.resource(resource);
  if (!isLambdaInvoke(resource) || (raw !== undefined && answersRaw(raw, env.name))) return null;
  const params = def.Parameters;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return null;
  const fields = params as Record<string, unknown>;
  const functionName = fields.FunctionName;
  if (typeof functionName !== 'string' || ('Payload' in fields && 'Payload.$' in fields)) return null;
  if (!Object.keys(fields).every((key) => key === 'FunctionName' || key === 'Payload' || key === 'Payload.$')) return null;
  const handler = env.machine.handlers.lambda(functionName);
  // A function with no handler fails at run time, as AWS does: the general path says so.
  if (handler === undefined) return null;
  const payload: Builder = 'Payload.$' in fields ? compileDynamicValue(fields['Payload.$'] as string, 'Payload.$') : compileTemplate(fields.Payload);
  const limit = env.machine.limits.payloadBytes;
  const respond = responses !== null ? payloadResponse : lambdaResponse;
  return function invokeLambdaDirectly(selected, frame, timing) {
    if (frame.exec.history !== null || (limit !== Infinity && !(inputBound !== null && builtBound(inputBound, frame.valueBound, frame.vars) <= limit))) {
      return withParameters(selected, frame, timing);
    }
    const event = lambdaEvent(payload(selected, frame));
    frame.exec.eventId += 2;
    const result = callHandler(handler, event, frame, timing);
    return directCallEnded(result, frame, resource, respond, responses);
  };
}

/** A JSONata lambda:invoke called without its Arguments object (compileJsonataDirectLambda). */
interface DirectLambda {
  /** Whether this attempt may take the direct path: no history records the Arguments, and their bound proves they fit. */
  applies(frame: Frame): boolean;
  /** The Payload's value (undefined when there is none), or a promise of it. */
  payload(scope: StatesScope): unknown;
  /** The function's call with that Payload, answered as Lambda answers. */
  call(payload: unknown, frame: Frame, timing: Timing): unknown;
}

/**
 * compileDirectLambda for JSONata: Arguments that are a constant FunctionName and a Payload.
 * The Payload is evaluated alone and handed to the function found at compile time; the
 * Arguments object is built (the general path) only when a history records it or when the
 * payload-limit check must walk it. Null for other shapes, and when the function has no handler.
 */
function compileJsonataDirectLambda(
  def: Record<string, unknown>,
  env: StateEnv,
  argumentsBound: TemplateBound | null,
  responses: PayloadResponses | null,
): DirectLambda | null {
  const resource = def.Resource as string;
  const raw = env.machine.handlers.resource(resource);
  if (!isLambdaInvoke(resource) || (raw !== undefined && answersRaw(raw, env.name))) return null;
  const args = def.Arguments;
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return null;
  const fields = args as Record<string, unknown>;
  const functionName = fields.FunctionName;
  if (typeof functionName !== 'string' || isJsonataExpression(functionName)) return null;
  if (!Object.keys(fields).every((key) => key === 'FunctionName' || key === 'Payload')) return null;
  const handler = env.machine.handlers.lambda(functionName);
  if (handler === undefined) return null;
  // Its problems, if any, were reported when the Arguments were compiled.
  const payload = 'Payload' in fields ? compileJsonataValue(fields.Payload, stateField(env.pointer, 'Arguments').child('Payload'), []) : null;
  const limit = env.machine.limits.payloadBytes;
  const respond = responses !== null ? payloadResponse : lambdaResponse;
  return {
    applies(frame) {
      return (
        frame.exec.history === null && (limit === Infinity || (argumentsBound !== null && builtBound(argumentsBound, frame.valueBound, frame.vars) <= limit))
      );
    },
    payload(scope) {
      return payload === null ? undefined : payload(scope);
    },
    call(value, frame, timing) {
      const event = lambdaEvent(value);
      frame.exec.eventId += 2;
      return directCallEnded(callHandler(handler, event, frame, timing), frame, resource, respond, responses);
    },
  };
}

/** A direct lambda:invoke call's end (callHandler's `result`) as Lambda answers it, counted as callEnded counts the general path's. */
function directCallEnded(result: unknown, frame: Frame, resource: string, respond: (payload: unknown) => unknown, responses: PayloadResponses | null): unknown {
  if (isPromiseLike(result)) return callEnded(Promise.resolve(result).then(respond), frame, resource);
  if (result instanceof TaskFailure) return callEnded(result, frame, resource);
  return callEnded(responses !== null ? responses.take(result) : lambdaResponse(result), frame, resource);
}

function payloadResponse(payload: unknown): PayloadOnlyResponse {
  return new PayloadOnlyResponse(payload);
}

/**
 * The PayloadOnlyResponse a payload-only Task's calls share (32 B per call otherwise). A call
 * that answered synchronously takes the spare, or makes one when an attempt still holds it;
 * the state gives it back once nothing can read it any more (its result was handled
 * synchronously). Calls that answer with a promise make their own, so attempts that
 * overlap never share one.
 */
class PayloadResponses {
  private spare: PayloadOnlyResponse | null;
  constructor() {
    this.spare = null;
  }
  take(payload: unknown): PayloadOnlyResponse {
    const spare = this.spare;
    if (spare === null) return new PayloadOnlyResponse(payload);
    this.spare = null;
    spare.Payload = payload === undefined ? null : payload;
    return spare;
  }
  /** Keeps `response` for the next call, holding no value meanwhile. */
  give(response: PayloadOnlyResponse): void {
    response.Payload = null;
    this.spare = response;
  }
}

function compileTiming(def: Record<string, unknown>): Timing {
  const timeout = compileSeconds(def.TimeoutSeconds, def.TimeoutSecondsPath, 'TimeoutSecondsPath', NO_TIMEOUT);
  const heartbeat = compileSeconds(def.HeartbeatSeconds, def.HeartbeatSecondsPath, 'HeartbeatSecondsPath', 0);
  const bounded = 'TimeoutSeconds' in def || 'TimeoutSecondsPath' in def || 'HeartbeatSeconds' in def || 'HeartbeatSecondsPath' in def;
  const fromPaths = typeof def.TimeoutSecondsPath === 'string' || typeof def.HeartbeatSecondsPath === 'string';
  return { timeoutSeconds: timeout, heartbeatSeconds: heartbeat, bounded, fromPaths };
}

/** The attempt's timing, its paths read from `selected` (the state's input after InputPath). */
function resolveTiming(timing: Timing, selected: unknown, frame: Frame): Timing {
  return fixedTiming(timing.timeoutSeconds(selected, frame), timing.heartbeatSeconds(selected, frame));
}

function fixedTiming(timeout: number, heartbeat: number): Timing {
  return { timeoutSeconds: () => timeout, heartbeatSeconds: () => heartbeat, bounded: true, fromPaths: false };
}

/** JSONata TimeoutSeconds/HeartbeatSeconds: constants, or expressions evaluated before each attempt. */
function compileJsonataTiming(def: Record<string, unknown>, env: StateEnv): Timing | ((scope: StatesScope) => Timing | Promise<Timing>) {
  if (!isJsonataExpression(def.TimeoutSeconds) && !isJsonataExpression(def.HeartbeatSeconds)) return compileTiming(def);
  const problems = env.machine.problems;
  const timeout = compileNumber(def.TimeoutSeconds ?? NO_TIMEOUT, stateField(env.pointer, 'TimeoutSeconds'), problems, positiveSeconds('TimeoutSeconds'));
  const heartbeat = compileNumber(def.HeartbeatSeconds ?? 0, stateField(env.pointer, 'HeartbeatSeconds'), problems, {
    ...positiveSeconds('HeartbeatSeconds'),
    min: 'HeartbeatSeconds' in def ? 1 : 0,
  });
  return function evaluateTiming(scope) {
    return andThen(timeout(scope), (t) => andThen(heartbeat(scope), (h) => fixedTiming(t, h)));
  };
}

function positiveSeconds(field: string): NumberRule {
  return {
    integer: true,
    min: 1,
    max: NO_TIMEOUT,
    outOfRange: (v) => `The ${field} field must be a positive integer of at most ${NO_TIMEOUT}, but was: ${v}`,
  };
}

function compileSeconds(value: unknown, path: unknown, field: string, fallback: number) {
  if (typeof path === 'string') {
    const read = compileReferencePath(path);
    return function readSeconds(input: unknown, frame: Frame): number {
      const seconds = read(input, frame);
      if (seconds === undefined) throw runtimeError(frame, `Invalid path '${path}' : ${missingPathReason(path, input)}`);
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) {
        throw runtimeError(frame, `The ${field} parameter does not reference a positive integer: ${path} == ${jsonForCause(seconds)}`);
      }
      return seconds;
    };
  }
  const seconds = typeof value === 'number' ? value : fallback;
  return () => seconds;
}
