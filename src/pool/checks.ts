/** Checks of what callers pass the pool, failing with ERR_POOL_INVALID_OPTION. */
import { PoolError, PoolErrorCodes } from './errors.js';
import { moduleFileUrl } from './module-url.js';

export function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(`${name} must be a positive integer`);
  return value;
}

/** A module a worker imports, as a file: URL. */
export function moduleUrl(module: string | URL, what: string): string {
  const url = moduleFileUrl(module);
  if (url !== null) return url;
  throw invalid(`${what} must be a file: URL or an absolute path`);
}

export function invalid(message: string): PoolError {
  return new PoolError(PoolErrorCodes.INVALID_OPTION, message);
}
