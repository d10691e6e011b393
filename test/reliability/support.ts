import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import {
  compile,
  DefinitionError,
  ExecutionResult,
  ProblemCodes,
  virtualClock,
  type Clock,
  type CompileOptions,
  type Handlers,
  type Machine,
  type Problem,
} from '../../src/index.js';

/**
 * What the reliability tests share: fuzzing budgets, the invariants every run must keep
 * (a settled result, no changed prototype, compile's one kind of failure), and a clock
 * under which even an endless loop times out quickly.
 */

/**
 * Runs per property. The defaults keep the reliability suite near 20 s on a busy 2-core
 * machine; `STATEMILL_FUZZ_RUNS=5000 npm test` searches harder, `STATEMILL_FUZZ_SEED`
 * replays a failure that fast-check reported.
 */
export function fuzzOptions<T>(defaultRuns: number): fc.Parameters<T> {
  const runs = Number(process.env.STATEMILL_FUZZ_RUNS);
  const seed = Number(process.env.STATEMILL_FUZZ_SEED);
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(Number.isInteger(seed) ? { seed } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Prototypes

/** The built-in prototypes a hostile key could reach. */
const prototypes: ReadonlyArray<readonly [string, object]> = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['Error.prototype', Error.prototype],
  ['Promise.prototype', Promise.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Date.prototype', Date.prototype],
];

export type PrototypeSnapshot = ReadonlyMap<string, unknown>;

/** Every own key of every built-in prototype with its value (or accessors), and each prototype's own prototype. */
export function snapshotPrototypes(): PrototypeSnapshot {
  const snapshot = new Map<string, unknown>();
  for (const [name, proto] of prototypes) {
    snapshot.set(`${name} [[Prototype]]`, Object.getPrototypeOf(proto));
    snapshot.set(`${name} extensible`, Object.isExtensible(proto));
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      const label = `${name}.${String(key)}`;
      snapshot.set(label, 'value' in d ? d.value : [d.get, d.set]);
      snapshot.set(`${label} enumerable`, d.enumerable);
    }
  }
  return snapshot;
}

export function assertPrototypesUnchanged(before: PrototypeSnapshot): void {
  const after = snapshotPrototypes();
  const changed: string[] = [];
  for (const [key, value] of after) {
    const old = before.get(key);
    const same = Array.isArray(value) && Array.isArray(old) ? value[0] === old[0] && value[1] === old[1] : Object.is(value, old);
    if (!same || !before.has(key)) changed.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) changed.push(key);
  assert.equal(changed, [], 'built-in prototypes changed');
}

// ---------------------------------------------------------------------------------------------
// Results and definition errors

const statuses = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const problemCodes = new Set<string>(Object.values(ProblemCodes));

/** The invariants of every settled execution, whatever it ran. */
export function assertSettled(result: unknown, context = ''): asserts result is ExecutionResult {
  assert.instance(result, ExecutionResult, `not an ExecutionResult ${context}`);
  const r = result as ExecutionResult;
  assert.ok(statuses.has(r.status), `status ${String(r.status)} ${context}`);
  assert.ok(r.startDate instanceof Date && !Number.isNaN(r.startDate.getTime()), `startDate ${context}`);
  assert.ok(r.stopDate.getTime() >= r.startDate.getTime(), `stopDate before startDate ${context}`);
  if (r.status === 'SUCCEEDED') {
    assert.is(r.error, undefined, `a SUCCEEDED result has no error ${context}`);
  } else {
    assert.is(r.output, undefined, `a ${r.status} result has no output ${context}`);
    assert.ok(r.error === null || typeof r.error === 'string', `error ${String(r.error)} ${context}`);
    assert.ok(r.cause === null || r.cause === undefined || typeof r.cause === 'string', `cause ${context}`);
  }
}

/** A DefinitionError carries at least one well-formed problem. */
export function assertDefinitionError(thrown: unknown, context = ''): asserts thrown is DefinitionError {
  if (!(thrown instanceof DefinitionError)) {
    const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack}` : String(thrown);
    assert.unreachable(`compile threw something other than a DefinitionError ${context}: ${detail}`);
  }
  const error = thrown as DefinitionError;
  assert.ok(error.problems.length > 0, `a DefinitionError without problems ${context}`);
  for (const p of error.problems) assertProblem(p, context);
}

export function assertProblem(p: Problem, context = ''): void {
  assert.ok(problemCodes.has(p.code), `unknown problem code ${String(p.code)} ${context}`);
  assert.type(p.pointer, 'string');
  assert.ok(p.pointer === '' || p.pointer.startsWith('/'), `pointer ${p.pointer} ${context}`);
  assert.type(p.message, 'string');
  assert.ok(p.message.length > 0, `empty message ${context}`);
}

/** compile() either returns a Machine or throws a DefinitionError: null stands for the error. */
export function compileOrRefuse(definition: unknown, options: CompileOptions, context = ''): Machine | null {
  try {
    return compile(definition, options);
  } catch (thrown) {
    assertDefinitionError(thrown, context);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Running untrusted definitions

/**
 * A virtual clock that also moves 1 ms each time it is read. Under a plain virtual clock a
 * definition that loops without waiting reaches its deadline only once that much real time
 * has passed; under this one every state costs time, so with a short executionMs an
 * endless loop times out within a few thousand transitions. It has no scheduleLimit(), so
 * its limits are timed like sleeps.
 */
export function tickingClock(): Clock {
  const inner = virtualClock(Date.UTC(2024, 0, 1));
  let ticks = 0;
  return {
    virtual: true,
    now: () => inner.now() + ++ticks,
    schedule: (ms, callback) => inner.schedule(ms, callback),
    sleep: (ms, signal) => inner.sleep(ms, signal),
  };
}

/** Virtual milliseconds an untrusted execution may run. */
export const FUZZ_EXECUTION_MS = 5_000;

/** Options for compiling a definition nobody checked: fast time, a short deadline. */
export function untrustedOptions(handlers: Handlers): CompileOptions {
  return { handlers, clock: tickingClock(), limits: { executionMs: FUZZ_EXECUTION_MS } };
}

/**
 * Handlers for every Resource a definition names (and every Lambda FunctionName), each
 * returning its input, so mutated definitions get past the handler check and actually run.
 */
export function echoHandlersFor(definition: unknown): Handlers {
  const handlers: Record<string, (input: unknown) => unknown> = Object.create(null);
  const stack: unknown[] = [definition];
  let budget = 100_000;
  while (stack.length > 0 && budget-- > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      const value = (v as Record<string, unknown>)[key];
      if ((key === 'Resource' || key === 'FunctionName') && typeof value === 'string') {
        Object.defineProperty(handlers, value, { value: echo, enumerable: true, writable: true, configurable: true });
      }
      stack.push(value);
    }
  }
  return handlers;
}

function echo(input: unknown): unknown {
  return input;
}

/** Runs one execution and checks that it settles well; a rejection or a synchronous throw fails the test. */
export async function executeSettled(machine: Machine, input: unknown, context = ''): Promise<ExecutionResult> {
  let pending: Promise<ExecutionResult>;
  try {
    pending = machine.execute(input);
  } catch (thrown) {
    assert.unreachable(`execute threw synchronously ${context}: ${describeThrown(thrown)}`);
    throw thrown;
  }
  let result: ExecutionResult;
  try {
    result = await pending;
  } catch (thrown) {
    assert.unreachable(`execute rejected ${context}: ${describeThrown(thrown)}`);
    throw thrown;
  }
  assertSettled(result, context);
  return result;
}

export function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
}

// ---------------------------------------------------------------------------------------------
// Values

/** A JSON value nested `depth` levels deep, built without recursion. */
export function nestedObjects(depth: number, key = 'a', leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { [key]: value };
  return value;
}

export function nestedArrays(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** True when `value` is plain JSON data: plain objects and arrays, finite numbers, strings, booleans, null. */
export function isPlainJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      continue;
    }
    if (typeof v !== 'object') return false;
    if (Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Array.prototype) return false;
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return false;
        stack.push(v[i]);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return true;
}

/** Parses JSON text, so keys such as `__proto__` become own properties, as they would from a file or a request. */
export function json<T = unknown>(text: string): T {
  return JSON.parse(text) as T;
}

/** Keys that reach prototypes when a program assigns with `target[key] = value`. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

/**
 * JSON values whose objects favour prototype keys, built as JSON.parse builds them (own
 * data properties), so `__proto__` is an ordinary key as it is in any parsed request.
 */
export function hostileJson(maxDepth = 4): fc.Arbitrary<unknown> {
  const keys = fc.oneof(fc.constantFrom(...prototypeKeys, 'a', 'b', 'items', '0', ''), fc.string({ maxLength: 6 }));
  const leaf = fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, 1.5, 1e21, 'x', '', '2016-03-14T01:59:00Z', ...prototypeKeys),
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.array(fc.tuple(keys, tie('value')), { maxLength: 4 }).map(entriesToObject),
    ),
  }));
  return value;
}

function entriesToObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Set on globalThis by any hostile payload that manages to run code; tests assert it stays unset. */
export const CODE_RAN_FLAG = '__statemillCodeRan';

export function codeRan(): unknown {
  return (globalThis as Record<string, unknown>)[CODE_RAN_FLAG];
}
