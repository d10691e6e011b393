import { LAMBDA_FALLBACK, type Handler, type Handlers, type LambdaResolver, type TaskContext } from '../compile/handlers.js';

/**
 * Lambda functions without a handler, for the service: with an endpoint URL they are called
 * through a Lambda-compatible Invoke API (`POST /2015-03-31/functions/<name>/invocations`, as
 * `sam local start-lambda` and Step Functions Local's LAMBDA_ENDPOINT serve); without one the
 * task fails as AWS fails a missing function (`Lambda.ResourceNotFoundException`). The
 * service sees plain handlers and needs no HTTP knowledge.
 */
export function lambdaEndpointHandlers(handlers: Handlers, endpoint?: string): Handlers {
  const resolve: LambdaResolver = endpoint === undefined ? missingFunction : invokeThrough(endpointBase(endpoint));
  return Object.defineProperty({ ...handlers }, LAMBDA_FALLBACK, { value: resolve, enumerable: true });
}

function endpointBase(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`the Lambda endpoint must be an http(s) URL such as http://127.0.0.1:3001, not ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`the Lambda endpoint must be an http(s) URL, not ${JSON.stringify(endpoint)}`);
  return url.href.replace(/\/+$/, '');
}

/** An Error as a task handler throws it: `name` is the ASL error, `message` the cause. */
function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

function notFoundCause(functionName: string, detail = ''): string {
  return `Function not found: ${functionName} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException${detail})`;
}

function missingFunction(functionName: string): Handler {
  return function lambdaFunctionNotFound() {
    throw taskError('Lambda.ResourceNotFoundException', notFoundCause(functionName));
  };
}

function invokeThrough(base: string): LambdaResolver {
  return function lambdaAtEndpoint(functionName) {
    const url = `${base}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`;
    return async function invokeLambdaEndpoint(event: unknown, ctx: TaskContext): Promise<unknown> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
          body: JSON.stringify(event === undefined ? {} : event),
          signal: ctx.signal,
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const reason = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
        throw taskError('Lambda.SdkClientException', `Unable to execute HTTP request to the Lambda endpoint ${base}: ${reason}`);
      }
      const text = await response.text();
      if (response.status === 404) throw taskError('Lambda.ResourceNotFoundException', notFoundCause(functionName, `; endpoint ${base}`));
      if (response.status >= 300) {
        const type = response.headers.get('x-amzn-errortype')?.split(':')[0] || `Http${response.status}`;
        throw taskError(`Lambda.${type}`, `${text} (Service: AWSLambda; Status Code: ${response.status}; Error Code: ${type})`);
      }
      const payload = parsePayload(text);
      if (response.headers.has('x-amz-function-error')) {
        const errorType = payload !== null && typeof payload === 'object' ? (payload as { errorType?: unknown }).errorType : undefined;
        throw taskError(typeof errorType === 'string' && errorType !== '' ? errorType : 'Lambda.Unknown', text);
      }
      return payload;
    };
  };
}

function parsePayload(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
