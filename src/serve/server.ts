import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UuidSequence } from '../run/ids.js';
import { ServiceError, ServiceErrorNames } from '../service/errors.js';
import { createLogger, type Logger } from './log.js';
import {
  CONTENT_TYPE,
  METHOD_OF,
  decodeRequest,
  encodeError,
  encodeResponse,
  encodeServiceError,
  isAwsJsonContentType,
  operationOf,
  type OperationName,
  type WireAnswer,
} from './protocol.js';

/**
 * What the endpoint serves: an object whose methods are Step Functions' operations
 * camelCased, each taking AWS's request structure and resolving to its response structure
 * (timestamps as `Date`s), refusing with a ServiceError. `createService()` is one; a method
 * it lacks answers UnknownOperationException.
 */
export type EndpointService = object;

export interface ServerOptions {
  /** Largest request body accepted, in bytes (default 4 MiB: a 1 MB definition escaped as JSON text, with room). */
  readonly bodyLimit?: number;
  /** Where the server logs (default: JSON lines on stderr at level info). */
  readonly logger?: Logger;
  /** How long close() lets in-flight requests finish before it cuts their connections (default 10 s). */
  readonly shutdownGraceMs?: number;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
const serviceErrorNames: ReadonlySet<string> = new Set(ServiceErrorNames);
/** `X-Amzn-RequestId`s: distinct UUIDs at the cost of a concatenation (randomUUID() per request costs more). */
const requestIds = new UuidSequence();

/**
 * Step Functions' wire protocol (AWS JSON 1.0) over `node:http`: `POST /` with
 * `X-Amz-Target: AWSStepFunctions.<Operation>` calls the service's method and writes its
 * answer; `GET /health` answers `{"status":"ok"}`. SigV4 signatures are accepted and not
 * checked, and any Host is served (SDKs send StartSyncExecution and TestState to `sync-<host>`).
 */
export class StepFunctionsServer {
  readonly http: Server;
  private readonly service: EndpointService;
  private readonly bodyLimit: number;
  private readonly log: Logger;
  private readonly graceMs: number;
  private inFlight = 0;
  private stopping: Promise<void> | null = null;
  private drained: (() => void) | null = null;

  constructor(service: EndpointService, options: ServerOptions = {}) {
    this.service = service;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!(Number.isSafeInteger(this.bodyLimit) && this.bodyLimit > 0)) throw new TypeError(`bodyLimit must be a positive integer number of bytes, not ${String(options.bodyLimit)}`);
    this.log = options.logger ?? createLogger('info');
    this.graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    this.http = createHttpServer((request, response) => this.handle(request, response));
    // Clients keep connections alive between calls; their idle timeout is longer than Node's 5 s default.
    this.http.keepAliveTimeout = 65_000;
  }

