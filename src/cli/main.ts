#!/usr/bin/env node
import { runCli } from './program.js';

/** The `statemill` executable: Ctrl-C aborts a running execution (it then settles as ABORTED). */
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('Interrupted (Ctrl-C).')));
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  signal: interrupt.signal,
});
