/**
 * A problem with what the user asked for (a missing file, an unknown workload, an invalid
 * definition): reported with a stable code and the exit code every statemill command uses
 * for it (src/cli/exit-codes.ts), not thrown at them.
 */
export class BenchSetupError extends Error {
  override readonly name = 'BenchSetupError';
  readonly code: string;
  readonly exitCode: number;
  /** By default a usage error: exit code 2, ERR_CLI_USAGE. */
  constructor(message: string, code = 'ERR_CLI_USAGE', exitCode = 2) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}
