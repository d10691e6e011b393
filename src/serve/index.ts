/**
 * `statemill serve`: the service (createService) behind AWS's JSON 1.0 wire protocol, for the
 * AWS SDKs and CLI. server.ts decodes a request, calls the service and encodes its answer;
 * serve() here builds the service and listens.
 */
import type { Handlers } from '../compile/handlers.js';
import { virtualClock, type Clock } from '../run/clock.js';
import { createService, type ServiceOptions } from '../service/index.js';
import { lambdaEndpointHandlers } from './lambda-endpoint.js';
import { createLogger, type LogLevel } from './log.js';
import { createServer, type ServerOptions, type StepFunctionsServer } from './server.js';

export { createServer, StepFunctionsServer, DEFAULT_BODY_LIMIT, type EndpointService, type ServerOptions } from './server.js';
export { lambdaEndpointHandlers } from './lambda-endpoint.js';
export { hostPrefixAdvice } from './host-prefix.js';
export { createLogger, logLevels, type Logger, type LogLevel } from './log.js';

export interface ServeOptions extends Omit<ServerOptions, 'logger'> {
  /** Port to listen on (default 8083, Step Functions Local's; 0 picks a free one). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1: signatures are not checked, so keep it local). */
  readonly host?: string;
  /** Task handlers, as for compile(); Lambda functions without one go to `lambdaEndpoint`. */
  readonly handlers?: Handlers;
  /** A Step Functions Local mock configuration (parsed), for StartExecution of `stateMachineArn#TestCase`. */
  readonly mocks?: unknown;
  /** A Lambda Invoke API (`sam local start-lambda`); without it a Lambda with no handler fails with Lambda.ResourceNotFoundException. */
  readonly lambdaEndpoint?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** Let Wait states and retry intervals pass at once. */
  readonly virtualClock?: boolean;
  readonly clock?: Clock;
  /** SQLite file keeping state machines, activities, tags and Standard executions across restarts (default: in memory). */
  readonly store?: string;
  /** Further options for createService(). */
  readonly service?: Partial<ServiceOptions>;
  readonly logLevel?: LogLevel;
  /** Where log lines go (default: stderr). */
  readonly logWrite?: (line: string) => unknown;
}

/** A running endpoint and the service behind it. */
export interface RunningEndpoint {
  readonly server: StepFunctionsServer;
  readonly service: ReturnType<typeof createService>;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, then closes the service. */
  close(): Promise<void>;
}

/** `statemill serve` as a function: a service from the options, served over HTTP. */
export async function serve(options: ServeOptions = {}): Promise<RunningEndpoint> {
  const logger = createLogger(options.logLevel ?? 'info', options.logWrite);
  const handlers = lambdaEndpointHandlers(options.handlers ?? {}, options.lambdaEndpoint);
  const clock = options.clock ?? (options.virtualClock ? virtualClock() : undefined);
  const service = createService({
    ...options.service,
    handlers,
    ...(options.mocks === undefined ? {} : { mocks: options.mocks }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.accountId === undefined ? {} : { accountId: options.accountId }),
    ...(clock === undefined ? {} : { clock }),
    ...(options.store === undefined ? {} : { store: options.store }),
  });
  const server = createServer(service, { bodyLimit: options.bodyLimit, shutdownGraceMs: options.shutdownGraceMs, logger });
  try {
    await server.listen(options.port ?? 8083, options.host ?? '127.0.0.1');
  } catch (error) {
    await service.close();
    throw error;
  }
  const url = server.url;
  logger.info('listening', { url });
  let closing: Promise<void> | null = null;
  return {
    server,
    service,
    url,
    close() {
      closing ??= (async () => {
        logger.info('stopping: no new connections; in-flight requests finish');
        const drained = server.close();
        // Long polls would hold the drain for their 60 s: they answer "no task" now.
        service.releaseActivityPolls();
        await drained;
        await service.close();
        logger.info('stopped');
      })();
      return closing;
    },
  };
}
