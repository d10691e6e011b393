import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Lambda-compatible Invoke API, as `sam local start-lambda` serves it, for the suite:
 * `POST /2015-03-31/functions/<name>/invocations`. Functions are plain functions of the event;
 * one that throws answers with `X-Amz-Function-Error: Unhandled` and Lambda's error payload.
 */
export interface FakeLambda {
  readonly url: string;
  readonly invocations: Array<{ functionName: string; event: unknown }>;
  close(): Promise<void>;
}

export async function startFakeLambda(functions: Record<string, (event: any) => unknown>): Promise<FakeLambda> {
  const invocations: FakeLambda['invocations'] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
      const functionName = match ? decodeURIComponent(match[1]!) : '';
      const fn = Object.hasOwn(functions, functionName) ? functions[functionName] : undefined;
      if (request.method !== 'POST' || fn === undefined) {
        response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        response.end(JSON.stringify({ Type: 'User', Message: `Function not found: ${functionName}` }));
        return;
      }
      const event = JSON.parse(body);
      invocations.push({ functionName, event });
      try {
        const result = fn(event);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(result ?? null));
      } catch (error) {
        const e = error as Error;
        response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' });
        response.end(JSON.stringify({ errorMessage: e.message, errorType: e.name, stackTrace: [] }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
