import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, CliErrorCodes } from './cli-error.js';

/** Reads a UTF-8 file named on the command line; `what` names it in messages ("definition", "input"…). */
export async function readTextFile(file: string, cwd: string, what: string): Promise<string> {
  const path = resolve(cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(CliErrorCodes.FILE_NOT_FOUND, `${what} file not found: ${file}${path !== file ? ` (looked for ${path})` : ''}`);
    if (code === 'EISDIR') throw new CliError(CliErrorCodes.FILE_UNREADABLE, `${what} file ${file} is a directory; name a file`);
    throw new CliError(CliErrorCodes.FILE_UNREADABLE, `cannot read ${what} file ${file}: ${(error as Error).message}`);
  }
}
