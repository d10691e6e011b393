/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then fields), written
 * only at or above the chosen level, so a quiet server pays one comparison per call.
 */
export const logLevels = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

const rank: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3, debug: 4 };

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  /** True when a message at `level` is written (check it before building costly fields). */
  enabled(level: Exclude<LogLevel, 'silent'>): boolean;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => unknown = (line) => process.stderr.write(line)): Logger {
  if (!(level in rank)) throw new TypeError(`log level must be one of ${logLevels.join(', ')}, not ${JSON.stringify(level)}`);
  const threshold = rank[level];
  function log(at: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields | undefined): void {
    if (rank[at] > threshold) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields })}\n`);
  }
  return {
    level,
    enabled: (at) => rank[at] <= threshold,
    error: (msg, fields) => log('error', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    debug: (msg, fields) => log('debug', msg, fields),
  };
}
