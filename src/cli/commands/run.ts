import { DefinitionError } from '../../asl/problems.js';
import type { Handlers } from '../../compile/handlers.js';
import { compile } from '../../compile/machine.js';
import { MockConfigError, mockHandlers, planTestCase } from '../../mocks/index.js';
import { virtualClock } from '../../run/clock.js';
import type { HistoryLevel } from '../../run/history.js';
import { executionNameProblem } from '../../run/names.js';
import type { ExecutionResult } from '../../run/result.js';
import { formatTrace } from '../../run/trace.js';
import { CliError, CliErrorCodes } from '../cli-error.js';
import { loadDefinition } from '../definition-file.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import { readTextFile } from '../files.js';
import { loadHandlersModule } from '../handlers-module.js';
import { readExecutionInput } from '../input.js';
import type { CliIo } from '../io.js';
import { parseJsonText } from '../json-text.js';
import { formatProblems, reportProblems } from '../problem-report.js';

export interface RunOptions {
  readonly input?: string;
  readonly inputJson?: string;
  readonly handlers?: string;
  readonly mocks?: string;
  readonly testCase?: string;
  readonly stateMachine?: string;
  readonly resource?: string;
  readonly name?: string;
  readonly virtualClock?: boolean;
  /** Add the execution history to the printed result, at this level. */
  readonly history?: HistoryLevel;
  /** Print a readable trace of the execution to stderr. */
  readonly trace?: boolean;
}

const exitCodeOf: Record<ExecutionResult['status'], ExitCode> = {
  SUCCEEDED: ExitCodes.OK,
  FAILED: ExitCodes.FAILED,
  TIMED_OUT: ExitCodes.TIMED_OUT,
  ABORTED: ExitCodes.ABORTED,
};

/** `statemill run <definition>`: one execution, its result printed as JSON. */
export async function runCommand(file: string, options: RunOptions, io: CliIo): Promise<ExitCode> {
  if ((options.mocks === undefined) !== (options.testCase === undefined)) {
    throw new CliError(CliErrorCodes.USAGE, options.mocks === undefined ? '--test-case needs --mocks <file>' : '--mocks needs --test-case <name>: the test case to run');
  }
  if (options.stateMachine !== undefined && options.mocks === undefined) {
    throw new CliError(CliErrorCodes.USAGE, '--state-machine chooses a state machine in --mocks <file>; give --mocks too');
  }
  const nameProblem = options.name === undefined ? null : executionNameProblem(options.name);
  if (nameProblem !== null) throw new CliError(CliErrorCodes.USAGE, `--name: ${nameProblem}`);
  const loaded = await loadDefinition(file, io.cwd, options.resource);
  const input = await readExecutionInput(options, io);
  let handlers: Handlers = options.handlers === undefined ? {} : await loadHandlersModule(options.handlers, io.cwd);
  let stateMachineName: string | undefined;
  try {
    if (options.mocks !== undefined) {
      const config = parseJsonText(await readTextFile(options.mocks, io.cwd, 'mock configuration'), options.mocks);
      const testCase = options.testCase!;
      stateMachineName = planTestCase(config, testCase, options.stateMachine).stateMachine;
      handlers = mockHandlers(loaded.definition, config, { testCase, stateMachine: stateMachineName, handlers });
    }
  } catch (error) {
    if (error instanceof MockConfigError) throw new CliError(CliErrorCodes.MOCKS, `${options.mocks}${error.pointer === '' ? '' : ` at ${error.pointer}`}: ${error.message}  [${error.code}]`);
    if (error instanceof DefinitionError) return refuse(loaded.label, error, io);
    throw error;
  }
  let machine;
  try {
    machine = compile(loaded.definition, {
      handlers,
      stateMachineName,
      history: historyLevel(options),
      ...(options.virtualClock ? { clock: virtualClock() } : {}),
    });
  } catch (error) {
    if (error instanceof DefinitionError) return refuse(loaded.label, error, io);
    throw error;
  }
  const result = await machine.execute(input, { name: options.name, signal: io.signal });
  if (options.trace && result.history !== undefined) io.stderr.write(formatTrace(result.history));
  const shown = printable(result);
  if (options.history !== undefined && options.history !== 'OFF') shown.history = result.history ?? [];
  io.stdout.write(JSON.stringify(shown, null, 2) + '\n');
  return exitCodeOf[result.status];
}

/** --history's level; a trace needs every event, so --trace alone records ALL. */
function historyLevel(options: RunOptions): HistoryLevel {
  if (options.history !== undefined) return options.history;
  return options.trace ? 'ALL' : 'OFF';
}

function refuse(label: string, error: DefinitionError, io: CliIo): ExitCode {
  io.stderr.write(formatProblems(label, reportProblems(error.problems)));
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
