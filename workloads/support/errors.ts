/**
 * Handlers signal ASL errors as a Lambda function does: an Error whose `name` is the
 * error name (matched by Retry/Catch `ErrorEquals`) and whose `message` is the cause.
 */
export function workflowError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}
