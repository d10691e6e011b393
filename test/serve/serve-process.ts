/**
 * `statemill serve` as a child process, for the tests that signal or kill it (crash, shutdown).
 * Each suite calls killServers() after its tests: a failed assertion must not leave a server running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  /** The endpoint's URL once it listens; rejects if the process exits first. */
  readonly url: Promise<string>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What it wrote to stderr so far. */
  stderr(): string;
}

/** Every server process started and not exited yet. */
const children = new Set<ChildProcess>();

/** Starts `statemill serve --port 0` with `args`, in this checkout, with `env` added to this process's. */
export function startServe(args: string[], env: Record<string, string> = {}): ServeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'serve', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk) => (err += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const found = /endpoint at (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]!);
    });
    void exit.then(({ code }) => reject(new Error(`serve exited with ${code} before listening: ${err}`)));
  });
  return { child, url, exit, stderr: () => err };
}

/** Kills every server a test left running. */
export function killServers(): void {
  for (const child of children) child.kill('SIGKILL');
}
