import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, parse, relative, resolve } from 'node:path';
import { CliError, CliErrorCodes } from './cli-error.js';

/**
 * Reads a UTF-8 file named on the command line; `what` names it in messages ("definition",
 * "input"…). Read synchronously: a command waits for its files anyway, and the asynchronous
 * read's four trips through libuv's thread pool (open, stat, read, close) took 0.4 ms against
 * 0.1 ms for a small file, and 3–4 ms in one read of four on the busy test machine.
 */
export async function readTextFile(file: string, cwd: string, what: string): Promise<string> {
  const path = resolve(cwd, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const other = sameNameOtherCase(path);
      const guess =
        other === null
          ? ''
          : `; did you mean ${isAbsolute(file) ? other : relative(cwd, other)}? (its name differs in letter case, which this file system tells apart)`;
      throw new CliError(CliErrorCodes.FILE_NOT_FOUND, `${what} file not found: ${file}${path !== file ? ` (looked for ${path})` : ''}${guess}`);
    }
    if (code === 'EISDIR') throw new CliError(CliErrorCodes.FILE_UNREADABLE, `${what} file ${file} is a directory; name a file`);
    throw new CliError(CliErrorCodes.FILE_UNREADABLE, `cannot read ${what} file ${file}: ${(error as Error).message}`);
  }
}

/**
 * The one existing path that differs from `path` only in letter case, or null. Templates
 * written on case-insensitive file systems (macOS, Windows) often name `StateMachine.asl.json`
 * for `stateMachine.asl.json`.
 */
function sameNameOtherCase(path: string): string | null {
  const root = parse(path).root;
  let found = root;
  for (const segment of relative(root, path).split(/[\\/]/)) {
    const exact = join(found, segment);
    if (existsSync(exact)) {
      found = exact;
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(found);
    } catch {
      return null;
    }
    const matches = names.filter((name) => name.toLowerCase() === segment.toLowerCase());
    if (matches.length !== 1) return null;
    found = join(found, matches[0]!);
  }
  return found === path || dirname(found) === found ? null : found;
}
