import { randomUUID } from 'node:crypto';
import { AslError, StatesErrors, jsonForCause, runtimeError } from '../run/errors.js';
import type { Frame } from '../run/frame.js';
import { andThen } from './jsonata/state.js';
import { isPromiseLike, type RunState } from '../run/state.js';
import { Suspension, activityStarted, mayPark, type ChildWait, type ResumeStep } from '../run/suspension.js';
import { TaskFailure, type Timing } from '../run/task-call.js';
import type { TaskTokens } from '../run/tokens.js';
import type { StateEnv } from './context.js';
import { answersFromMock, answersRaw } from './handlers.js';

/**
 * Standard workflows' task patterns: `.waitForTaskToken` callbacks, `.sync` jobs, nested
 * executions (`states:startExecution`) and activities. compile() refuses them unless it is
 * given `integrations`, the object that owns what lives between transitions: task tokens,
 * activity queues and other executions (createService() passes its own).
 */
export interface Integrations {
  /** The tokens of callback and activity tasks; SendTaskSuccess/Failure/Heartbeat settle them. */
  readonly tokens: TaskTokens;
  /** False when the activity does not exist (deleted, or never created): the Task fails with States.Runtime, as AWS records it. */
  activityExists?(activityArn: string): boolean;
  /** An activity task is ready: a worker's GetActivityTask should receive `{ taskToken, input }`. */
  scheduleActivity?(activityArn: string, taskToken: string, input: unknown): void;
  /** The activity task ended before or without a worker's answer (timeout, stop): drop it from its queue. */
  withdrawActivity?(activityArn: string, taskToken: string): void;
  /** Starts an execution for `states:startExecution[.sync|.sync:2|.waitForTaskToken]` and `aws-sdk:sfn:startExecution`. */
  startExecution?(request: NestedStart): StartedExecution | Promise<StartedExecution>;
  /** Settles when the execution ends, with its DescribeExecution answer. */
  executionEnded?(executionArn: string): Promise<EndedExecution>;
  /** Stops an execution (its `.sync` parent was stopped, failed, or timed out). */
  stopExecution?(executionArn: string, error: string, cause: string): void;
  /** `aws-sdk:sfn:startSyncExecution`: runs an EXPRESS machine to its end. */
  startSyncExecution?(request: NestedStart): Promise<EndedExecution>;
}

/** A child execution to start, as the task's Parameters/Arguments ask for it. */
export interface NestedStart {
  readonly stateMachineArn: string;
  readonly name: string | undefined;
  /** The child's input as JSON text. */
  readonly input: string;
  /** The execution whose task starts it. */
  readonly parentExecutionArn: string;
}

export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate: Date;
}

/** What DescribeExecution answers for an execution that ended (the fields a `.sync` task reads). */
export interface EndedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * Calls a task's resource with its effective input within its timing (see task.ts): its
 * result, a promise of it, or a TaskFailure (run/task-call.ts) when the handler threw.
 */
export type { Timing };
export type Invoke = (effectiveInput: unknown, frame: Frame, timing: Timing) => unknown;

/** How a Task's Resource asks to be run. */
export type TaskPattern = 'request' | 'callback' | 'sync' | 'activity';

const activityArn = /^arn:[^:]*:states:[^:]*:[^:]*:activity:[^:]+$/;
const suffix = /\.(waitForTaskToken|sync(?::(\d+))?)$/;
const STATES_START_EXECUTION = 'arn:aws:states:::states:startExecution';
const SDK_START_EXECUTION = 'arn:aws:states:::aws-sdk:sfn:startExecution';
const SDK_START_SYNC_EXECUTION = 'arn:aws:states:::aws-sdk:sfn:startSyncExecution';
/** AWS injects this into a nested execution's input so the child knows its parent. */
const STARTED_BY = 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID';

export interface ParsedResource {
  readonly pattern: TaskPattern;
  /** The Resource without its `.waitForTaskToken` / `.sync` / `.sync:N` suffix. */
  readonly base: string;
  /** 2 for `.sync:2` (JSON output), 1 for `.sync`, 0 otherwise. */
  readonly syncVersion: number;
}

