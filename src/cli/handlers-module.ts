import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Handler, Handlers, TaskContext } from '../index.js';
import { CliError, CliErrorCodes } from './cli-error.js';
import { notJsonData } from './json-data.js';

const EXAMPLE = "export const handlers = { 'my-resource': async (input, ctx) => ({ ...input, done: true }) };";

/**
 * Imports a handlers module given by path and returns its `handlers` export (the form the
 * pool needs too): an object mapping each Task Resource, or Lambda function name, to a function.
 */
export async function loadHandlersModule(file: string, cwd: string): Promise<Handlers> {
  const path = resolve(cwd, file);
  const found = await stat(path).catch(() => null);
  if (found === null) {
    throw new CliError(CliErrorCodes.FILE_NOT_FOUND, `handlers module not found: ${file}${path !== file ? ` (looked for ${path})` : ''}`);
  }
  if (!found.isFile()) {
    throw new CliError(
      CliErrorCodes.FILE_UNREADABLE,
      `handlers module ${file} is ${found.isDirectory() ? 'a directory' : 'not a file'}; name the module's file`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(CliErrorCodes.HANDLERS_MODULE, `cannot load handlers module ${file}: ${describeImportError(error, path)}`);
  }
  const handlers = readGuarded(file, () => handlersExport(module));
  if (handlers === undefined) {
    const names = Object.keys(module);
    throw new CliError(
      CliErrorCodes.HANDLERS_EXPORT,
      `handlers module ${file} has no \`handlers\` export (its exports: ${names.length > 0 ? names.join(', ') : 'none'}). Export an object mapping each Task Resource to a function:\n  ${EXAMPLE}`,
    );
  }
  if (handlers === null || typeof handlers !== 'object' || Array.isArray(handlers)) {
    throw new CliError(
      CliErrorCodes.HANDLERS_EXPORT,
      `the \`handlers\` export of ${file} must be an object mapping each Task Resource to a function, not ${describe(handlers)}:\n  ${EXAMPLE}`,
    );
  }
  // Read once, here: a getter or a Proxy that throws is the module's fault, reported as such, not a crash later.
  const read = readGuarded(file, () => Object.keys(handlers).map((key): [string, unknown] => [key, (handlers as Record<string, unknown>)[key]]));
  const notFunctions = read.filter(([, value]) => typeof value !== 'function').map(([key]) => key);
  if (notFunctions.length > 0) {
    throw new CliError(
      CliErrorCodes.HANDLERS_EXPORT,
      `in the \`handlers\` export of ${file}, every value must be a function (input, ctx) => result; these are not: ${notFunctions.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  return Object.fromEntries(read) as Record<string, Handler>;
}

/**
 * The handlers, each checking that what it returns is JSON data: AWS services answer with
 * JSON, and a BigInt or an object containing itself cannot be printed or measured. Such a
 * result fails the execution with States.Runtime naming the state and what was found.
 */
export function checkedHandlers(handlers: Handlers): Handlers {
  const checked: Record<string, Handler> = {};
  for (const key of Object.keys(handlers)) {
    const handler = handlers[key]!;
    const check = (result: unknown, ctx: TaskContext): unknown => {
      const problem = notJsonData(result);
      if (problem === null) return result;
      const state = (ctx.context.State as { Name?: unknown } | undefined)?.Name;
      throw runtimeError(
        `The handler for '${key}'${typeof state === 'string' ? ` (state '${state}')` : ''} returned a value that is not JSON data: ${problem}. Return plain JSON values, as a Lambda function's result is.`,
      );
    };
    Object.defineProperty(checked, key, {
      enumerable: true,
      value: function checkedHandler(input: unknown, ctx: TaskContext): unknown {
        const result = handler(input, ctx);
        if (result !== null && typeof (result as PromiseLike<unknown>)?.then === 'function') return Promise.resolve(result).then((value) => check(value, ctx));
        return check(result, ctx);
      },
    });
  }
  return checked;
}

/** Fails the Task with States.Runtime: a handler names an ASL error by the name of what it throws. */
function runtimeError(message: string): Error {
  const error = new Error(message);
  error.name = 'States.Runtime';
  return error;
}

/** The module's `handlers` export, or its default export's. */
function handlersExport(module: Record<string, unknown>): unknown {
  // A `handlers` export that is null is a wrong value, not a missing export.
  if ('handlers' in module) return module.handlers;
  return module.default !== null && typeof module.default === 'object' ? (module.default as Record<string, unknown>).handlers : undefined;
}

/** What `read` reads of the module's export; a getter or Proxy that throws is an ERR_CLI_HANDLERS_EXPORT naming the module. */
function readGuarded<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const thrown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(CliErrorCodes.HANDLERS_EXPORT, `cannot read the \`handlers\` export of ${file}: reading it threw ${thrown}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function describeImportError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  const extension = extname(path);
  if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && ['.ts', '.mts', '.cts'].includes(extension)) {
    return `Node cannot import TypeScript by itself; compile it to JavaScript, or run statemill through a TypeScript loader (node --import tsx/esm node_modules/statemill/dist/src/cli/main.js …)`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
