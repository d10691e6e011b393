/**
 * Exit codes of `statemill`: each means one thing in every command (bench included), so
 * scripts can rely on them.
 */
export const ExitCodes = {
  /** run: the execution SUCCEEDED. validate: no problems. */
  OK: 0,
  /** run: the execution FAILED. bench: an engine under test gave a wrong answer. */
  FAILED: 1,
  /** The command line is wrong: unknown command or option, missing argument, conflicting options. */
  USAGE: 2,
  /** A file could not be used: missing, unreadable, malformed JSON or YAML, no state machine in it, a bad handlers module or mock configuration. */
  INPUT: 3,
  /** The definition has problems (validate lists them; run refuses to start). */
  INVALID_DEFINITION: 4,
  /** run: the execution TIMED_OUT. */
  TIMED_OUT: 5,
  /** run: the execution was ABORTED (Ctrl-C). */
  ABORTED: 6,
  /** Code outside statemill (a handler) threw where nothing could catch it: from a timer or callback, or a promise rejection nobody handled. */
  HANDLER_CRASHED: 7,
  /** A bug in statemill: please report it. */
  INTERNAL: 70,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** The exit-code table for --help. */
export const EXIT_CODES_HELP = `Exit codes:
  0   run: the execution SUCCEEDED; validate: every definition is valid
  1   run: the execution FAILED; bench: an engine under test gave a wrong answer
  2   usage error: unknown command or option, missing argument, conflicting options
  3   a file could not be used: missing, unreadable, malformed JSON/YAML, no state
      machine in a template, a handlers module or mock configuration that does not fit
  4   the definition has problems (validate lists them; run does not start)
  5   run: the execution TIMED_OUT
  6   run: the execution was ABORTED (Ctrl-C)
  7   handler code threw where nothing could catch it (in a timer or callback,
      or a promise rejection nobody handled); the execution's result is lost
  70  internal error in statemill
validate with several files exits 3 if any file could not be used, else 4 if any
definition has problems.`;