function parseResource(resource: string): ParsedResource {
  if (activityArn.test(resource)) return { pattern: 'activity', base: resource, syncVersion: 0 };
  const match = suffix.exec(resource);
  if (match === null) return { pattern: 'request', base: resource, syncVersion: 0 };
  const base = resource.slice(0, match.index);
  if (match[1] === 'waitForTaskToken') return { pattern: 'callback', base, syncVersion: 0 };
  return { pattern: 'sync', base, syncVersion: match[2] === undefined ? 1 : Number(match[2]) };
}

/** The ordinary call of a Resource's handler, or null when no handler answers it. */
export type PlainCall = (resource: string) => Invoke | null;

const UNBOUNDED: Timing = { timeoutSeconds: () => 99_999_999, heartbeatSeconds: () => 0, bounded: false, fromPaths: false };

/**
 * The call of a Task whose Resource needs Standard machinery, or null when it is an ordinary
 * call. Handlers are found by the full Resource first, then by the Resource without its
 * suffix; `states:startExecution` and `aws-sdk:sfn:start[Sync]Execution` without a handler
 * go to the integrations. Pushes a problem when nothing answers.
 */
export function compilePatternCall(def: Record<string, unknown>, env: StateEnv, plain: PlainCall): Invoke | null {
  const resource = def.Resource as string;
  const integrations = env.machine.integrations;
  const parsed = parseResource(resource);
  if (integrations === null) return null;
  const own = env.machine.handlers.resource(resource);
  // A mock answering the full Resource gives the task's result itself, as Step Functions Local mocks do.
  if (own !== undefined && answersRaw(own, env.name)) {
    const job = parsed.pattern === 'callback' || parsed.pattern === 'sync';
    return job && answersFromMock(own, env.name) ? compileMockedJob(plain(resource)!, resource) : null;
  }
  switch (parsed.pattern) {
    case 'request':
      if (own !== undefined) return null;
      return compileBuiltin(resource, integrations);
    case 'activity':
      return compileActivity(resource, integrations, env);
    case 'callback': {
      const call = plain(resource) ?? compileBuiltin(parsed.base, integrations) ?? plain(parsed.base);
      if (call === null) return missingHandler(resource, parsed.base, env);
      return compileCallback(call, resource, integrations);
    }
    case 'sync': {
      const call = plain(resource);
      if (call !== null) return call;
      if (parsed.base === STATES_START_EXECUTION && integrations.startExecution !== undefined) {
        return compileNestedSync(resource, parsed.syncVersion, integrations, env);
      }
      return plain(parsed.base) ?? missingHandler(resource, parsed.base, env);
    }
  }
}

/**
 * An attempt of a callback or activity task runs with a fresh token in `$$.Task.Token`
 * (each retry gets its own, as on AWS). Other tasks run as they are. An attempt that
 * suspends its execution (see suspends()) hands its Suspension the state's node, raw input
 * and result step (`resume`), to re-enter the state when the token is answered.
 */
export function withTaskToken(attempt: RunState, def: Record<string, unknown>, env: StateEnv, resume: ResumeStep): RunState {
  const integrations = env.machine.integrations;
  if (integrations === null) return attempt;
  const resource = def.Resource as string;
  const parsed = parseResource(resource);
  const mintsToken = parsed.pattern === 'callback' || parsed.pattern === 'activity';
  // A nested `.sync` child's wait carries no token of its own in $$.Task.Token, but suspends as a callback does.
  const followsChild =
    parsed.pattern === 'sync' &&
    parsed.base === STATES_START_EXECUTION &&
    integrations.startExecution !== undefined &&
    env.machine.handlers.resource(resource) === undefined;
  if (!mintsToken && !followsChild) return attempt;
  const tokens = integrations.tokens;
  const node = env.lookup(env.name);
  function resumable(thrown: unknown, input: unknown): never {
    if (thrown instanceof Suspension) {
      thrown.node = node;
      thrown.rawInput = input;
      thrown.resume = resume;
    }
    throw thrown;
  }
  return function attemptWithToken(input, frame) {
    if (mintsToken) frame.taskToken = tokens.mint();
    let out: unknown;
    try {
      out = attempt(input, frame);
    } catch (thrown) {
      if (mintsToken) frame.taskToken = null;
      return resumable(thrown, input);
    }
    // An attempt that went asynchronous before its call (JSONata Arguments) suspends later.
    if (isPromiseLike(out) && suspends(frame)) return Promise.resolve(out).then(undefined, (thrown) => resumable(thrown, input));
    return out;
  };
}

