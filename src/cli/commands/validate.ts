import { validate } from '../../asl/validate.js';
import { CliError } from '../cli-error.js';
import { loadDefinitions } from '../definition-file.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatProblems, reportProblems, type ReportedProblem } from '../problem-report.js';

export interface ValidateOptions {
  readonly json?: boolean;
}

/** One state machine's verdict; a file that could not be read has `error` instead of problems. */
export interface ValidatedDefinition {
  readonly file: string;
  readonly resource: string | null;
  readonly valid: boolean;
  readonly problems: ReportedProblem[];
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** `statemill validate <files…>`: every problem of every state machine in the files. */
export async function validateCommand(files: readonly string[], options: ValidateOptions, io: CliIo): Promise<ExitCode> {
  const results: Array<ValidatedDefinition & { label: string }> = [];
  for (const file of files) {
    try {
      for (const outcome of await loadDefinitions(file, io.cwd)) {
        if ('error' in outcome) results.push(unreadable(file, outcome.label, outcome.resource, outcome.error));
        else {
          const problems = reportProblems(validate(outcome.definition));
          results.push({ file, label: outcome.label, resource: outcome.resource, valid: problems.length === 0, problems, error: null });
        }
      }
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      results.push(unreadable(file, file, null, error));
    }
  }
  const exitCode = results.some((r) => r.error !== null) ? ExitCodes.INPUT : results.some((r) => !r.valid) ? ExitCodes.INVALID_DEFINITION : ExitCodes.OK;
  if (options.json) {
    const definitions = results.map(({ label: _label, ...result }) => result);
    io.stdout.write(JSON.stringify({ valid: exitCode === ExitCodes.OK, definitions }, null, 2) + '\n');
  } else {
    for (const result of results) {
      if (result.error !== null) io.stdout.write(`${result.label}: cannot be validated\n  ${result.error.message.replace(/\n/g, '\n  ')}  [${result.error.code}]\n`);
      else if (result.valid) io.stdout.write(`${result.label}: valid\n`);
      else io.stdout.write(formatProblems(result.label, result.problems));
    }
  }
  return exitCode;
}

function unreadable(file: string, label: string, resource: string | null, error: CliError): ValidatedDefinition & { label: string } {
  return { file, label, resource, valid: false, problems: [], error: { code: error.code, message: error.message } };
}
