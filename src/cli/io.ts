import { CliError, CliErrorCodes } from './cli-error.js';
import { ExitCodes } from './exit-codes.js';

/** What a command may touch: streams and the working directory, injected so tests run commands in-process. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** The execution input when neither --input nor --input-json is given (and it is not a terminal). */
  readonly stdin: AsyncIterable<string | Uint8Array> & { readonly isTTY?: boolean };
  readonly cwd: string;
  /** Aborts a running execution (the CLI wires it to Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * The whole stream as text. Ctrl-C (`signal`) ends the wait for a stream that does not end,
 * such as a terminal or a producer that hangs: a CliError (exit code 6), and the stream is
 * closed so that the process can exit.
 */
export function readAll(stream: AsyncIterable<string | Uint8Array>, signal?: AbortSignal): Promise<string> {
  if (signal === undefined) return readToEnd(stream);
  return new Promise((resolve, reject) => {
    const stop = () => {
      (stream as { destroy?: () => void }).destroy?.();
      reject(
        new CliError(CliErrorCodes.INTERRUPTED, 'interrupted (Ctrl-C) while reading the execution input from stdin; no execution started', ExitCodes.ABORTED),
      );
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    readToEnd(stream)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', stop));
  });
}

async function readToEnd(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
