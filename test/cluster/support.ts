/**
 * Real parts for the cluster tests: a redis-server of the OS on a free loopback port with
 * its own temporary directory, and `statemill worker` processes. Where redis-server is not
 * installed the tests say so and are skipped (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import type { Cluster } from '../../src/cluster/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cliMain = join(root, 'src/cli/main.ts');

/** Why the cluster tests cannot run here, or null when they can. */
export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.error === undefined && found.status === 0 ? null : 'redis-server is not installed (apt-get install redis-server); the cluster tests are skipped';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Waits for `child` to print `pattern`. The deadline is only a backstop for a process that
 * never gets ready: under CPU starvation a statemill worker (node and tsx compiling the CLI)
 * took over 20 s to start, so it is generous.
 */
function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 90_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', look);
    child.stderr?.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}) before it was ready:\n${seen}`));
    });
  });
}

/** A redis-server with append-only persistence, so a restart loses nothing. */
export class RedisServer {
  readonly port: number;
  readonly dir: string;
  private child: ChildProcess | null = null;
  constructor(port: number) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), 'statemill-redis-'));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    await waitForOutput(child, /Ready to accept connections/, 'redis-server');
  }

  /** Stops Redis the way a restart does (SIGTERM: it flushes its append-only file). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === null || child.exitCode !== null) return;
    this.child = null;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startRedis(): Promise<RedisServer> {
  const server = new RedisServer(await freePort());
  await server.start();
  return server;
}

/** A `statemill worker` process, started and ready to take jobs. */
export class WorkerProcess {
  constructor(readonly child: ChildProcess) {}

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code));
      this.child.kill(signal);
    });
  }
}

/** Fast stall detection, so a killed worker's batch is re-run within a couple of seconds. */
const FAST_STALLS = ['--lock-duration-ms', '1000', '--stalled-interval-ms', '500'];

export async function startWorker(redisUrl: string, args: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx/esm', cliMain, 'worker', '--redis', redisUrl, '--threads', '1', ...FAST_STALLS, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForOutput(child, /taking jobs/, 'statemill worker');
  } catch (error) {
    // Not among the test's workers yet, so nothing else would stop it.
    child.kill('SIGKILL');
    throw error;
  }
  return new WorkerProcess(child);
}

export const fixtures = {
  handlers: fileURLToPath(new URL('./fixtures/handlers.ts', import.meta.url)),
  generator: fileURLToPath(new URL('./fixtures/generator.ts', import.meta.url)),
};

/** What each cluster test gets: the suite's Redis (null where none could start), the workers and clients it started (stopped after it), a queue prefix and a scratch folder of its own. */
export interface ClusterTestContext {
  redis: RedisServer | null;
  workers: WorkerProcess[];
  clients: Cluster[];
  prefix: string;
  dir: string;
}

/**
 * A uvu suite for tests against one Redis it starts: each test has its own queue prefix
 * (`prefix` and a number) and scratch folder; its clients are closed and its workers killed
 * after it. `withRedis` registers a test that is skipped where Redis cannot be started (the
 * reason printed once).
 */
export function clusterSuite(title: string, prefix: string) {
  const missing = redisMissing();
  if (missing !== null) console.log(`${title}: ${missing}`);
  const test = suite<ClusterTestContext>(title, { redis: null, workers: [], clients: [], prefix: '', dir: '' });
  let prefixes = 0;
  test.before(async (context) => {
    if (missing === null) context.redis = await startRedis();
  });
  test.before.each((context) => {
    context.prefix = `${prefix}${prefixes++}`;
    context.dir = mkdtempSync(join(tmpdir(), `statemill-${prefix}-`));
  });
  test.after.each(async (context) => {
    await Promise.all(context.clients.splice(0).map((client) => client.close()));
    await Promise.all(context.workers.splice(0).map((worker) => worker.kill('SIGKILL')));
    rmSync(context.dir, { recursive: true, force: true });
  });
  test.after(async (context) => {
    await context.redis?.destroy();
  });
  const withRedis = (name: string, body: Parameters<typeof test>[1]): void => {
    if (missing === null) test(name, body);
    else test.skip(name, body);
  };
  return { test, withRedis };
}
