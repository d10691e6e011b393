#!/usr/bin/env node
import { CliErrorCodes } from './cli-error.js';
import { ExitCodes } from './exit-codes.js';
import { runCli } from './program.js';

/**
 * The `statemill` executable. Ctrl-C aborts a running execution (it then settles as
 * ABORTED). A reader that stops early (`statemill --help | head -1`) just ends the output.
 * Handler code that throws where nothing can catch it ends the process with exit code 7
 * and a message, never with exit code 1, which means FAILED.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

function crashed(kind: string, thrown: unknown): void {
  const detail = thrown instanceof Error ? (thrown.stack ?? `${thrown.name}: ${thrown.message}`) : String(thrown);
  process.stderr.write(
    `statemill: ${kind} outside any execution, usually in handler code (a throw from a timer or callback, or a promise nobody awaits); ` +
      `the run cannot go on  [${CliErrorCodes.HANDLER_CRASHED}]\n  ${detail.replace(/\n/g, '\n  ')}\n`,
  );
  process.exit(ExitCodes.HANDLER_CRASHED);
}
process.on('uncaughtException', (error) => crashed('uncaught exception', error));
process.on('unhandledRejection', (reason) => crashed('unhandled promise rejection', reason));

const argv = process.argv.slice(2);
const interrupt = new AbortController();
// bench has no execution to settle: Ctrl-C ends it as it ends any program (its cluster and
// media modes stop the processes they started first). A listener here would swallow it.
if (argv[0] !== 'bench') process.once('SIGINT', () => interrupt.abort(new Error('Interrupted (Ctrl-C).')));
// No top-level await: the CLI is bundled as CommonJS (scripts/bundle-cli.mjs says why).
void runCli(argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  // Opened only when a command reads it (no --input-json or --input): creating it costs every start.
  get stdin() {
    return process.stdin;
  },
  cwd: process.cwd(),
  signal: interrupt.signal,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