/**
 * Whether a task waiting for its token suspends its execution (a plain-data Suspension, no
 * promise): see mayPark(). Inside a distributed Map's iteration the wait stays a promise,
 * which the iterations' join awaits.
 */
function suspends(frame: Frame): boolean {
  return mayPark(frame);
}

function missingHandler(resource: string, base: string, env: StateEnv): Invoke {
  env.machine.problems.push({
    code: 'ERR_ASL_NO_HANDLER',
    pointer: `${env.pointer}/Resource`,
    message: `state '${env.name}' uses Resource '${resource}', which has no handler; pass one keyed by '${resource}' or '${base}' in compile(definition, { handlers })`,
  });
  return () => undefined;
}

/** The token the attempt minted; handed out once, so later states do not see it. */
function takeToken(frame: Frame): string {
  const token = frame.taskToken!;
  frame.taskToken = null;
  return token;
}

function waitTimes(timing: Timing, effective: unknown, frame: Frame): [number, number] {
  return [timing.timeoutSeconds(effective, frame) * 1000, timing.heartbeatSeconds(effective, frame) * 1000];
}

/**
 * `.waitForTaskToken`: the wait is registered before the resource is called (a handler may
 * answer at once, through the service), the resource's own answer is ignored, and its
 * failure fails the attempt.
 */
function compileCallback(call: Invoke, resource: string, integrations: Integrations): Invoke {
  const tokens = integrations.tokens;
  return function invokeWithCallback(effective, frame, timing) {
    const token = frame.taskToken!;
    const [timeoutMs, heartbeatMs] = waitTimes(timing, effective, frame);
    if (suspends(frame)) return suspendOnCallback(call, resource, tokens, token, effective, frame, timeoutMs, heartbeatMs);
    const answer = tokens.wait(token, frame.exec, timeoutMs, heartbeatMs);
    const called = callHoldingToken(call, tokens, token, effective, frame);
    if (called instanceof TaskFailure) return called;
    if (!isPromiseLike(called)) {
      // The answer settles in a later microtask at the earliest, so TaskSubmitted comes first.
      taskSubmitted(frame, resource, called);
      return answer;
    }
    return new Promise((resolve, reject) => {
      answer.then(resolve, reject);
      Promise.resolve(called).then(
        (output) => {
          if (tokens.isPending(token)) taskSubmitted(frame, resource, output);
        },
        (thrown) => {
          tokens.withdraw(token);
          reject(thrown);
        },
      );
    });
  };
}

/**
 * A mocked callback or `.sync` task: its mocked response is the callback's or job's outcome,
 * which on AWS follows the request's TaskSubmitted. No service answered the request, so the
 * event's output is `{}`, as for a handler that returns nothing.
 */
function compileMockedJob(call: Invoke, resource: string): Invoke {
  return function invokeMockedJob(effective, frame, timing) {
    taskSubmitted(frame, resource, undefined);
    return call(effective, frame, timing);
  };
}

/** TaskSubmitted: a callback's or `.sync` job's request went out, `output` the service's answer; its id is counted with or without a history. */
function taskSubmitted(frame: Frame, resource: string, output: unknown): void {
  frame.exec.eventId++;
  frame.exec.history?.taskSubmitted(frame, resource, output);
}

/**
 * The resource's call of a callback Task. Its handler context (ctx.context.Task.Token) reads
 * the token from the frame, which hands it out only for this call; a call that fails
 * withdraws the token, so no answer can come for it.
 */
function callHoldingToken(call: Invoke, tokens: TaskTokens, token: string, effective: unknown, frame: Frame): unknown {
  try {
    const called = call(effective, frame, UNBOUNDED);
    if (called instanceof TaskFailure) tokens.withdraw(token);
    return called;
  } catch (thrown) {
    tokens.withdraw(token);
    throw thrown;
  } finally {
    frame.taskToken = null;
  }
}

