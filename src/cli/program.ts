import { Command, CommanderError, Option } from 'commander';
import { historyLevels, logLevels } from '../index.js';
import { CliError, CliErrorCodes, withCode } from './cli-error.js';
import type { RunOptions } from './commands/run.js';
import type { ServeCommandOptions } from './commands/serve.js';
import type { ValidateOptions } from './commands/validate.js';
import type { WorkerOptions } from './commands/worker.js';
import { EXIT_CODES_HELP, ExitCodes } from './exit-codes.js';
import type { CliIo } from './io.js';
import { collectParam } from './params.js';
import { packageVersion } from './version.js';

const RUN_EXAMPLES = `
Examples:
  $ statemill run order.asl.json --input-json '{"orderId": "o-1", "amount": 250}' --handlers ./handlers.mjs
  $ cat event.json | statemill run order.asl.json --handlers ./handlers.mjs
  $ statemill run template.yaml --resource OrderStateMachine --input event.json --handlers ./handlers.mjs --param Stage=dev
  $ statemill run order.asl.json --mocks MockConfigFile.json --test-case HappyPath --handlers ./handlers.mjs --virtual-clock
  $ statemill run order.asl.json --input-json '{"orderId": "o-1", "amount": 250}' --handlers ./handlers.mjs --trace

The result is printed as JSON: {"status", "output"} when the execution SUCCEEDED,
{"status", "error", "cause"} otherwise, then name, ARNs and dates, and with
--history [ALL|ERROR|FATAL] the history events ("history").

A handlers module exports \`handlers\`, mapping each Task Resource (or Lambda
function name, for arn:aws:states:::lambda:invoke) to a function:
  export const handlers = { 'arn:aws:lambda:us-east-1:123456789012:function:charge': async (input, ctx) => ({ charged: true }) };

--mocks reads a Step Functions Local mock configuration (StateMachines → TestCases,
MockedResponses); states the test case does not mock use --handlers, and one with
no handler fails the execution only if it is reached. In a STANDARD workflow the
mocks answer .waitForTaskToken, .sync and activity Tasks at once (as statemill serve
--mocks does); one the test case does not mock is refused before the run (a .sync
Task may instead have a --handlers handler keyed by its whole Resource).

Templates: --param Name=Value fills parameters and \${Name} placeholders; the name and
type (EXPRESS, or STANDARD with its one-year limit) come from the template, --type
overrides the type.`;

const VALIDATE_EXAMPLES = `
Examples:
  $ statemill validate order.asl.json
  $ statemill validate statemachines/*.json --json
  $ statemill validate template.yaml     # every state machine of a CloudFormation/SAM/CDK template

Each problem is printed with its JSON pointer, the state it is in, a message, its
stable code (ERR_ASL_…) and a hint: first the language's problems (what AWS refuses),
then, once there are none, what statemill does not run ("valid ASL, but statemill
cannot run it"). A machine is judged as its type: --type, else the template's, else
STANDARD (AWS's default), as statemill serve runs it: its .sync, .waitForTaskToken and
activity Tasks are valid and run (statemill run answers them from mocks). --json prints {"valid",
"definitions": [{file, resource, valid, problems: [{code, pointer, state, message,
hint}], runs, engineProblems, error}]}.`;

const SERVE_EXAMPLES = `
Examples:
  $ statemill serve
  $ statemill serve --port 8083 --handlers ./handlers.mjs --virtual-clock
  $ statemill serve --mocks MockConfigFile.json      # then StartExecution with stateMachineArn#TestCase
  $ statemill serve --lambda-endpoint http://127.0.0.1:3001   # sam local start-lambda
  $ aws stepfunctions --endpoint-url http://127.0.0.1:8083 list-state-machines

A drop-in for Step Functions Local: the AWS SDKs and the AWS CLI work unchanged with the
endpoint URL (any credentials: SigV4 signatures are accepted and not checked, so the
server binds to 127.0.0.1 unless --host says otherwise). SIGTERM or Ctrl-C stops it
gracefully: no new connections, in-flight requests finish, exit 0.`;

const ROOT_EXAMPLES = `
Examples:
  $ statemill validate order.asl.json
  $ statemill run order.asl.json --input-json '{"orderId": "o-1", "amount": 250}' --handlers ./handlers.mjs
  $ statemill bench --help

Definitions may be JSON or YAML ASL, or a CloudFormation/SAM/CDK template whose state
machine resource holds the ASL in Definition, DefinitionString or DefinitionUri.`;

