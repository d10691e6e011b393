import { ExitCodes, type ExitCode } from './exit-codes.js';

/** Why the CLI could not do what it was asked, with a stable code; the message says what to do. */
export const CliErrorCodes = {
  USAGE: 'ERR_CLI_USAGE',
  FILE_NOT_FOUND: 'ERR_CLI_FILE_NOT_FOUND',
  FILE_UNREADABLE: 'ERR_CLI_FILE_UNREADABLE',
  JSON_SYNTAX: 'ERR_CLI_JSON_SYNTAX',
  YAML_SYNTAX: 'ERR_CLI_YAML_SYNTAX',
  /** A file that is neither ASL nor a template with a state machine in it. */
  NO_STATE_MACHINE: 'ERR_CLI_NO_STATE_MACHINE',
  /** A template with several state machines, and none chosen. */
  AMBIGUOUS_STATE_MACHINE: 'ERR_CLI_AMBIGUOUS_STATE_MACHINE',
  HANDLERS_MODULE: 'ERR_CLI_HANDLERS_MODULE',
  HANDLERS_EXPORT: 'ERR_CLI_HANDLERS_EXPORT',
  MOCKS: 'ERR_CLI_MOCKS',
  /** run: a STANDARD machine's callback, `.sync` or activity Task that the test case does not mock (nothing could answer it). */
  UNMOCKED_TASK: 'ERR_CLI_UNMOCKED_TASK',
  /** Ctrl-C before an execution started (while the input was read from stdin); exit code 6. */
  INTERRUPTED: 'ERR_CLI_INTERRUPTED',
  /** Handler code threw where nothing could catch it (exit code 7). */
  HANDLER_CRASHED: 'ERR_CLI_HANDLER_CRASHED',
  /** bench: --expected holds a different number of outcomes than --input has inputs. */
  BENCH_EXPECTED: 'ERR_CLI_BENCH_EXPECTED',
  /** `statemill bench` in an installation without the benchmark harness. */
  BENCH_UNAVAILABLE: 'ERR_CLI_BENCH_UNAVAILABLE',
  /** `statemill bench --cluster` where no redis-server can be started. */
  BENCH_REDIS_MISSING: 'ERR_CLI_BENCH_REDIS_MISSING',
} as const;

export type CliErrorCode = (typeof CliErrorCodes)[keyof typeof CliErrorCodes];

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  constructor(code: CliErrorCode, message: string, exitCode: ExitCode = code === CliErrorCodes.USAGE ? ExitCodes.USAGE : ExitCodes.INPUT) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The code goes at the end of the first line of a message, before any code frame. */
export function withCode(message: string, code: string): string {
  const newline = message.indexOf('\n');
  return newline < 0 ? `${message}  [${code}]` : `${message.slice(0, newline)}  [${code}]${message.slice(newline)}`;
}
