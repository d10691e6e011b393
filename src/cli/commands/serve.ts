import { resolve } from 'node:path';
import type { Handlers, RunningEndpoint, ServeLogLevel } from '../../index.js';
import { CliError, CliErrorCodes } from '../cli-error.js';
import { ExitCodes, type ExitCode } from '../exit-codes.js';
import { readTextFile } from '../files.js';
import { loadHandlersModule } from '../handlers-module.js';
import type { CliIo } from '../io.js';
import { parseJsonText } from '../json-text.js';

export interface ServeCommandOptions {
  readonly port: string;
  readonly host: string;
  readonly handlers?: string;
  readonly mocks?: string;
  readonly lambdaEndpoint?: string;
  readonly region: string;
  readonly accountId: string;
  readonly virtualClock?: boolean;
  readonly store?: string;
  readonly retainExecutions?: string;
  readonly logLevel: ServeLogLevel;
}

/** `statemill serve`: runs until SIGTERM, SIGINT or the io's signal, then stops gracefully. */
export async function serveCommand(options: ServeCommandOptions, io: CliIo): Promise<ExitCode> {
  const port = Number(options.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new CliError(CliErrorCodes.USAGE, `--port must be a port number from 0 to 65535, not ${JSON.stringify(options.port)}`);
  if (!/^\d{12}$/.test(options.accountId)) throw new CliError(CliErrorCodes.USAGE, `--account-id must be 12 digits, not ${JSON.stringify(options.accountId)}`);
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(options.region))
    throw new CliError(CliErrorCodes.USAGE, `--region must be a region name such as us-east-1, not ${JSON.stringify(options.region)}`);
  const retain = options.retainExecutions === undefined ? undefined : Number(options.retainExecutions);
  if (retain !== undefined && !(Number.isSafeInteger(retain) && retain >= 0))
    throw new CliError(CliErrorCodes.USAGE, `--retain-executions must be a whole number, not ${JSON.stringify(options.retainExecutions)}`);
  const handlers: Handlers = options.handlers === undefined ? {} : await loadHandlersModule(options.handlers, io.cwd);
  const mocks = options.mocks === undefined ? undefined : parseJsonText(await readTextFile(options.mocks, io.cwd, 'mock configuration'), options.mocks);
  // Imported here, not at the top: the CLI bundle is CommonJS (for V8's code cache), and the server, over the service,
  // is ES modules left out of it, which only import() can load.
  const { serve, hostPrefixAdvice, StoreError } = await import('../../index.js');
  let endpoint: RunningEndpoint;
  try {
    endpoint = await serve({
      port,
      host: options.host,
      handlers,
      mocks,
      lambdaEndpoint: options.lambdaEndpoint,
      region: options.region,
      accountId: options.accountId,
      virtualClock: options.virtualClock === true,
      store: options.store === undefined ? undefined : resolve(io.cwd, options.store),
      logLevel: options.logLevel,
      ...(retain === undefined ? {} : { service: { retainExecutions: retain } }),
      logWrite: (line) => io.stderr.write(line),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(CliErrorCodes.USAGE, `cannot listen on ${options.host}:${port}: the port is in use (choose another with --port)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(CliErrorCodes.USAGE, `cannot listen on ${options.host}: no such local address (--host)`);
    if (error instanceof TypeError) throw new CliError(CliErrorCodes.USAGE, error.message);
    if (error instanceof StoreError) throw new CliError(CliErrorCodes.FILE_UNREADABLE, `--store ${options.store}: ${error.message} (${error.code})`);
    throw error;
  }
  io.stdout.write(
    `statemill serve: AWS Step Functions endpoint at ${endpoint.url} (region ${options.region}, account ${options.accountId})\n` +
      'SigV4 signatures are accepted and not checked: any credentials work.\n' +
      (options.store === undefined
        ? 'State lives in memory (--store <file> keeps it across restarts).\n'
        : `Store: ${resolve(io.cwd, options.store)} (SQLite, WAL).\n`) +
      `${hostPrefixAdvice(endpoint.url)}\n`,
  );
  await stopRequested(io.signal);
  await endpoint.close();
  return ExitCodes.OK;
}

/** Resolves on SIGTERM, SIGINT or the io's abort signal, whichever comes first. */
function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop);
  });
}