/**
 * Runs the command line `argv` (without node and script) and resolves to the exit code.
 * Never exits the process itself, so tests call it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCodes.OK;
  try {
    if (argv[0] === 'bench' || (argv[0] === 'help' && argv[1] === 'bench')) return await runBench(argv[0] === 'bench' ? argv.slice(1) : ['--help'], io);
    await buildProgram(io, (code) => (exitCode = code), subcommandOf(argv)).parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE;
    if (error instanceof CliError) {
      io.stderr.write(`statemill: ${withCode(error.message, error.code)}\n`);
      return error.exitCode;
    }
    io.stderr.write(`statemill: internal error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCodes.INTERNAL;
  }
  return exitCode;
}

/** A commander error ("error: unknown option '--x'") as every CLI error reads, with its code. */
function usageMessage(text: string): string {
  return withCode(text.replace(/^error: /, 'statemill: ').trimEnd(), CliErrorCodes.USAGE) + '\n';
}

const SUBCOMMANDS = ['run', 'validate', 'serve', 'worker'];

/** The subcommand argv starts with, or null (root options, help, an unknown command). */
function subcommandOf(argv: readonly string[]): string | null {
  return SUBCOMMANDS.includes(argv[0]!) ? argv[0]! : null;
}

/**
 * The command line's program. Given the subcommand argv starts with, only that one is built:
 * the others (dozens of options) matter only to root help and unknown-command errors, and
 * building them costs every start.
 */
