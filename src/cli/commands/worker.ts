import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, CliErrorCodes } from '../cli-error.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import { loadHandlersModule } from '../handlers-module.js';
import type { CliIo } from '../io.js';

export interface WorkerOptions {
  readonly redis: string;
  readonly threads?: string;
  readonly concurrency?: string;
  readonly handlers?: string;
  readonly prefix?: string;
  readonly lockDurationMs?: string;
  readonly stalledIntervalMs?: string;
  readonly maxStalledCount?: string;
}

/**
 * `statemill worker`: one host of a cluster. Runs jobs from the cluster's queues on a local
 * thread pool until Ctrl-C or SIGTERM, then finishes the jobs it holds and exits 0.
 */
export async function workerCommand(options: WorkerOptions, io: CliIo, stopSignal: AbortSignal): Promise<ExitCode> {
  const threads = optionalCount(options.threads, '--threads');
  const concurrency = optionalCount(options.concurrency, '--concurrency');
  const lockDurationMs = optionalCount(options.lockDurationMs, '--lock-duration-ms');
  const stalledIntervalMs = optionalCount(options.stalledIntervalMs, '--stalled-interval-ms');
  const maxStalledCount = optionalCount(options.maxStalledCount, '--max-stalled-count', 0);
  if (!/^rediss?:\/\//.test(options.redis)) throw new CliError(CliErrorCodes.USAGE, `--redis must be a redis:// URL, not '${options.redis}'`);
  let handlers: string | undefined;
  if (options.handlers !== undefined) {
    // Checked here, so a bad module is a clear start-up error rather than a failure of every execution.
    await loadHandlersModule(options.handlers, io.cwd);
    handlers = pathToFileURL(resolve(io.cwd, options.handlers)).href;
  }
  // Loaded only for this command: BullMQ and ioredis take ~0.5 s to import.
  const { createClusterWorker } = await import('../../cluster/index.js');
  const worker = createClusterWorker({
    connection: options.redis,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(threads === undefined ? {} : { threads }),
    ...(concurrency === undefined ? {} : { concurrency }),
    ...(handlers === undefined ? {} : { handlers }),
    ...(lockDurationMs === undefined ? {} : { lockDurationMs }),
    ...(stalledIntervalMs === undefined ? {} : { stalledIntervalMs }),
    ...(maxStalledCount === undefined ? {} : { maxStalledCount }),
  });
  if (!(await readyUnlessStopped(worker, options.redis, io, stopSignal))) {
    io.stderr.write(`statemill worker: stopped before Redis at ${options.redis} answered; it took no jobs\n`);
    await worker.close();
    return ExitCodes.OK;
  }
  io.stdout.write(`statemill worker ${worker.id}: ${worker.threads} threads, ${worker.concurrency} batches at once, taking jobs from ${options.redis}\n`);
  await new Promise<void>((done) => {
    if (stopSignal.aborted) return done();
    stopSignal.addEventListener('abort', () => done(), { once: true });
  });
  io.stdout.write(`statemill worker ${worker.id}: stopping after the jobs it holds\n`);
  await worker.close();
  return ExitCodes.OK;
}

/** How long a worker waits for Redis before it says it is waiting. */
const REDIS_NOTICE_MS = 3_000;

/**
 * True once the worker's queues are connected; false when Ctrl-C or SIGTERM comes first. A
 * Redis that does not answer is retried for ever (it may be starting), so the wait is said
 * on stderr and Ctrl-C or SIGTERM ends it.
 */
async function readyUnlessStopped(worker: { ready(): Promise<void> }, url: string, io: CliIo, stopSignal: AbortSignal): Promise<boolean> {
  if (stopSignal.aborted) return false;
  let onStop: () => void = () => {};
  const stopped = new Promise<boolean>((resolve) => stopSignal.addEventListener('abort', (onStop = () => resolve(false)), { once: true }));
  const notice = setTimeout(
    () => io.stderr.write(`statemill worker: waiting for Redis at ${url}, which does not answer yet (Ctrl-C to stop)\n`),
    REDIS_NOTICE_MS,
  );
  try {
    return await Promise.race([worker.ready().then(() => true), stopped]);
  } finally {
    clearTimeout(notice);
    stopSignal.removeEventListener('abort', onStop);
  }
}

function optionalCount(text: string | undefined, flag: string, least = 1): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) throw new CliError(CliErrorCodes.USAGE, `${flag} must be an integer ≥ ${least}, not '${text}'`);
  return value;
}
