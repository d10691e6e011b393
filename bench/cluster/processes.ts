/**
 * The processes a cluster benchmark runs on this machine: a redis-server on a free loopback
 * port with its own temporary directory, and `statemill worker` processes, each standing for
 * a host. `statemill bench --cluster` and bench/standalone/cluster.ts both start them here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliErrorCodes } from '../../src/cli/cli-error.js';
import { BenchSetupError } from '../errors.js';

/** The redis-server to run: STATEMILL_REDIS_SERVER, or the one on the PATH. */
export function redisServerCommand(): string {
  return process.env.STATEMILL_REDIS_SERVER ?? 'redis-server';
}

/**
 * Redis and the workers run in process groups of their own, so a Ctrl-C at the terminal
 * reaches the benchmark alone, which stops them in order (workers, then Redis): signalled
 * together, Redis went first and the workers, stopping gracefully, waited for it forever.
 */
const OWN_PROCESS_GROUP = true;

/** How long a process may take to say it is ready: a worker from source compiles TypeScript first. */
const START_TIMEOUT_MS = 60_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `child` printed `pattern` on stdout; rejects with what it printed if it exits or fails to start first. */
function ready(child: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${START_TIMEOUT_MS} ms:\n${seen}`)), START_TIMEOUT_MS);
    const settle = (error: Error | null) => {
      clearTimeout(timer);
      if (error === null) resolve();
      else reject(error);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) settle(null);
    });
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('error', (error) => settle(error));
    child.once('exit', (code) => settle(new Error(`${what} exited (${code}) before it was ready:\n${seen}`)));
  });
}

/** Ends `child` with SIGTERM and waits for it. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export class BenchRedis {
  readonly url: string;
  constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** The redis-server's process id. */
  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    await stop(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A redis-server without persistence (a benchmark measures the queue, not the disk; the
 * tests run Redis with AOF). A missing redis-server is a BenchSetupError that says how to get one.
 */
export async function startRedis(): Promise<BenchRedis> {
  const command = redisServerCommand();
  const dir = mkdtempSync(join(tmpdir(), 'statemill-bench-redis-'));
  const port = await freePort();
  const child = spawn(command, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: OWN_PROCESS_GROUP,
  });
  try {
    await ready(child, /Ready to accept connections/, 'redis-server');
  } catch (error) {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BenchSetupError(
        `--cluster needs redis-server, and '${command}' was not found (install it: apt-get install redis-server, brew install redis; or set STATEMILL_REDIS_SERVER)`,
        CliErrorCodes.BENCH_REDIS_MISSING,
      );
    }
    throw error;
  }
  return new BenchRedis(port, child, dir);
}

/** Where a `statemill worker` is started from: a checkout's sources (through tsx) or its build. */
export interface WorkerSource {
  /** The directory the worker runs in (a checkout's root: tsx resolves from there). */
  readonly cwd: string;
  /** node's arguments before `worker`. */
  readonly args: readonly string[];
}

/** This checkout's CLI, as this module runs: src/cli/main.ts through tsx from source, bin/statemill.cjs when built. */
export function thisCheckout(): WorkerSource {
  if (import.meta.url.endsWith('.ts')) return checkoutSource(fileURLToPath(new URL('../../', import.meta.url)));
  return { cwd: fileURLToPath(new URL('../../../', import.meta.url)), args: [fileURLToPath(new URL('../../../bin/statemill.cjs', import.meta.url))] };
}

/** Another checkout's sources (a baseline to compare with): its node_modules must hold tsx. */
export function checkoutSource(root: string): WorkerSource {
  return { cwd: root, args: ['--import', 'tsx/esm', join(root, 'src/cli/main.ts')] };
}

export interface WorkerSettings {
  readonly url: string;
  readonly prefix: string;
  readonly processes: number;
  readonly threadsEach: number;
  /** Batches each process runs at once (`--concurrency`); the worker's default when null. */
  readonly concurrency: number | null;
  readonly source: WorkerSource;
  /** More node arguments (--cpu-prof and its directory, for a profile of each worker). */
  readonly nodeArgs?: readonly string[];
}

export class WorkerProcesses {
  constructor(readonly children: readonly ChildProcess[]) {}

  /** Stops every process and waits for them (before Redis: a worker stopping gracefully needs it). */
  async stop(): Promise<void> {
    await Promise.all(this.children.map(stop));
  }
}

/** `processes` workers, each with `threadsEach` threads, ready to take jobs. */
export async function startWorkers(settings: WorkerSettings): Promise<WorkerProcesses> {
  const concurrency = settings.concurrency === null ? [] : ['--concurrency', String(settings.concurrency)];
  const children = Array.from({ length: settings.processes }, () =>
    spawn(
      process.execPath,
      [
        ...(settings.nodeArgs ?? []),
        ...settings.source.args,
        'worker',
        '--redis',
        settings.url,
        '--prefix',
        settings.prefix,
        '--threads',
        String(settings.threadsEach),
        ...concurrency,
      ],
      { cwd: settings.source.cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: OWN_PROCESS_GROUP },
    ),
  );
  const workers = new WorkerProcesses(children);
  try {
    await Promise.all(children.map((child) => ready(child, /taking jobs/, 'statemill worker')));
  } catch (error) {
    await workers.stop();
    throw error;
  }
  return workers;
}

/** Linux counts a process's CPU time in ticks of 1/100 s (USER_HZ) in /proc/<pid>/stat. */
const US_PER_TICK = 10_000;

/** CPU time (user + system, all threads) a process has used so far, in µs; null off Linux or once it is gone. */
export function processCpuUs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of proc(5), counted from `state` (field 3).
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * US_PER_TICK : null;
  } catch {
    return null;
  }
}

/**
 * Until the returned function is called, a signal that ends the benchmark (SIGINT from
 * Ctrl-C, which reaches it alone, or SIGTERM from `timeout`, kill or a supervisor) first
 * runs `stop` — the processes it started, in process groups of their own, would outlive
 * it — then exits as the signal would (130, 143).
 */
export function stopWithSignals(stop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    void stop().finally(() => process.exit(signal === 'SIGTERM' ? 143 : 130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
}
