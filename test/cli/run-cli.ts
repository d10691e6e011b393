import { spawn, type ChildProcess } from 'node:child_process';
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

/**
 * The CLI as a child process from the repository root (`node --import tsx/esm src/cli/main.ts …`),
 * or another script of the repository (`script`: a benchmark), for what only a real process
 * shows: signals, and the processes it starts.
 */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<string>;

  constructor(args: string[], script = 'src/cli/main.ts') {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    this.child = spawn(process.execPath, ['--import', 'tsx/esm', script, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => (this.stdout += chunk));
    this.child.stderr!.on('data', (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(`${code}/${signal}`)));
  }

  /** True once stderr holds `text`; false if it has not after `ms`. */
  stderrHolds(text: string, ms = 120_000): Promise<boolean> {
    return this.holds('stderr', text, ms);
  }

  /** True once stdout holds `text`; false if it has not after `ms`. */
  stdoutHolds(text: string, ms = 120_000): Promise<boolean> {
    return this.holds('stdout', text, ms);
  }

  private holds(stream: 'stdout' | 'stderr', text: string, ms: number): Promise<boolean> {
    const source = this.child[stream]!;
    return new Promise((resolve) => {
      const check = () => {
        if (!this[stream].includes(text)) return;
        source.off('data', check);
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        source.off('data', check);
        resolve(false);
      }, ms).unref();
      source.on('data', check);
      check();
    });
  }

  /** How the process ended (`code/signal`), once it has. */
  exit(): Promise<string> {
    return this.exited;
  }

  /**
   * Sends `signal` and answers how the process ended (`code/signal`), or 'still running' if it
   * has not 30 s later (then it is killed). Not a speed check: a process deaf to the signal
   * runs on far past that.
   */
  async stop(signal: NodeJS.Signals): Promise<string> {
    this.child.kill(signal);
    const outcome = await Promise.race([this.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())]);
    if (outcome === 'still running') this.child.kill('SIGKILL');
    return outcome;
  }
}
