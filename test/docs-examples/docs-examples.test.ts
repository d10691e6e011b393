import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  compile,
  testState,
  validate,
  virtualClock,
  type TestStateRequest,
  type Clock,
  type Handler,
  type Handlers,
  type TaskContext,
} from '../../src/index.js';

/**
 * The worked examples of AWS's Step Functions developer guide, one table per topic: each row
 * is a definition, an input and the result the page shows, with the page's URL. A row's Task
 * handlers follow its `tasks` script, keyed by the Task's Resource (or a lambda:invoke
 * FunctionName): each call takes the next outcome, the last one repeating.
 */

interface Outcome {
  /** The handler returns this value. */
  return?: unknown;
  /** The handler throws an error with this name and message, as a Lambda function does. */
  throw?: { name: string; message: string };
  /** The handler returns its input. */
  echo?: true;
  /** The handler first sleeps this long on the execution's clock. */
  sleepSeconds?: number;
}

interface Expected {
  /** An execution's status, or INVALID: validate() reports `problem` (ERR_ASL_…) at `pointer`. */
  status: string;
  problem?: string;
  pointer?: string;
  output?: unknown;
  /** JSON pointer → a regular expression the value there (as text) matches. */
  outputMatches?: Record<string, string>;
  error?: string;
  cause?: string;
  /** Virtual seconds from the execution's start to its end (Waits and retry intervals). */
  elapsedSeconds?: number;
  /** Virtual seconds from start to end are at most this (a jittered retry interval). */
  elapsedSecondsAtMost?: number;
  /** What each handler received, call by call. */
  taskInputs?: Record<string, unknown[]>;
}

interface Row {
  url: string;
  example: string;
  /** Where the row departs from the page, and what settles it. */
  note?: string;
  definition: unknown;
  input: unknown;
  /** The virtual clock's start (ISO 8601); default the epoch. */
  startAt?: string;
  tasks?: Record<string, Outcome[]>;
  expected: Expected;
}

/**
 * A TestState example: the request as the page sends it, its JSON members (definition,
 * input, context, variables, mock result) written as values, and the response members the
 * page shows, JSON text compared as the value it holds.
 */
interface TestStateRow {
  url: string;
  example: string;
  note?: string;
  request: Record<string, unknown>;
  expected: { exception?: string; response?: Record<string, unknown> };
}

interface Table {
  comment: string;
  rows?: Row[];
  testState?: TestStateRow[];
}

function handlersFor(tasks: Record<string, Outcome[]>, clock: Clock, received: Record<string, unknown[]>): Handlers {
  const handlers: Record<string, Handler> = {};
  for (const [key, outcomes] of Object.entries(tasks)) {
    let calls = 0;
    received[key] = [];
    handlers[key] = async (input: unknown, ctx: TaskContext) => {
      received[key]!.push(input);
      const outcome = outcomes[Math.min(calls++, outcomes.length - 1)]!;
      if (outcome.sleepSeconds !== undefined) await clock.sleep(outcome.sleepSeconds * 1000, ctx.signal);
      if (outcome.throw !== undefined) throw Object.assign(new Error(outcome.throw.message), { name: outcome.throw.name });
      return outcome.echo === true ? input : outcome.return;
    };
  }
  return handlers;
}

function at(value: unknown, pointer: string): unknown {
  let node = value;
  for (const token of pointer.split('/').slice(1)) {
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** TestState's JSON members are JSON text; a row writes them as values. */
function requestOf(row: TestStateRow): TestStateRequest {
  const request: Record<string, unknown> = { ...row.request };
  for (const key of ['definition', 'input', 'context', 'variables']) {
    if (key in request) request[key] = JSON.stringify(request[key]);
  }
  const mock = request.mock as Record<string, unknown> | undefined;
  if (mock !== undefined && 'result' in mock) request.mock = { ...mock, result: JSON.stringify(mock.result) };
  return request as unknown as TestStateRequest;
}

/** A response member as a value: JSON text parsed, inspection data member by member. */
function valueOf(key: string, value: unknown): unknown {
  if (key === 'output' && typeof value === 'string') return JSON.parse(value);
  if (key !== 'inspectionData' || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([field, data]) => [field, typeof data === 'string' && field !== 'errorDetails' ? JSON.parse(data) : data]),
  );
}

async function runTestState(row: TestStateRow): Promise<void> {
  let response: Record<string, unknown>;
  try {
    response = (await testState(requestOf(row), { clock: virtualClock(0) })) as unknown as Record<string, unknown>;
  } catch (error) {
    if (row.expected.exception === undefined) throw error;
    assert.is((error as Error).name, row.expected.exception);
    return;
  }
  assert.is(row.expected.exception, undefined, 'the request was expected to be refused');
  for (const [key, expected] of Object.entries(row.expected.response ?? {})) {
    const actual = valueOf(key, response[key]);
    if (key === 'inspectionData') {
      for (const [field, value] of Object.entries(expected as Record<string, unknown>)) {
        assert.equal((actual as Record<string, unknown>)[field], value, `inspectionData.${field}`);
      }
    } else {
      assert.equal(actual, expected, key);
    }
  }
}

const directory = new URL('./', import.meta.url);

for (const file of readdirSync(directory).filter((name) => name.endsWith('.json'))) {
  const table = JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as Table;
  const examples = suite(`developer guide examples: ${file}`);
  for (const row of table.testState ?? []) {
    examples(`TestState: ${row.example} (${row.url})`, () => runTestState(row));
  }
  for (const row of table.rows ?? []) {
    examples(`${row.example} (${row.url})`, async () => {
      const { expected } = row;
      if (expected.status === 'INVALID') {
        const problems = validate(row.definition).map((p) => `${p.code} ${p.pointer}`);
        assert.ok(problems.includes(`${expected.problem} ${expected.pointer}`), problems.join('\n'));
        return;
      }
      const clock = virtualClock(row.startAt === undefined ? 0 : Date.parse(row.startAt));
      const received: Record<string, unknown[]> = {};
      const machine = compile(row.definition, { handlers: handlersFor(row.tasks ?? {}, clock, received), clock });
      const result = await machine.execute(row.input);
      assert.is(result.status, expected.status, `${result.error}: ${result.cause}`);
      if (expected.output !== undefined) assert.equal(result.output, expected.output);
      for (const [pointer, pattern] of Object.entries(expected.outputMatches ?? {})) {
        assert.match(String(at(result.output, pointer)), new RegExp(pattern), pointer);
      }
      if (expected.error !== undefined) assert.is(result.error, expected.error);
      if (expected.cause !== undefined) assert.is(result.cause, expected.cause);
      const elapsed = (result.stopDate.getTime() - result.startDate.getTime()) / 1000;
      if (expected.elapsedSeconds !== undefined) assert.is(elapsed, expected.elapsedSeconds);
      if (expected.elapsedSecondsAtMost !== undefined) assert.ok(elapsed <= expected.elapsedSecondsAtMost, `${elapsed} s`);
      if (expected.taskInputs !== undefined) assert.equal(received, expected.taskInputs);
    });
  }
  examples.run();
}
