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
  await worker.ready();
  io.stdout.write(`statemill worker ${worker.id}: ${worker.threads} threads, ${worker.concurrency} batches at once, taking jobs from ${options.redis}\n`);
  await new Promise<void>((done) => {
    if (stopSignal.aborted) return done();
    stopSignal.addEventListener('abort', () => done(), { once: true });
  });
  io.stdout.write(`statemill worker ${worker.id}: stopping after the jobs it holds\n`);
  await worker.close();
  return ExitCodes.OK;
}

function optionalCount(text: string | undefined, flag: string, least = 1): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < least) throw new CliError(CliErrorCodes.USAGE, `${flag} must be an integer ≥ ${least}, not '${text}'`);
  return value;
}
