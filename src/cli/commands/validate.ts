import { checkSupport, StandardTasks, validate } from '../../index.js';
import { CliError, withCode } from '../cli-error.js';
import { loadDefinitions } from '../definition-file.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseParams } from '../params.js';
import { waitingTasks } from '../waiting-tasks.js';
import { formatProblems, reportProblems, type ReportedProblem } from '../problem-report.js';

export interface ValidateOptions {
  readonly json?: boolean;
  /** --param Name=Value, as given. */
  readonly param?: readonly string[];
  /** --type: the workflow type every machine is judged as, over the template's. */
  readonly type?: 'EXPRESS' | 'STANDARD';
}

/**
 * One state machine's verdict; a file that could not be read has `error` instead of
 * problems. `valid` and `problems` are about the language (what AWS accepts); `runs` and
 * `engineProblems` about what statemill runs (what `statemill run` would refuse besides),
 * checked once the language is valid (null until then).
 */
export interface ValidatedDefinition {
  readonly file: string;
  readonly resource: string | null;
  readonly valid: boolean;
  readonly problems: ReportedProblem[];
  readonly runs: boolean | null;
  readonly engineProblems: ReportedProblem[];
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** `statemill validate <files…>`: every problem of every state machine in the files. */
export async function validateCommand(files: readonly string[], options: ValidateOptions, io: CliIo): Promise<ExitCode> {
  // `waiting`: the states of a valid STANDARD machine that only a service (or a mock) answers.
  const results: Array<ValidatedDefinition & { label: string; waiting?: string[] }> = [];
  const params = parseParams(options.param);
  // The integrations statemill serve runs a STANDARD machine with: one set judges every machine.
  const standard = { integrations: new StandardTasks().integrations() };
  for (const file of files) {
    try {
      for (const outcome of await loadDefinitions(file, io.cwd, params)) {
        if ('error' in outcome) results.push(unreadable(file, outcome.label, outcome.resource, outcome.error));
        else {
          // Judged as AWS judges it: a machine of unknown type is STANDARD (CreateStateMachine's and
          // ValidateStateMachineDefinition's default), and a STANDARD machine runs as statemill serve runs it.
          const workflowType = options.type ?? outcome.type ?? 'STANDARD';
          const definition = outcome.definition;
          const problems = reportProblems(validate(definition, { workflowType }), definition);
          const integrations = workflowType === 'STANDARD' ? standard : {};
          const engineProblems = problems.length === 0 ? reportProblems(checkSupport(definition, { workflowType, ...integrations }), definition) : [];
          const runs = problems.length === 0 ? engineProblems.length === 0 : null;
          const waiting = runs === true && workflowType === 'STANDARD' ? waitingTasks(definition).map((task) => task.state) : [];
          results.push({
            file,
            label: outcome.label,
            resource: outcome.resource,
            valid: problems.length === 0,
            problems,
            runs,
            engineProblems,
            error: null,
            waiting,
          });
        }
      }
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      results.push(unreadable(file, file, null, error));
    }
  }
  const refused = (r: ValidatedDefinition) => !r.valid || r.runs === false;
  const exitCode = results.some((r) => r.error !== null) ? ExitCodes.INPUT : results.some(refused) ? ExitCodes.INVALID_DEFINITION : ExitCodes.OK;
  if (options.json) {
    const definitions = results.map(({ label: _label, waiting: _waiting, ...result }) => result);
    io.stdout.write(JSON.stringify({ valid: exitCode === ExitCodes.OK, definitions }, null, 2) + '\n');
  } else {
    for (const result of results) {
      if (result.error !== null)
        io.stdout.write(`${result.label}: cannot be validated\n  ${withCode(result.error.message, result.error.code).replace(/\n/g, '\n  ')}\n`);
      else if (!result.valid) io.stdout.write(formatProblems(result.label, result.problems));
      else if (result.runs) io.stdout.write(`${result.label}: valid\n${waitingNote(result.waiting)}`);
      else io.stdout.write(formatProblems(`${result.label}: valid ASL, but statemill cannot run it`, result.engineProblems));
    }
  }
  return exitCode;
}

function unreadable(file: string, label: string, resource: string | null, error: CliError): ValidatedDefinition & { label: string } {
  return { file, label, resource, valid: false, problems: [], runs: null, engineProblems: [], error: { code: error.code, message: error.message } };
}

/** What a valid STANDARD machine's waiting Tasks need, which `statemill run` alone cannot give them. */
function waitingNote(states: readonly string[] | undefined): string {
  if (states === undefined || states.length === 0) return '';
  const named = states.map((state) => `'${state}'`).join(', ');
  return (
    `  its .waitForTaskToken, .sync and activity Tasks (${named}) run in statemill serve (or createService()); ` +
    `statemill run answers them from a test case's mocks (--type STANDARD --mocks <file> --test-case <name>)\n`
  );
}
