import {
  compile,
  DefinitionError,
  executionNameProblem,
  formatTrace,
  MockConfigError,
  mockHandlers,
  planTestCase,
  validate,
  virtualClock,
  type ExecutionResult,
  type Handlers,
  type HistoryLevel,
} from '../../index.js';
import { CliError, CliErrorCodes } from '../cli-error.js';
import { loadDefinition, type LoadedDefinition } from '../definition-file.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import { readTextFile } from '../files.js';
import { checkedHandlers, loadHandlersModule } from '../handlers-module.js';
import { readExecutionInput } from '../input.js';
import type { CliIo } from '../io.js';
import { formatJson } from '../json-output.js';
import { parseJsonText } from '../json-text.js';
import { parseParams } from '../params.js';
import { formatProblems, reportProblems } from '../problem-report.js';

export interface RunOptions {
  readonly input?: string;
  readonly inputJson?: string;
  readonly handlers?: string;
  readonly mocks?: string;
  readonly testCase?: string;
  readonly stateMachine?: string;
  readonly resource?: string;
  /** --param Name=Value, as given. */
  readonly param?: readonly string[];
  /** Workflow type; by default the template's, else EXPRESS. */
  readonly type?: 'EXPRESS' | 'STANDARD';
  readonly name?: string;
  readonly virtualClock?: boolean;
  /** Add the execution history to the printed result, at this level. */
  readonly history?: HistoryLevel;
  /** Print a readable trace of the execution to stderr. */
  readonly trace?: boolean;
}

/** Standard workflows may run for a year. */
const STANDARD_EXECUTION_MS = 365 * 24 * 60 * 60 * 1000;

const exitCodeOf: Record<ExecutionResult['status'], ExitCode> = {
  SUCCEEDED: ExitCodes.OK,
  FAILED: ExitCodes.FAILED,
  TIMED_OUT: ExitCodes.TIMED_OUT,
  ABORTED: ExitCodes.ABORTED,
};

/** `statemill run <definition>`: one execution, its result printed as JSON. */
export async function runCommand(file: string, options: RunOptions, io: CliIo): Promise<ExitCode> {
  if ((options.mocks === undefined) !== (options.testCase === undefined)) {
    throw new CliError(
      CliErrorCodes.USAGE,
      options.mocks === undefined ? '--test-case needs --mocks <file>' : '--mocks needs --test-case <name>: the test case to run',
    );
  }
  if (options.stateMachine !== undefined && options.mocks === undefined) {
    throw new CliError(CliErrorCodes.USAGE, '--state-machine chooses a state machine in --mocks <file>; give --mocks too');
  }
  if (options.trace && options.history !== undefined && options.history !== 'ALL') {
    // The trace is made from every event: at a lower level it would print nothing, without a word.
    throw new CliError(CliErrorCodes.USAGE, `--trace shows every event, so it needs --history ALL (or no --history), not --history ${options.history}`);
  }
  const nameProblem = options.name === undefined ? null : executionNameProblem(options.name);
  if (nameProblem !== null) throw new CliError(CliErrorCodes.USAGE, `--name: ${nameProblem}`);
  const loaded = await loadDefinition(file, io.cwd, options.resource, parseParams(options.param));
  const input = await readExecutionInput(options, io);
  let handlers: Handlers = options.handlers === undefined ? {} : checkedHandlers(await loadHandlersModule(options.handlers, io.cwd));
  let stateMachineName: string | undefined;
  if (options.mocks !== undefined) {
    const config = parseJsonText(await readTextFile(options.mocks, io.cwd, 'mock configuration'), options.mocks);
    const testCase = options.testCase!;
    try {
      handlers = mockHandlers(loaded.definition, config, { testCase, stateMachine: options.stateMachine, handlers });
      // The configuration serves the test case (mockHandlers checked all of it): its state machine names $$.StateMachine.
      stateMachineName = planTestCase(config, testCase, options.stateMachine).stateMachine;
    } catch (error) {
      if (!(error instanceof MockConfigError)) throw error;
      return refuseMocks(options.mocks, loaded, error, io);
    }
  }
  const workflowType = options.type ?? loaded.type ?? 'EXPRESS';
  if (workflowType === 'STANDARD') {
    io.stderr.write(
      `statemill: ${loaded.label} runs as a STANDARD workflow${options.type === undefined ? ' (its template says so)' : ''}: ` +
        `executions may take up to a year instead of Express's five minutes; everything else runs as in Express. --type EXPRESS for five minutes.\n`,
    );
  }
  let machine;
  try {
    machine = compile(loaded.definition, {
      handlers,
      stateMachineName: stateMachineName ?? loaded.name ?? undefined,
      workflowType,
      ...(workflowType === 'STANDARD' ? { limits: { executionMs: STANDARD_EXECUTION_MS } } : {}),
      history: historyLevel(options),
      ...(options.virtualClock ? { clock: virtualClock() } : {}),
    });
  } catch (error) {
    if (error instanceof DefinitionError) return refuse(loaded, workflowType, error, io);
    throw error;
  }
  const result = await machine.execute(input, { name: options.name, signal: io.signal });
  if (options.trace && result.history !== undefined) io.stderr.write(formatTrace(result.history));
  const shown = printable(result);
  if (options.history !== undefined && options.history !== 'OFF') shown.history = result.history ?? [];
  io.stdout.write(formatJson(shown) + '\n');
  return exitCodeOf[result.status];
}

/** --history's level; a trace needs every event, so --trace alone records ALL. */
function historyLevel(options: RunOptions): HistoryLevel {
  if (options.history !== undefined) return options.history;
  return options.trace ? 'ALL' : 'OFF';
}

/** Every fault of the mock configuration, and the definition's own problems with them: one round, not two. */
function refuseMocks(file: string, loaded: LoadedDefinition, error: MockConfigError, io: CliIo): ExitCode {
  const count = `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`;
  const lines = [`statemill: ${file}: the mock configuration cannot run this test case (${count})  [${CliErrorCodes.MOCKS}]`];
  error.problems.forEach((p, n) => lines.push('', `  ${n + 1}. ${p.pointer || '/'}`, `     ${p.message}  [${p.code}]`));
  io.stderr.write(lines.join('\n') + '\n');
  const problems = validate(loaded.definition);
  if (problems.length > 0) io.stderr.write('\n' + formatProblems(loaded.label, reportProblems(problems)));
  return ExitCodes.INPUT;
}

/** The definition's problems; what a STANDARD machine's language allows but this run cannot do is said to be that, as validate says it. */
function refuse(loaded: LoadedDefinition, workflowType: 'EXPRESS' | 'STANDARD', error: DefinitionError, io: CliIo): ExitCode {
  const validAsl = workflowType === 'STANDARD' && validate(loaded.definition, { workflowType }).length === 0;
  io.stderr.write(formatProblems(validAsl ? `${loaded.label}: valid ASL, but statemill cannot run it` : loaded.label, reportProblems(error.problems)));
  return ExitCodes.INVALID_DEFINITION;
}

/** The result as printed: status first, then output or error and cause, then where and when. */
function printable(result: ExecutionResult): Record<string, unknown> {
  const outcome = result.status === 'SUCCEEDED' ? { output: result.output ?? null } : { error: result.error ?? null, cause: result.cause ?? null };
  return {
    status: result.status,
    ...outcome,
    name: result.name,
    executionArn: result.executionArn,
    stateMachineArn: result.stateMachineArn,
    startDate: result.startDate.toISOString(),
    stopDate: result.stopDate.toISOString(),
  };
}
