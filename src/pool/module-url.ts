import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A module another thread or process imports (handlers, input generators): given as a file:
 * URL (string or URL) or an absolute path, returned as a file: URL; null for anything else,
 * since a relative path would resolve against whoever imports it.
 */
export function moduleFileUrl(module: unknown): string | null {
  if (module instanceof URL) return module.href;
  if (typeof module !== 'string') return null;
  if (module.startsWith('file:')) return new URL(module).href;
  return isAbsolute(module) ? pathToFileURL(module).href : null;
}