/**
 * A callback on the main line: the resource is called as above, then the execution suspends
 * (throws its Suspension); a call that failed at once fails the attempt instead (its TaskFailure).
 */
function suspendOnCallback(
  call: Invoke,
  resource: string,
  tokens: TaskTokens,
  token: string,
  effective: unknown,
  frame: Frame,
  timeoutMs: number,
  heartbeatMs: number,
): TaskFailure {
  const suspension = tokens.suspend(token, frame, timeoutMs, heartbeatMs);
  const called = callHoldingToken(call, tokens, token, effective, frame);
  if (called instanceof TaskFailure) return called;
  if (!isPromiseLike(called)) {
    // An answer given inside the call waits in the suspension until the execution is parked: TaskSubmitted comes first.
    taskSubmitted(frame, resource, called);
    throw suspension;
  }
  Promise.resolve(called).then(
    (output) => {
      if (!tokens.isPending(token)) return;
      taskSubmitted(frame, resource, output);
      // The execution may have parked meanwhile: its durable record holds the event ids as they were.
      suspension.waitChanged();
    },
    (thrown) => tokens.failWith(token, thrown),
  );
  throw suspension;
}

/** An activity task: queued for a worker (GetActivityTask), settled by its SendTask* calls. */
function compileActivity(resource: string, integrations: Integrations, env: StateEnv): Invoke {
  const tokens = integrations.tokens;
  if (integrations.scheduleActivity === undefined) {
    env.machine.problems.push({
      code: 'ERR_ASL_UNSUPPORTED_INTEGRATION',
      pointer: `${env.pointer}/Resource`,
      message: `state '${env.name}' runs activity '${resource}', but the integrations given to compile() serve no activities`,
    });
    return () => undefined;
  }
  return function invokeActivity(effective, frame, timing) {
    const token = takeToken(frame);
    const [timeoutMs, heartbeatMs] = waitTimes(timing, effective, frame);
    if (suspends(frame)) {
      const suspension = tokens.suspend(token, frame, timeoutMs, heartbeatMs, { arn: resource, input: effective, queues: integrations, taken: false });
      tokens.whenStarted(token, (workerName) => suspension.activityTaken(workerName));
      integrations.scheduleActivity!(resource, token, effective);
      throw suspension;
    }
    const answer = tokens.wait(token, frame.exec, timeoutMs, heartbeatMs, true);
    tokens.whenStarted(token, (workerName) => activityStarted(frame, workerName));
    integrations.scheduleActivity!(resource, token, effective);
    if (integrations.withdrawActivity === undefined) return answer;
    return answer.finally(() => integrations.withdrawActivity!(resource, token));
  };
}

/** Resources the integrations answer when no handler does: starting executions. */
function compileBuiltin(resource: string, integrations: Integrations): Invoke | null {
  if (resource === STATES_START_EXECUTION && integrations.startExecution !== undefined) {
    return function invokeStartExecution(effective, frame) {
      return andThen(startChild(integrations, effective, frame, 'StepFunctions'), startedOutput);
    };
  }
  if (resource === SDK_START_EXECUTION && integrations.startExecution !== undefined) {
    return function invokeSdkStartExecution(effective, frame) {
      return andThen(startChild(integrations, effective, frame, 'Sfn'), startedOutput);
    };
  }
  if (resource === SDK_START_SYNC_EXECUTION && integrations.startSyncExecution !== undefined) {
    return function invokeSdkStartSyncExecution(effective, frame) {
      const request = nestedStart(effective, frame);
      return integrations.startSyncExecution!(request).then(syncExecutionOutput, (thrown) => {
        throw serviceFailure(thrown, 'Sfn');
      });
    };
  }
  return null;
}

/**
 * `states:startExecution.sync` (Output as JSON text) and `.sync:2` (Output as JSON): the
 * task waits for the child's end; a child that does not succeed fails the task with
 * States.TaskFailed, its DescribeExecution answer as the cause. The task's timeout and the
 * parent's end stop the child.
 */
