import { randomUUID } from 'node:crypto';
import { AslError, StatesErrors, jsonForCause, runtimeError } from '../../run/errors.js';
import { contextObject, type Frame } from '../../run/frame.js';
import { jsonByteLength } from '../../run/limits.js';
import { isPromiseLike, type RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { LAMBDA_INVOKE, type Handler, type TaskContext } from '../handlers.js';
import { compileResultPath, compileSelectPath, identity, type Transform } from '../io.js';
import { compileReferencePath } from '../paths.js';
import { withRecovery } from '../recovery.js';
import { compileTemplate } from '../templates.js';

/** AWS's default Task timeout: 99999999 seconds, i.e. none (the spec's 60 is not what AWS does). */
const NO_TIMEOUT = 99_999_999;

/**
 * Task: InputPath → Parameters → handler → ResultSelector → ResultPath → OutputPath, with
 * Retry and Catch around the whole attempt. A handler that returns a plain value keeps the
 * execution synchronous; timers exist only while a handler's promise is pending.
 */
export function compileTask(def: Record<string, unknown>, env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const parameters: Transform = 'Parameters' in def ? compileTemplate(def.Parameters) : identity;
  const resultSelector: Transform = 'ResultSelector' in def ? compileTemplate(def.ResultSelector) : identity;
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const invoke = compileInvocation(def, env);
  const stateName = env.name;
  const payloadLimit = env.machine.limits.payloadBytes;

  function finish(raw: unknown, result: unknown, frame: Frame): unknown {
    if (payloadLimit !== Infinity && jsonByteLength(result, payloadLimit) > payloadLimit) {
      throw new AslError(
        StatesErrors.DataLimitExceeded,
        `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    return outputPath(resultPath(raw, resultSelector(result, frame), frame), frame);
  }

  function attemptTask(input: unknown, frame: Frame): unknown {
    const effective = parameters(inputPath(input, frame), frame);
    const result = invoke(effective, frame);
    if (isPromiseLike(result)) return Promise.resolve(result).then((r) => finish(input, r, frame));
    return finish(input, result, frame);
  }
  return withRecovery(attemptTask, def, env);
}

type Invoke = (effectiveInput: unknown, frame: Frame) => unknown;

function compileInvocation(def: Record<string, unknown>, env: StateEnv): Invoke {
  const resource = def.Resource as string;
  const timing = compileTiming(def);
  if (resource === LAMBDA_INVOKE || resource.startsWith(LAMBDA_INVOKE + ':')) return compileLambdaInvoke(env, timing);
  const handler = env.machine.handlers.resource(resource);
  if (handler === undefined) {
    env.machine.problems.push({
      code: 'ERR_ASL_NO_HANDLER',
      pointer: `${env.pointer}/Resource`,
      message: `state '${env.name}' uses Resource '${resource}', which has no handler; pass one as compile(definition, { handlers: { '${resource}': (input, ctx) => … } })`,
    });
    return () => undefined;
  }
  return function invokeHandler(effective, frame) {
    return callHandler(handler, effective, frame, timing);
  };
}

/**
 * `arn:aws:states:::lambda:invoke`: the function comes from FunctionName, the event from
 * Payload, and the result is wrapped in Lambda's response envelope, as AWS does.
 */
function compileLambdaInvoke(env: StateEnv, timing: Timing): Invoke {
  const handlers = env.machine.handlers;
  return function invokeLambda(effective, frame) {
    const args = (effective ?? {}) as Record<string, unknown>;
    const functionName = args.FunctionName;
    if (typeof functionName !== 'string') {
      throw runtimeError(frame, `The field 'FunctionName' is required and must be a string, but was: ${jsonForCause(functionName)}`);
    }
    const handler = handlers.lambda(functionName);
    if (handler === undefined) {
      throw new AslError(
        'Lambda.ResourceNotFoundException',
        `Function not found: ${functionName} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException)`,
      );
    }
    const result = callHandler(handler, lambdaEvent(args.Payload), frame, timing);
    if (isPromiseLike(result)) return Promise.resolve(result).then(lambdaResponse);
    return lambdaResponse(result);
  };
}

/** AWS sends a null Payload as `{}` and a string Payload as raw JSON text. */
function lambdaEvent(payload: unknown): unknown {
  if (payload === undefined || payload === null) return {};
  if (typeof payload === 'string') {
    try {
      return JSON.parse(payload);
    } catch {
      return payload;
    }
  }
  return payload;
}

function lambdaResponse(payload: unknown): unknown {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload === undefined ? null : payload,
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'X-Amz-Executed-Version': ['$LATEST'],
        'x-amzn-Remapped-Content-Length': ['0'],
        Connection: ['keep-alive'],
        'x-amzn-RequestId': [requestId],
        'Content-Type': ['application/json'],
      },
      HttpHeaders: {
        Connection: 'keep-alive',
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-Remapped-Content-Length': '0',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** TimeoutSeconds / HeartbeatSeconds, as constants or read from the input at run time. */
interface Timing {
  timeoutSeconds(input: unknown, frame: Frame): number;
  heartbeatSeconds(input: unknown, frame: Frame): number;
  readonly bounded: boolean;
}

function compileTiming(def: Record<string, unknown>): Timing {
  const timeout = compileSeconds(def.TimeoutSeconds, def.TimeoutSecondsPath, 'TimeoutSecondsPath', NO_TIMEOUT);
  const heartbeat = compileSeconds(def.HeartbeatSeconds, def.HeartbeatSecondsPath, 'HeartbeatSecondsPath', 0);
  const bounded = 'TimeoutSeconds' in def || 'TimeoutSecondsPath' in def || 'HeartbeatSeconds' in def || 'HeartbeatSecondsPath' in def;
  return { timeoutSeconds: timeout, heartbeatSeconds: heartbeat, bounded };
}

function compileSeconds(value: unknown, path: unknown, field: string, fallback: number) {
  if (typeof path === 'string') {
    const read = compileReferencePath(path);
    return function readSeconds(input: unknown, frame: Frame): number {
      const seconds = read(input, frame);
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) {
        throw runtimeError(frame, `The ${field} parameter does not reference a positive integer: ${path} == ${jsonForCause(seconds)}`);
      }
      return seconds;
    };
  }
  const seconds = typeof value === 'number' ? value : fallback;
  return () => seconds;
}

class HandlerContext implements TaskContext {
  readonly attempt: number;
  readonly signal: AbortSignal;
  private readonly frame: Frame;
  private readonly onHeartbeat: (() => void) | null;
  constructor(frame: Frame, signal: AbortSignal, onHeartbeat: (() => void) | null) {
    this.frame = frame;
    this.attempt = frame.retryCount + 1;
    this.signal = signal;
    this.onHeartbeat = onHeartbeat;
  }
  get context(): Record<string, unknown> {
    return contextObject(this.frame);
  }
  heartbeat(): void {
    if (this.onHeartbeat !== null) this.onHeartbeat();
  }
}

/** A handler's throw, as an ASL error: its `name` is the error, its `message` the cause. */
export function handlerError(thrown: unknown): AslError {
  if (thrown instanceof AslError) return thrown;
  if (thrown instanceof Error) return new AslError(thrown.name || 'Error', thrown.message);
  if (typeof thrown === 'string') return new AslError(StatesErrors.TaskFailed, thrown);
  return new AslError(StatesErrors.TaskFailed, `The task handler threw a non-Error value: ${jsonForCause(thrown)}`);
}

function callHandler(handler: Handler, input: unknown, frame: Frame, timing: Timing): unknown {
  if (!timing.bounded) {
    let result: unknown;
    try {
      result = handler(input, new HandlerContext(frame, frame.exec.signal, null));
    } catch (thrown) {
      throw handlerError(thrown);
    }
    if (isPromiseLike(result)) return Promise.resolve(result).then(undefined, rejectAsAslError);
    return result;
  }
  return callWithDeadlines(handler, input, frame, timing);
}

function rejectAsAslError(thrown: unknown): never {
  throw handlerError(thrown);
}

/** A handler run under TimeoutSeconds/HeartbeatSeconds: a race against the clock, aborting the loser. */
function callWithDeadlines(handler: Handler, input: unknown, frame: Frame, timing: Timing): unknown {
  const timeoutMs = timing.timeoutSeconds(input, frame) * 1000;
  const heartbeatMs = timing.heartbeatSeconds(input, frame) * 1000;
  const exec = frame.exec;
  const controller = new AbortController();
  const stopTimers = new AbortController();
  const forwardAbort = () => controller.abort(exec.signal.reason);
  exec.signal.addEventListener('abort', forwardAbort, { once: true });
  let heartbeatController: AbortController | null = null;
  let rejectHeartbeat: (e: unknown) => void = () => {};
  const heartbeatLapse = new Promise<never>((_, reject) => (rejectHeartbeat = reject));
  function onHeartbeat() {
    if (heartbeatMs <= 0) return;
    heartbeatController?.abort();
    heartbeatController = new AbortController();
    exec.clock.sleep(heartbeatMs, heartbeatController.signal).then(
      () => rejectHeartbeat(new AslError(StatesErrors.HeartbeatTimeout, null)),
      () => {},
    );
  }
  let result: unknown;
  try {
    result = handler(input, new HandlerContext(frame, controller.signal, onHeartbeat));
  } catch (thrown) {
    exec.signal.removeEventListener('abort', forwardAbort);
    throw handlerError(thrown);
  }
  if (!isPromiseLike(result)) {
    exec.signal.removeEventListener('abort', forwardAbort);
    return result;
  }
  onHeartbeat();
  const timeout = new Promise<never>((_, reject) => {
    exec.clock.sleep(timeoutMs, stopTimers.signal).then(
      () => reject(new AslError(StatesErrors.Timeout, null)),
      () => {},
    );
  });
  const work = Promise.resolve(result).then(undefined, rejectAsAslError);
  function cleanUp() {
    stopTimers.abort();
    heartbeatController?.abort();
    exec.signal.removeEventListener('abort', forwardAbort);
  }
  return Promise.race([work, timeout, heartbeatLapse]).then(
    (value) => {
      cleanUp();
      return value;
    },
    (error) => {
      cleanUp();
      // The handler lost the race (or failed): tell it to stop.
      controller.abort(error);
      throw error;
    },
  );
}
