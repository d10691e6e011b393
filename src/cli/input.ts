import { CliError, CliErrorCodes } from './cli-error.js';
import { readTextFile } from './files.js';
import { readAll, type CliIo } from './io.js';
import { parseJsonText } from './json-text.js';

export interface InputOptions {
  /** A JSON file, or "-" for standard input. */
  readonly input?: string;
  /** JSON text. */
  readonly inputJson?: string;
}

/**
 * The execution input: --input-json text, an --input file, or standard input when it is
 * piped. With none of these, or an empty pipe, the input is `{}` as in the AWS console.
 */
export async function readExecutionInput(options: InputOptions, io: CliIo): Promise<unknown> {
  if (options.input !== undefined && options.inputJson !== undefined) {
    throw new CliError(CliErrorCodes.USAGE, 'give the input once: either --input <file> or --input-json <json>');
  }
  if (options.inputJson !== undefined) return parseJsonText(options.inputJson, '--input-json');
  if (options.input !== undefined && options.input !== '-') return parseJsonText(await readInputFile(options.input, io), options.input);
  if (options.input === undefined && io.stdin.isTTY === true) return {};
  const text = await readAll(io.stdin, io.signal);
  return text.trim() === '' ? {} : parseJsonText(text, '<stdin>');
}

/** --input names a file; text that is missing as a file and reads as JSON was meant for --input-json: say so. */
async function readInputFile(file: string, io: CliIo): Promise<string> {
  try {
    return await readTextFile(file, io.cwd, 'input');
  } catch (error) {
    if (error instanceof CliError && error.code === CliErrorCodes.FILE_NOT_FOUND && /^\s*[[{"]/.test(file)) {
      throw new CliError(CliErrorCodes.FILE_NOT_FOUND, `${error.message}; --input takes a file, so give JSON text with --input-json '${file}'`);
    }
    throw error;
  }
}
