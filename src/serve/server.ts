import { createServer as createHttpServer, IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { UuidSequence } from '../run/ids.js';
import { ServiceError, ServiceErrorNames } from '../service/errors.js';
import { createLogger, type Logger } from './log.js';
import {
  CONTENT_TYPE,
  METHOD_OF,
  OPERATIONS,
  TARGET_PREFIX,
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
/** How long a connection refused with 413 keeps reading what its client still sends before it closes (see lingerClose()). */
const LINGER_MS = 2_000;
const serviceErrorNames: ReadonlySet<string> = new Set(ServiceErrorNames);
/** `X-Amzn-RequestId`s: distinct UUIDs at the cost of a concatenation (randomUUID() per request costs more). */
const requestIds = new UuidSequence();
/** The operation each well-formed `X-Amz-Target` names: one lookup (operationOf() explains the others). */
const OPERATION_OF_TARGET: ReadonlyMap<string, OperationName> = new Map(OPERATIONS.map((operation) => [TARGET_PREFIX + operation, operation]));

/** What a request reports to its server once its body is read (or cannot be). */
interface BodyReader {
  readonly bodyLimit: number;
  read(request: EndpointRequest): void;
  tooLarge(request: EndpointRequest): void;
  failed(): void;
}

/**
 * A request as the endpoint reads it. node:http makes one per request (the server's
 * IncomingMessage class), so what the endpoint keeps while the body arrives lives here and
 * the body's listeners are this class's methods: no closures per request.
 */
class EndpointRequest extends IncomingMessage {
  endpoint: BodyReader | null = null;
  response: ServerResponse | null = null;
  operation: OperationName | null = null;
  requestId = '';
  /** The body came with `Content-Encoding: gzip`. */
  gzipped = false;
  /** performance.now() when the body began, for the debug log; 0 when not logging. */
  started = 0;
  private firstChunk: Buffer | null = null;
  private moreChunks: Buffer[] | null = null;
  private received = 0;
  private refused = false;

  onChunk(this: EndpointRequest, chunk: Buffer): void {
    if (this.refused) return;
    this.received += chunk.length;
    if (this.received > this.endpoint!.bodyLimit) {
      this.refused = true;
      this.endpoint!.tooLarge(this);
      return;
    }
    // Most bodies arrive in one chunk: no array for them.
    if (this.firstChunk === null) this.firstChunk = chunk;
    else (this.moreChunks ??= [this.firstChunk]).push(chunk);
  }

  onEnd(this: EndpointRequest): void {
    if (!this.refused) this.endpoint!.read(this);
  }

  onError(this: EndpointRequest): void {
    if (this.refused) return;
    this.refused = true;
    this.endpoint!.failed();
  }

  /** The body as text ('' when there was none). */
  body(): string {
    return this.bytes().toString('utf8');
  }

  /** The body as it arrived, in bytes. */
  bytes(): Buffer {
    if (this.moreChunks !== null) return Buffer.concat(this.moreChunks);
    return this.firstChunk ?? Buffer.alloc(0);
  }
}

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
  /** True when each request is logged (the level is fixed at construction). */
  private readonly debug: boolean;
  private readonly reader: BodyReader;
  /** Connections whose body was refused with 413: they close after it, and nothing more is answered on them. */
  private readonly refusedConnections = new WeakSet<Socket>();

  constructor(service: EndpointService, options: ServerOptions = {}) {
    this.service = service;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    if (!(Number.isSafeInteger(this.bodyLimit) && this.bodyLimit > 0))
      throw new TypeError(`bodyLimit must be a positive integer number of bytes, not ${String(options.bodyLimit)}`);
    this.log = options.logger ?? createLogger('info');
    this.graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    this.debug = this.log.enabled('debug');
    this.reader = {
      bodyLimit: this.bodyLimit,
      read: (request) => this.bodyRead(request),
      tooLarge: (request) => {
        this.refuseTooLarge(request, request.response!, request.requestId);
        this.settled();
      },
      failed: () => this.settled(),
    };
    // Any Host is served (SDKs prefix it with sync-), so a request without one is too: node:http would answer it a bare 400.
    this.http = createHttpServer<typeof EndpointRequest>({ IncomingMessage: EndpointRequest, requireHostHeader: false }, (request, response) =>
      this.handle(request, response),
    );
    // Without these, node:http answers bytes it cannot parse and unknown Expect headers with a bare status and no body.
    this.http.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerUnreadable(error, socket));
    this.http.on('checkExpectation', (request: EndpointRequest, response: ServerResponse) => {
      this.sendAnswer(
        response,
        requestIds.next(),
        encodeError('ValidationException', `Unsupported Expect header ${JSON.stringify(request.headers.expect)}: only 100-continue is understood`, 417),
      );
      request.resume();
    });
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

  private handle(request: EndpointRequest, response: ServerResponse): void {
    // node:http parses on to the end of the bytes it has read, so a request pipelined behind a refused body can still arrive: it goes unanswered, as the connection closes.
    if (this.refusedConnections.has(request.socket)) {
      request.resume();
      return;
    }
    const requestId = requestIds.next();
    const url = request.url;
    if (url !== '/' && !url?.startsWith('/?')) {
      if ((url === '/health' || url?.startsWith('/health?')) && (request.method === 'GET' || request.method === 'HEAD')) {
        const body = this.stopping === null ? '{"status":"ok"}' : '{"status":"stopping"}';
        this.send(response, requestId, this.stopping === null ? 200 : 503, body, null);
        return;
      }
      this.sendAnswer(
        response,
        requestId,
        encodeError(
          'UnknownOperationException',
          `No such resource: ${request.method} ${url} (Step Functions answers POST / only; GET /health reports the server's state)`,
          404,
        ),
      );
      request.resume();
      return;
    }
    if (request.method !== 'POST') {
      this.sendAnswer(
        response,
        requestId,
        encodeError('UnknownOperationException', `Method ${request.method} not allowed: Step Functions operations are POST / with X-Amz-Target`, 405),
      );
      request.resume();
      return;
    }
    const headers = request.headers;
    const target = headerText(headers['x-amz-target']);
    const operation = target === undefined ? undefined : OPERATION_OF_TARGET.get(target);
    const contentType = headers['content-type'];
    if (operation === undefined || (contentType !== CONTENT_TYPE && !isAwsJsonContentType(contentType))) {
      this.sendAnswer(response, requestId, encodeServiceError(headerFault(target, contentType)));
      request.resume();
      return;
    }
    if (Number(headers['content-length']) > this.bodyLimit) {
      this.refuseTooLarge(request, response, requestId);
      return;
    }
    // Content codings are case-insensitive (RFC 9110 §8.4.1).
    const encoding = headers['content-encoding']?.toLowerCase();
    if (encoding !== undefined && encoding !== 'identity' && encoding !== 'gzip') {
      this.sendAnswer(
        response,
        requestId,
        encodeError('SerializationException', `Content-Encoding ${JSON.stringify(encoding)} is not supported: send the body as it is, or gzip`, 415),
      );
      request.resume();
      return;
    }
    this.inFlight++;
    request.gzipped = encoding === 'gzip';
    request.endpoint = this.reader;
    request.response = response;
    request.operation = operation;
    request.requestId = requestId;
    if (this.debug) request.started = performance.now();
    request.on('data', request.onChunk);
    request.on('end', request.onEnd);
    request.on('error', request.onError);
  }

  /** The request's body has arrived: decode, call the service, encode, answer. */
  private bodyRead(request: EndpointRequest): void {
    const operation = request.operation!;
    let body: string;
    if (!request.gzipped) body = request.body();
    else {
      const inflated = inflate(request.bytes(), this.bodyLimit);
      if (typeof inflated !== 'string') {
        this.finish(request, inflated);
        return;
      }
      body = inflated;
    }
    let output: unknown;
    try {
      const input = decodeRequest(body);
      const method = (this.service as Record<string, unknown>)[METHOD_OF.get(operation)!];
      if (typeof method !== 'function') throw new ServiceError('UnknownOperationException', `statemill does not implement ${operation} yet`);
      // A long poll ends when its worker hangs up, so the next task goes to a worker that is still there.
      output = operation === 'GetActivityTask' ? method.call(this.service, input, hangUpSignal(request.response!)) : method.call(this.service, input);
    } catch (error) {
      this.finish(request, this.refusal(operation, error));
      return;
    }
    if (output instanceof Promise || typeof (output as PromiseLike<unknown> | null)?.then === 'function') {
      void Promise.resolve(output).then(
        (value) => this.encoded(request, value),
        (error: unknown) => this.finish(request, this.refusal(operation, error)),
      );
    } else this.encoded(request, output);
  }

  private encoded(request: EndpointRequest, output: unknown): void {
    let body: string;
    try {
      body = encodeResponse(output);
    } catch (error) {
      this.finish(request, this.refusal(request.operation!, error));
      return;
    }
    this.send(request.response!, request.requestId, 200, body, null);
    if (request.started !== 0) this.logAnswered(request, 200, null);
    this.settled();
  }

  private finish(request: EndpointRequest, answer: WireAnswer): void {
    this.sendAnswer(request.response!, request.requestId, answer);
    if (request.started !== 0) this.logAnswered(request, answer.status, answer.errorType);
    this.settled();
  }

  private logAnswered(request: EndpointRequest, status: number, errorType: string | null): void {
    this.log.debug('request', {
      requestId: request.requestId,
      operation: request.operation,
      status,
      errorType,
      ms: Math.round((performance.now() - request.started) * 100) / 100,
    });
  }

  private refusal(operation: OperationName, error: unknown): WireAnswer {
    if (error instanceof ServiceError || (error instanceof Error && serviceErrorNames.has(error.name))) return encodeServiceError(error as ServiceError);
    this.log.error('internal error', { operation, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    return encodeError(
      'InternalFailure',
      `Internal error in statemill while serving ${operation}: ${error instanceof Error ? error.message : String(error)}`,
      500,
    );
  }

  /**
   * Answers 413 and closes the connection without reading the rest of the request: what the
   * client sends from now on is dropped unparsed (drainUnparsed()), and the connection
   * half-closes once the answer is out (lingerClose()).
   */
  private refuseTooLarge(request: IncomingMessage, response: ServerResponse, requestId: string): void {
    const socket = request.socket;
    this.refusedConnections.add(socket);
    drainUnparsed(socket);
    // What the parser still yields from bytes it holds goes nowhere.
    request.resume();
    const answer = encodeError('ValidationException', `Request body exceeds the limit of ${this.bodyLimit} bytes`, 413);
    response.writeHead(answer.status, this.headers(requestId, answer.body, answer.errorType, true));
    // write(), not end(): an ended response with Connection: close makes node:http destroy the socket as soon as it is out.
    response.write(answer.body, () => lingerClose(socket));
  }

  private sendAnswer(response: ServerResponse, requestId: string, answer: WireAnswer): void {
    this.send(response, requestId, answer.status, answer.body, answer.errorType);
  }

  private send(response: ServerResponse, requestId: string, status: number, body: string, errorType: string | null): void {
    if (response.headersSent) return;
    response.writeHead(status, this.headers(requestId, body, errorType, this.stopping !== null));
    response.end(body);
  }

  /** An answer's headers as a flat [name, value, …] list: Node writes it without walking an object. */
  private headers(requestId: string, body: string, errorType: string | null, close: boolean): string[] {
    const headers: string[] = ['content-type', CONTENT_TYPE, 'content-length', String(Buffer.byteLength(body)), 'x-amzn-requestid', requestId];
    if (errorType !== null) headers.push('x-amzn-errortype', errorType);
    if (close) headers.push('connection', 'close');
    return headers;
  }

  private settled(): void {
    this.inFlight--;
    if (this.stopping !== null) {
      this.http.closeIdleConnections();
      if (this.inFlight === 0 && this.drained !== null) this.drained();
    }
  }
}

/** Aborts when the connection closes before `response` is written out (the client hung up). */
function hangUpSignal(response: ServerResponse): AbortSignal {
  const hangUp = new AbortController();
  // A client that hung up while its body was read has closed the connection already.
  if (response.socket === null || response.socket.destroyed) hangUp.abort();
  else
    response.once('close', () => {
      if (!response.writableFinished) hangUp.abort();
    });
  return hangUp.signal;
}

/**
 * Takes reading a connection away from node:http. Its parser reads the socket's handle itself
 * until a 'data' listener is added, and its own 'data' listener then feeds the parser: with
 * that one removed and ours added, what arrives from now on is dropped, not parsed (the parser
 * still goes through the bytes it holds; handle() ignores requests it finds there). A
 * connection node:http paused because answers queued unsent past its high-water mark does not
 * read again once the parser lets go: it is closed after LINGER_MS, perhaps with a reset.
 */
function drainUnparsed(socket: Socket): void {
  socket.removeAllListeners('data');
  socket.on('data', drop);
}

function drop(): void {}

/**
 * Closes a connection once its 413 is out without resetting it. Closing a socket with unread
 * bytes makes the kernel reset the connection, and a reset can discard the 413 before the
 * client reads it; so this half-closes (FIN) and keeps dropping what the client sends until it
 * closes its side (the socket then destroys itself) or LINGER_MS pass.
 */
function lingerClose(socket: Socket): void {
  if (socket.destroyed) return;
  // A request of the parser's may have paused the socket while its bytes were dropped.
  socket.resume();
  socket.end();
  const deadline = setTimeout(() => socket.destroy(), LINGER_MS);
  deadline.unref();
  socket.once('close', () => clearTimeout(deadline));
}

/** A gzip body inflated to text, within the body limit; or the refusal. */
function inflate(bytes: Buffer, bodyLimit: number): string | WireAnswer {
  try {
    return gunzipSync(bytes, { maxOutputLength: bodyLimit }).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      return encodeError('ValidationException', `Request body exceeds the limit of ${bodyLimit} bytes once inflated (Content-Encoding: gzip)`, 413);
    return encodeError('SerializationException', `The request body is not gzip data, as its Content-Encoding: gzip says: ${(error as Error).message}`);
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Why a request's headers are refused: an unknown operation first, then the content type. */
function headerFault(target: string | undefined, contentType: string | undefined): ServiceError {
  try {
    operationOf(target);
  } catch (error) {
    return error as ServiceError;
  }
  return new ServiceError(
    'SerializationException',
    `Content-Type must be ${CONTENT_TYPE}, not ${contentType === undefined ? 'absent' : JSON.stringify(contentType)}`,
  );
}

/**
 * The answer to a request node:http could not read (a malformed request line, header or
 * chunk; headers over its size limit; a request that took too long to arrive): a typed error
 * like every other refusal, then the connection closes. A connection that already carried
 * an answer is only closed, as node:http does, so no answer is written into another's bytes.
 */
function answerUnreadable(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const answer = encodeError('SerializationException', `Malformed HTTP request (${error.code ?? 'unknown'}): ${error.message}`, status);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\n` +
      `x-amzn-requestid: ${requestIds.next()}\r\nx-amzn-errortype: ${answer.errorType}\r\nconnection: close\r\n\r\n${answer.body}`,
  );
}

/** The endpoint for a service: `createServer(service).listen(port, host)`. */
export function createServer(service: EndpointService, options: ServerOptions = {}): StepFunctionsServer {
  return new StepFunctionsServer(service, options);
}
