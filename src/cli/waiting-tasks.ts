import { ProblemCodes, validate, type Handlers, type Problem } from '../index.js';
import { hasOwn } from '../json.js';
import { CliErrorCodes } from './cli-error.js';
import { stateNameAt, valueAt, type ReportedProblem } from './problem-report.js';

/**
 * A Task only Standard workflows run: it waits for a task token (`.waitForTaskToken`), for
 * a job's end (`.sync`, `.sync:2`) or for an activity worker.
 */
export interface WaitingTask {
  readonly state: string;
  /** JSON pointer of the Task's Resource. */
  readonly pointer: string;
  readonly resource: string;
  readonly kind: 'callback' | 'sync' | 'activity';
}

const HINT =
  '`statemill run` has no service to send task tokens, follow jobs or hand out activity tasks: mock the state in the test case ' +
  '(TestCases.<case>.<state> → a response in MockedResponses, as Step Functions Local runs it), ' +
  'or run the test case with `statemill serve --mocks <file>` and StartExecution of stateMachineArn#TestCase.';

/**
 * The definition's waiting Tasks, found as AWS finds them: they are what validate() refuses
 * in an Express workflow and nothing else. None when the definition has other problems of
 * its language: compile() reports those first.
 */
export function waitingTasks(definition: unknown): WaitingTask[] {
  const problems = validate(definition, { workflowType: 'EXPRESS' });
  if (problems.some((p) => p.code !== ProblemCodes.UNSUPPORTED_INTEGRATION)) return [];
  return problems.map((p) => waitingTaskAt(definition, p));
}

function waitingTaskAt(definition: unknown, problem: Problem): WaitingTask {
  const resource = String(valueAt(definition, problem.pointer));
  const kind = resource.endsWith('.waitForTaskToken') ? 'callback' : /\.sync(:\d+)?$/.test(resource) ? 'sync' : 'activity';
  return { state: stateNameAt(problem.pointer)!, pointer: problem.pointer, resource, kind };
}

/**
 * The waiting Tasks a `run` of the test case could not answer. A mock answers a Task at
 * once with its response, as Step Functions Local does; a `.sync` Task may also be answered
 * by a handler keyed by its whole Resource (its answer is the job's result). A callback's or
 * an activity's handler only sends the request, and nothing in `run` could answer the token.
 */
export function unansweredTasks(tasks: readonly WaitingTask[], mocked: ReadonlySet<string>, handlers: Handlers, testCase: string): ReportedProblem[] {
  const unanswered = tasks.filter(
    (task) => !mocked.has(task.state) && !(task.kind === 'sync' && hasOwn(handlers, task.resource) && typeof handlers[task.resource] === 'function'),
  );
  return unanswered.map((task) => ({
    code: CliErrorCodes.UNMOCKED_TASK,
    pointer: task.pointer,
    state: task.state,
    message: `state '${task.state}' ${waitsFor(task)}, and test case '${testCase}' does not mock it${
      task.kind === 'sync' ? ` (nor does --handlers answer '${task.resource}')` : ''
    }: the execution would wait for ever`,
    hint: HINT,
  }));
}

function waitsFor(task: WaitingTask): string {
  switch (task.kind) {
    case 'callback':
      return `waits for a task token (${task.resource})`;
    case 'sync':
      return `waits for its job to end (${task.resource})`;
    case 'activity':
      return `waits for a worker of activity ${task.resource}`;
  }
}