function buildProgram(io: CliIo, setExitCode: (code: number) => void, only: string | null): Command {
  const program = new Command('statemill')
    .description('Run, validate, serve and benchmark AWS Step Functions (Amazon States Language) workflows locally: Express and Standard.')
    .version(packageVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(usageMessage(text)),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${ROOT_EXAMPLES}\n\n${EXIT_CODES_HELP}\n`);

  if (only === null || only === 'run') {
    program
      .command('run')
      .description('run one execution and print its result as JSON')
      .argument('<definition>', 'ASL definition (JSON or YAML) or a CloudFormation/SAM/CDK template')
      .addOption(new Option('--input <file>', 'execution input: a JSON file, or - for stdin (default: stdin when piped, else {})').conflicts('inputJson'))
      .option('--input-json <json>', 'execution input as JSON text')
      .option('--handlers <module>', 'module exporting `handlers`: Task Resource → (input, ctx) => result')
      .option('--mocks <file>', 'Step Functions Local mock configuration (MockConfigFile.json)')
      .option('--test-case <name>', 'test case of --mocks to run')
      .option('--state-machine <name>', 'state machine of --mocks, when it configures several; also $$.StateMachine.Name')
      .option('--resource <logicalId>', 'state machine resource to run, when a template has several')
      .option('--param <Name=Value>', 'template parameter or ${Name} placeholder value (repeatable)', collectParam)
      .addOption(
        new Option(
          '--type <type>',
          "workflow type (default: the template's Type/StateMachineType, else STANDARD for a definition with callback, .sync or activity Tasks, else EXPRESS); STANDARD allows one-year executions",
        ).choices(['EXPRESS', 'STANDARD']),
      )
      .option('--name <name>', 'execution name ($$.Execution.Name); a UUID by default')
      .option('--virtual-clock', 'let Wait states and retry intervals pass at once (time limits still hold)')
      .addOption(
        new Option('--history [level]', 'add the execution history (GetExecutionHistory events) to the result, at an Express logging level')
          .choices(historyLevels)
          .preset('ALL'),
      )
      .option('--trace', 'print a readable trace of the states run (input, output, timings, retries) to stderr')
      .addHelpText('after', `${RUN_EXAMPLES}\n\n${EXIT_CODES_HELP}\n`)
      .action(async (definition: string, options: RunOptions) => {
        // Each command's code loads only when it runs: start-up time counts for a CLI.
        const { runCommand } = await import('./commands/run.js');
        setExitCode(await runCommand(definition, options, io));
      });
  }

  if (only === null || only === 'validate') {
    program
      .command('validate')
      .description('list every problem of one or more definitions')
      .argument('<definitions...>', 'ASL definitions (JSON or YAML) or CloudFormation/SAM/CDK templates')
      .option('--json', 'print the problems as JSON')
      .option('--param <Name=Value>', 'template parameter or ${Name} placeholder value (repeatable)', collectParam)
      .addOption(
        new Option('--type <type>', "workflow type to judge by (default: the template's Type/StateMachineType, else STANDARD, as AWS)").choices([
          'EXPRESS',
          'STANDARD',
        ]),
      )
      .addHelpText('after', `${VALIDATE_EXAMPLES}\n\n${EXIT_CODES_HELP}\n`)
      .action(async (files: string[], options: ValidateOptions) => {
        const { validateCommand } = await import('./commands/validate.js');
        setExitCode(await validateCommand(files, options, io));
      });
  }

  if (only === null || only === 'serve') {
    program
      .command('serve')
      .description('serve the AWS Step Functions API (AWS JSON 1.0) over HTTP: a local endpoint for SDKs, the AWS CLI and test suites')
      .option('--port <port>', 'port to listen on (0: any free port)', '8083')
      .option('--host <address>', 'address to bind', '127.0.0.1')
      .option('--handlers <module>', 'module exporting `handlers`: Task Resource or Lambda function name → (input, ctx) => result')
      .addOption(
        new Option('--mocks <file>', 'Step Functions Local mock configuration (MockConfigFile.json), used by StartExecution of stateMachineArn#TestCase').env(
          'SFN_MOCK_CONFIG',
        ),
      )
      .addOption(
        new Option('--lambda-endpoint <url>', 'Lambda Invoke API for Lambda functions without a handler (e.g. sam local start-lambda)').env('LAMBDA_ENDPOINT'),
      )
      .option('--region <region>', 'region in ARNs', 'us-east-1')
      .option('--account-id <id>', 'account id in ARNs', '123456789012')
      .option('--virtual-clock', 'let Wait states and retry intervals pass at once (time limits still hold)')
      .option(
        '--store <path>',
        'keep state machines, activities, tags and Standard executions with their history in this SQLite file (created if absent; default: in memory)',
      )
      .option('--retain-executions <count>', 'finished Standard executions kept for Describe/History/List, oldest dropped first (default 10000)')
      .addOption(new Option('--log-level <level>', 'JSON-line logs on stderr at this level').choices(logLevels).default('info'))
      .addHelpText('after', SERVE_EXAMPLES)
      .action(async (options: ServeCommandOptions) => {
        // The service loads only for this command: the others need none of it.
        const { serveCommand } = await import('./commands/serve.js');
        setExitCode(await serveCommand(options, io));
      });
  }

  if (only === null || only === 'worker') {
    program
      .command('worker')
      .description("run jobs of a cluster (createCluster) from Redis on this host's threads, until Ctrl-C or SIGTERM")
      .requiredOption('--redis <url>', "the cluster's Redis, e.g. redis://127.0.0.1:6379")
      .option('--threads <n>', 'worker threads (default: the number of cores)')
      .option('--concurrency <k>', 'execution batches run at once (default: 3 per thread)')
      .option('--handlers <module>', 'handlers module used for every workflow instead of the path it was registered with')
      .option('--prefix <prefix>', "the cluster's key prefix, as its clients use it (default: statemill)")
      .option('--lock-duration-ms <ms>', 'how long a job stays locked to a worker that stopped renewing it (default: 30000)')
      .option('--stalled-interval-ms <ms>', 'how often to look for jobs whose worker died (default: 30000)')
      .option('--max-stalled-count <n>', 'times a job may stall (its worker died) before it fails for good, as Cluster.BatchFailed (default: 1)')
      .action(async (options: WorkerOptions) => {
        const { workerCommand } = await import('./commands/worker.js');
        setExitCode(await workerCommand(options, io, stopSignal(io)));
      });
  }

  // Listed for --help only: runCli hands `bench` and its arguments to the benchmark harness as they are.
  if (only === null) program.command('bench').description('benchmark the built-in workloads or your own workflow (statemill bench --help)');
  return program;
}

/** Ctrl-C (the io's signal) or SIGTERM. */
function stopSignal(io: CliIo): AbortSignal {
  const stop = new AbortController();
  process.once('SIGTERM', () => stop.abort());
  return io.signal === undefined ? stop.signal : AbortSignal.any([io.signal, stop.signal]);
}

/**
 * The benchmark harness (bench/command.ts), loaded only when asked for and only where it is:
 * a checkout of the repository ships it beside src/, built to dist/bench; the npm package
 * does not (it needs the workloads, the peers it compares against and the development
 * dependencies of a checkout).
 */
async function runBench(argv: readonly string[], io: CliIo): Promise<number> {
  let bench: typeof import('../../bench/command.js');
  try {
    bench = await import('../../bench/command.js');
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    io.stderr.write(
      `statemill: bench: the benchmark harness ships with statemill's repository, not with the npm package; ` +
        `run it from a checkout (git clone, npm ci, npm run build, then npx statemill bench …)  [${CliErrorCodes.BENCH_UNAVAILABLE}]\n` +
        `  (${(error as Error).message.split('\n')[0]})\n`,
    );
    return ExitCodes.USAGE;
  }
  return bench.benchCommand(argv, { stdout: process.stdout, stderr: process.stderr });
}
