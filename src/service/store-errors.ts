/** The refusals of a store file (service/store.ts), each with a stable code. */
export const StoreErrorCodes = {
  /** better-sqlite3 (an optional dependency) is not installed or does not load. */
  UNAVAILABLE: 'ERR_STORE_UNAVAILABLE',
  /** The file is not an SQLite database, or is damaged. */
  CORRUPT: 'ERR_STORE_CORRUPT',
  /** An SQLite database that some other program made. */
  FOREIGN: 'ERR_STORE_FOREIGN',
  /** A statemill store of a schema this version does not know. */
  VERSION: 'ERR_STORE_VERSION',
  /** Another process has the store open. */
  IN_USE: 'ERR_STORE_IN_USE',
} as const;
export type StoreErrorCode = (typeof StoreErrorCodes)[keyof typeof StoreErrorCodes];

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly path: string;
  constructor(code: StoreErrorCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}
