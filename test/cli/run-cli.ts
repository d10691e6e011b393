import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON. */
  json(): any;
}

export interface RunCliOptions {
  /** Piped standard input; without it stdin is a terminal (so no input is read from it). */
  stdin?: string;
  signal?: AbortSignal;
  /** The working directory; default the fixtures directory. */
  cwd?: string;
}

/** Runs the CLI in-process, in the fixtures directory unless told otherwise, capturing what it writes. */
export async function cli(argv: string[], options: RunCliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = options.stdin === undefined ? Object.assign(Readable.from([]), { isTTY: true }) : Readable.from([options.stdin]);
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin,
    cwd: options.cwd ?? fixtures,
    signal: options.signal,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
