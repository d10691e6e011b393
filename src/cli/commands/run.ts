import {
  compile,
  DefinitionError,
  executionNameProblem,
  formatTrace,
  MockConfigError,
  mockHandlers,
  planTestCase,
  stateMachineNameProblem,
  TaskTokens,
  validate,
  virtualClock,
  type ExecutionResult,
  type Handlers,
  type HistoryLevel,
  type Integrations,
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
import { formatProblems, reportProblems, type ReportedProblem } from '../problem-report.js';
import { unansweredTasks, waitingTasks } from '../waiting-tasks.js';

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
  /** Workflow type; by default the template's, else STANDARD for a definition only STANDARD runs, else EXPRESS. */
  readonly type?: 'EXPRESS' | 'STANDARD';
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
  const workflowType = options.type ?? loaded.type ?? defaultType(loaded.definition);
  const given: Handlers = options.handlers === undefined ? {} : checkedHandlers(await loadHandlersModule(options.handlers, io.cwd));
  let handlers = given;
  let stateMachineName: string | undefined;
  /** The states the test case mocks. */
  let mocked: ReadonlySet<string> | null = null;
  if (options.mocks !== undefined) {
    const config = parseJsonText(await readTextFile(options.mocks, io.cwd, 'mock configuration'), options.mocks);
    const testCase = options.testCase!;
    try {
      handlers = mockHandlers(loaded.definition, config, { testCase, stateMachine: options.stateMachine, handlers: given });
      // The configuration serves the test case (mockHandlers checked all of it): its state machine names $$.StateMachine.
      const plan = planTestCase(config, testCase, options.stateMachine);
      stateMachineName = plan.stateMachine;
      mocked = new Set(plan.states.keys());
    } catch (error) {
      if (!(error instanceof MockConfigError)) throw error;
      return refuseMocks(options.mocks, loaded, workflowType, error, io);
    }
  }
  let integrations: Integrations | undefined;
  if (workflowType === 'STANDARD' && mocked !== null) {
    // Mocks answer waiting Tasks at once, as in `statemill serve --mocks`; the integrations hold only the tokens they are minted.
    const unanswered = unansweredTasks(waitingTasks(loaded.definition), mocked, given, options.testCase!);
    if (unanswered.length > 0) return refuseUnanswered(options.mocks!, loaded, unanswered, io);
    integrations = { tokens: new TaskTokens() };
  }
  if (workflowType === 'STANDARD') {
    io.stderr.write(
      `statemill: ${loaded.label} runs as a STANDARD workflow${standardBecause(options, loaded)}: ` +
        `executions may take up to a year instead of Express's five minutes; ${mocked === null ? '' : 'callback, .sync and activity Tasks take their mocked responses at once; '}` +
        `everything else runs as in Express. --type EXPRESS for five minutes.\n`,
    );
  }
  let machine;
  try {
    machine = compile(loaded.definition, {
      handlers,
      ...(integrations === undefined ? {} : { integrations }),
      stateMachineName: runName(stateMachineName ?? loaded.name, loaded, io),
      workflowType,
      history: historyLevel(options),
      ...(options.virtualClock ? { clock: virtualClock() } : {}),
    });
  } catch (error) {
    if (error instanceof DefinitionError) return refuse(loaded, workflowType, error, mocked !== null, io);
    throw error;
  }
  const result = await machine.execute(input, { name: options.name, signal: io.signal });
  if (options.trace && result.history !== undefined) io.stderr.write(formatTrace(result.history));
  const shown = printable(result);
  if (options.history !== undefined && options.history !== 'OFF') shown.history = result.history ?? [];
  io.stdout.write(formatJson(shown) + '\n');
  return exitCodeOf[result.status];
}

/**
 * The type of a definition nothing gives a type: EXPRESS, the engine's own, unless the
 * definition has callback, .sync or activity Tasks — AWS refuses those in EXPRESS and takes
 * them in STANDARD, its default type, so an exported definition runs as it was written.
 */
function defaultType(definition: unknown): 'EXPRESS' | 'STANDARD' {
  return waitingTasks(definition).length > 0 ? 'STANDARD' : 'EXPRESS';
}

/** Why this run is STANDARD, when --type did not say so. */
function standardBecause(options: RunOptions, loaded: LoadedDefinition): string {
  if (options.type !== undefined) return '';
  if (loaded.type !== null) return ' (its template says so)';
  return " (AWS's default type: EXPRESS refuses its callback, .sync and activity Tasks)";
}