function compileNestedSync(resource: string, version: number, integrations: Integrations, env: StateEnv): Invoke {
  const tokens = integrations.tokens;
  if (integrations.executionEnded === undefined) {
    env.machine.problems.push({
      code: 'ERR_ASL_UNSUPPORTED_INTEGRATION',
      pointer: `${env.pointer}/Resource`,
      message: `state '${env.name}' waits for a nested execution, but the integrations given to compile() cannot follow executions`,
    });
    return () => undefined;
  }
  return function invokeNestedSync(effective, frame, timing) {
    const [timeoutMs, heartbeatMs] = waitTimes(timing, effective, frame);
    if (suspends(frame)) return suspendOnChild(resource, version, integrations, effective, frame, timeoutMs, heartbeatMs);
    return andThen(startChild(integrations, effective, frame, 'StepFunctions'), (started) => {
      taskSubmitted(frame, resource, startedOutput(started));
      // The child's end settles a private token, so the task's timeout and the parent's end apply as to callbacks.
      const token = tokens.mint();
      const answer = tokens.wait(token, frame.exec, timeoutMs, heartbeatMs);
      const child = childWait(integrations, version);
      child.executionArn = started.executionArn;
      child.follow(token);
      return answer.then(undefined, (thrown) => {
        if (!child.ended) child.stop(thrown);
        throw thrown;
      });
    });
  };
}

/**
 * A `.sync` child started on the main line: the execution suspends on a private token
 * (registered before the child starts) that the child's end settles; its durable record
 * names the child once the start is answered, so a restart follows the same child again.
 */
function suspendOnChild(
  resource: string,
  version: number,
  integrations: Integrations,
  effective: unknown,
  frame: Frame,
  timeoutMs: number,
  heartbeatMs: number,
): never {
  const tokens = integrations.tokens;
  const token = tokens.mint();
  const child = childWait(integrations, version);
  let suspension: Suspension;
  try {
    suspension = tokens.suspend(token, frame, timeoutMs, heartbeatMs);
  } catch (thrown) {
    // A probe after a restart stops here, starting nothing: its suspension hands over how to follow the child.
    if (thrown instanceof Suspension) thrown.child = child;
    throw thrown;
  }
  suspension.child = child;
  let started: StartedExecution | Promise<StartedExecution>;
  try {
    started = startChild(integrations, effective, frame, 'StepFunctions');
  } catch (thrown) {
    tokens.withdraw(token);
    throw thrown;
  }
  const onStarted = (done: StartedExecution) => {
    taskSubmitted(frame, resource, startedOutput(done));
    suspension.childStarted(done.executionArn);
    child.follow(token);
  };
  if (isPromiseLike(started)) Promise.resolve(started).then(onStarted, (thrown) => tokens.failWith(token, thrown));
  else onStarted(started);
  throw suspension;
}

/** A `.sync` Task's child: its end settles the wait's token with its DescribeExecution answer in `version`'s shape, or States.TaskFailed. */
function childWait(integrations: Integrations, version: number): ChildWait {
  const tokens = integrations.tokens;
  const child: ChildWait = {
    executionArn: '',
    ended: false,
    follow(token) {
      // A restart takes parked executions back one by one: the child may come back after its parent.
      Promise.resolve(child.executionArn)
        .then((arn) => integrations.executionEnded!(arn))
        .then(
          (ended) => {
            child.ended = true;
            if (ended.status === 'SUCCEEDED') tokens.succeed(token, describeOutput(ended, version));
            else tokens.fail(token, StatesErrors.TaskFailed, JSON.stringify(describeOutput(ended, version)));
          },
          (thrown) => {
            child.ended = true;
            tokens.fail(token, StatesErrors.TaskFailed, thrown instanceof Error ? thrown.message : String(thrown));
          },
        );
    },
    stop(reason) {
      const error = reason instanceof AslError ? reason : null;
      integrations.stopExecution?.(child.executionArn, error?.error ?? 'States.Aborted', error?.cause ?? 'The parent execution ended.');
    },
  };
  return child;
}