  /** Starts listening (port 0 picks a free one) and resolves to the address it is bound to. */
  listen(port = 8083, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const failed = (error: Error): void => reject(error);
      this.http.once('error', failed);
      this.http.listen(port, host, () => {
        this.http.off('error', failed);
        resolve(this.address()!);
      });
    });
  }

  /** The bound address, or null before listen(). */
  address(): AddressInfo | null {
    const address = this.http.address();
    return address !== null && typeof address === 'object' ? address : null;
  }

  /** `http://host:port` of the bound address (IPv6 in brackets). */
  get url(): string {
    const address = this.address();
    if (address === null) throw new Error('the server is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (answering each with
   * `Connection: close`), closes idle keep-alive connections, and after the grace period
   * cuts whatever is left. Resolves once the server is closed; calling it again returns
   * the same promise.
   */
  close(): Promise<void> {
    if (this.stopping !== null) return this.stopping;
    this.stopping = new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        if (this.inFlight > 0) this.log.warn('shutdown grace period over: closing connections with requests in flight', { inFlight: this.inFlight });
        this.http.closeAllConnections();
      }, this.graceMs);
      grace.unref();
      const closed = new Promise<void>((done) => this.http.close(() => done()));
      const drained = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((done) => (this.drained = done));
      this.http.closeIdleConnections();
      void Promise.all([closed, drained]).then(() => {
        clearTimeout(grace);
        resolve();
      });
    });
    return this.stopping;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const requestId = requestIds.next();
    if (request.url === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
      const body = this.stopping === null ? '{"status":"ok"}' : '{"status":"stopping"}';
      this.send(response, requestId, { status: this.stopping === null ? 200 : 503, body, errorType: null });
      return;
    }
    if (request.url !== '/' && !request.url?.startsWith('/?')) {
      this.send(response, requestId, encodeError('UnknownOperationException', `No such resource: ${request.method} ${request.url} (Step Functions answers POST / only; GET /health reports the server's state)`, 404));
      request.resume();
      return;
    }
    if (request.method !== 'POST') {
      this.send(response, requestId, encodeError('UnknownOperationException', `Method ${request.method} not allowed: Step Functions operations are POST / with X-Amz-Target`, 405));
      request.resume();
      return;
    }
    let operation: OperationName;
    try {
      operation = operationOf(headerText(request.headers['x-amz-target']));
      if (!isAwsJsonContentType(request.headers['content-type'])) {
        throw new ServiceError('SerializationException', `Content-Type must be ${CONTENT_TYPE}, not ${request.headers['content-type'] === undefined ? 'absent' : JSON.stringify(request.headers['content-type'])}`);
      }
    } catch (error) {
      this.send(response, requestId, encodeServiceError(error as ServiceError));
      request.resume();
      return;
    }
    const declared = Number(request.headers['content-length']);
    if (declared > this.bodyLimit) {
      this.refuseTooLarge(request, response, requestId);
      return;
    }
    this.inFlight++;
    const started = this.log.enabled('debug') ? performance.now() : 0;
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > this.bodyLimit) {
        refused = true;
        this.refuseTooLarge(request, response, requestId);
        this.settled();
        return;
      }
      chunks.push(chunk);
    });
    request.on('error', () => {
      if (refused) return;
      refused = true;
      this.settled();
    });
    request.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const finish = (answer: WireAnswer): void => {
        this.send(response, requestId, answer);
        if (started !== 0) this.log.debug('request', { requestId, operation, status: answer.status, errorType: answer.errorType, ms: Math.round((performance.now() - started) * 100) / 100 });
        this.settled();
      };
      this.answer(operation, body, finish);
    });
  }

  /**
   * Decodes, calls the service, encodes, and gives `finish` the answer: every outcome
   * becomes one, never a rejection. No promise of its own beyond the service's (a refusal
   * before the call is answered at once).
   */
  private answer(operation: OperationName, body: string, finish: (answer: WireAnswer) => void): void {
    let output: unknown;
    try {
      const input = decodeRequest(body);
      const method = (this.service as Record<string, unknown>)[METHOD_OF.get(operation)!];
      if (typeof method !== 'function') throw new ServiceError('UnknownOperationException', `statemill does not implement ${operation} yet`);
      output = method.call(this.service, input);
    } catch (error) {
      finish(this.refusal(operation, error));
      return;
    }
    const encode = (value: unknown): void => {
      let answer: WireAnswer;
      try {
        answer = { status: 200, body: encodeResponse(value), errorType: null };
      } catch (error) {
        answer = this.refusal(operation, error);
      }
      finish(answer);
    };
    if (output instanceof Promise || typeof (output as PromiseLike<unknown> | null)?.then === 'function') {
      void Promise.resolve(output).then(encode, (error: unknown) => finish(this.refusal(operation, error)));
    } else encode(output);
  }

  private refusal(operation: OperationName, error: unknown): WireAnswer {
    if (error instanceof ServiceError || (error instanceof Error && serviceErrorNames.has(error.name))) return encodeServiceError(error as ServiceError);
    this.log.error('internal error', { operation, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return encodeError('InternalFailure', `Internal error in statemill while serving ${operation}: ${error instanceof Error ? error.message : String(error)}`, 500);
  }

  private refuseTooLarge(request: IncomingMessage, response: ServerResponse, requestId: string): void {
    response.setHeader('connection', 'close');
    this.send(response, requestId, encodeError('ValidationException', `Request body exceeds the limit of ${this.bodyLimit} bytes`, 413));
    // The rest of the body is not read: the connection closes once the answer is out.
    response.on('finish', () => request.destroy());
  }

  private send(response: ServerResponse, requestId: string, answer: WireAnswer): void {
    if (response.headersSent) return;
    // A flat [name, value, …] list: Node writes it without walking an object.
    const headers: string[] = ['content-type', CONTENT_TYPE, 'content-length', String(Buffer.byteLength(answer.body)), 'x-amzn-requestid', requestId];
    if (answer.errorType !== null) headers.push('x-amzn-errortype', answer.errorType);
    if (this.stopping !== null) headers.push('connection', 'close');
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  }

  private settled(): void {
    this.inFlight--;
    if (this.stopping !== null) {
      this.http.closeIdleConnections();
      if (this.inFlight === 0 && this.drained !== null) this.drained();
    }
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The endpoint for a service: `createServer(service).listen(port, host)`. */
export function createServer(service: EndpointService, options: ServerOptions = {}): StepFunctionsServer {
  return new StepFunctionsServer(service, options);
}