/**
 * The state machine name the run shows (`$$.StateMachine.Name`, the ARNs): the template's (or
 * the test case's), unless AWS would refuse it — a `${Stage}-orders` whose placeholder no
 * --param filled, say — when the logical id stands in for it, as CloudFormation names a state
 * machine it is given no name for after its logical id; a line on stderr says so.
 */
function runName(name: string | null, loaded: LoadedDefinition, io: CliIo): string | undefined {
  if (name === null) return undefined;
  const problem = stateMachineNameProblem(name);
  if (problem === null) return name;
  const instead = loaded.resource !== null && stateMachineNameProblem(loaded.resource) === null ? loaded.resource : undefined;
  const fill = name.includes('${') ? ' (--param Name=Value fills a ${Name} placeholder)' : '';
  io.stderr.write(
    `statemill: the state machine name '${name}' is not one AWS takes (${problem})${fill}; this run shows ${instead === undefined ? 'the default name' : `'${instead}', its logical id`}\n`,
  );
  return instead;
}

/** --history's level; a trace needs every event, so --trace alone records ALL. */
function historyLevel(options: RunOptions): HistoryLevel {
  if (options.history !== undefined) return options.history;
  return options.trace ? 'ALL' : 'OFF';
}

/** Every fault of the mock configuration, and the definition's own problems with them: one round, not two. */
function refuseMocks(file: string, loaded: LoadedDefinition, workflowType: 'EXPRESS' | 'STANDARD', error: MockConfigError, io: CliIo): ExitCode {
  const count = `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'}`;
  const lines = [`statemill: ${file}: the mock configuration cannot run this test case (${count})  [${CliErrorCodes.MOCKS}]`];
  error.problems.forEach((p, n) => lines.push('', `  ${n + 1}. ${p.pointer || '/'}`, `     ${p.message}  [${p.code}]`));
  io.stderr.write(lines.join('\n') + '\n');
  const problems = validate(loaded.definition, { workflowType });
  if (problems.length > 0) io.stderr.write('\n' + formatProblems(loaded.label, reportProblems(problems, loaded.definition)));
  return ExitCodes.INPUT;
}

/** The definition's problems; what a STANDARD machine's language allows but this run cannot do is said to be that, as validate says it. */
function refuse(loaded: LoadedDefinition, workflowType: 'EXPRESS' | 'STANDARD', error: DefinitionError, withMocks: boolean, io: CliIo): ExitCode {
  const validAsl = workflowType === 'STANDARD' && validate(loaded.definition, { workflowType }).length === 0;
  io.stderr.write(
    formatProblems(validAsl ? `${loaded.label}: valid ASL, but statemill cannot run it` : loaded.label, reportProblems(error.problems, loaded.definition)),
  );
  const advice = waitingTasksAdvice(workflowType, withMocks);
  if (advice !== null && waitingTasks(loaded.definition).length > 0) io.stderr.write(`\n${advice}\n`);
  return ExitCodes.INVALID_DEFINITION;
}

/** What would run the callback, .sync and activity Tasks refused here: mocks in a STANDARD workflow. */
function waitingTasksAdvice(workflowType: 'EXPRESS' | 'STANDARD', withMocks: boolean): string | null {
  if (workflowType === 'STANDARD') {
    if (withMocks) return null;
    return "In a STANDARD workflow, a test case's mocks (--mocks <file> --test-case <name>) answer .waitForTaskToken, .sync and activity Tasks at once, as statemill serve --mocks does.";
  }
  if (!withMocks) return null;
  return (
    'AWS runs .waitForTaskToken, .sync and activity Tasks only in STANDARD workflows, and refuses them in EXPRESS ones; ' +
    "as a STANDARD workflow (--type STANDARD, or the template's type) the test case's mocks answer them."
  );
}

/** Waiting Tasks the test case leaves unanswered: refused before anything runs, since the execution would wait for ever. */
function refuseUnanswered(file: string, loaded: LoadedDefinition, problems: readonly ReportedProblem[], io: CliIo): ExitCode {
  const count = `${problems.length} Task${problems.length === 1 ? '' : 's'}`;
  io.stderr.write(
    `statemill: ${file}: the test case leaves ${count} of this STANDARD workflow waiting for an answer that \`statemill run\` cannot give  [${CliErrorCodes.MOCKS}]\n\n`,
  );
  io.stderr.write(formatProblems(loaded.label, problems));
  return ExitCodes.INPUT;
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