function startChild(
  integrations: Integrations,
  effective: unknown,
  frame: Frame,
  service: 'StepFunctions' | 'Sfn',
): StartedExecution | Promise<StartedExecution> {
  const request = nestedStart(effective, frame);
  let started: StartedExecution | Promise<StartedExecution>;
  try {
    started = integrations.startExecution!(request);
  } catch (thrown) {
    throw serviceFailure(thrown, service);
  }
  if (isPromiseLike(started)) {
    return Promise.resolve(started).then(undefined, (thrown) => {
      throw serviceFailure(thrown, service);
    });
  }
  return started;
}

/** The StartExecution request a task's effective input spells (StateMachineArn, Input, Name). */
function nestedStart(effective: unknown, frame: Frame): NestedStart {
  const args = (effective ?? {}) as Record<string, unknown>;
  const stateMachineArn = args.StateMachineArn;
  if (typeof stateMachineArn !== 'string') {
    throw runtimeError(frame, `The field 'StateMachineArn' is required and must be a string, but was: ${jsonForCause(stateMachineArn)}`);
  }
  const name = args.Name;
  if (name !== undefined && typeof name !== 'string') {
    throw runtimeError(frame, `The field 'Name' must be a string, but was: ${jsonForCause(name)}`);
  }
  return { stateMachineArn, name, input: childInput(args.Input, frame.exec.id), parentExecutionArn: frame.exec.id };
}

/** Input as an object gains the parent's id under AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID; text passes as it is. */
function childInput(input: unknown, parentArn: string): string {
  if (input === undefined || input === null) return JSON.stringify({ [STARTED_BY]: parentArn });
  if (typeof input === 'string') return input;
  if (typeof input === 'object' && !Array.isArray(input) && !(STARTED_BY in input)) {
    return JSON.stringify({ ...(input as Record<string, unknown>), [STARTED_BY]: parentArn });
  }
  return JSON.stringify(input);
}

function startedOutput(started: StartedExecution): Record<string, unknown> {
  return { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime() };
}

/** The DescribeExecution answer a `.sync` task returns: Input/Output as JSON text (`.sync`) or JSON (`.sync:2`). */
function describeOutput(ended: EndedExecution, version: number): Record<string, unknown> {
  const json = version >= 2;
  const out: Record<string, unknown> = {
    ExecutionArn: ended.executionArn,
    Input: json ? parseOrText(ended.input) : ended.input,
    InputDetails: { Included: true },
    Name: ended.name,
  };
  if (ended.output !== undefined) {
    out.Output = json ? parseOrText(ended.output) : ended.output;
    out.OutputDetails = { Included: true };
  }
  out.StartDate = ended.startDate.getTime();
  out.StateMachineArn = ended.stateMachineArn;
  out.Status = ended.status;
  if (ended.stopDate !== undefined) out.StopDate = ended.stopDate.getTime();
  if (ended.error !== undefined) out.Error = ended.error;
  if (ended.cause !== undefined) out.Cause = ended.cause;
  return out;
}

/** StartSyncExecution's answer as the aws-sdk integration returns it (PascalCase; a failed child does not fail the task). */
function syncExecutionOutput(ended: EndedExecution): Record<string, unknown> {
  const out = describeOutput(ended, 1);
  out.BillingDetails = { BilledDurationInMilliseconds: 100, BilledMemoryUsedInMB: 64 };
  return out;
}

function parseOrText(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A service refusal (a ServiceError: `name` is AWS's exception name) as the task error AWS
 * raises: `StepFunctions.<Name>Exception` for the optimized integration, `Sfn.<Name>Exception`
 * for the aws-sdk one, with the SDK's wording of the cause.
 */
function serviceFailure(thrown: unknown, service: 'StepFunctions' | 'Sfn'): AslError {
  if (thrown instanceof AslError) return thrown;
  const name = thrown instanceof Error ? thrown.name : 'ServiceException';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const exception = name.endsWith('Exception') ? name : `${name}Exception`;
  const cause =
    service === 'StepFunctions'
      ? `${message} (Service: AWSStepFunctions; Status Code: 400; Error Code: ${name}; Request ID: ${randomUUID()}; Proxy: null)`
      : `${message} (Service: Sfn, Status Code: 400, Request ID: ${randomUUID()})`;
  return new AslError(`${service}.${exception}`, cause);
}
