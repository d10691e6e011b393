import { compileCatchers, compileRetriers } from '../../compile/recovery.js';
import { AslError, errorOutput, toAslError } from '../../run/errors.js';
import type { ErrorDetails } from './request.js';
import { refuseCompileProblems, type Outcome, type TestRun } from './run-env.js';

/**
 * What AWS's TestState makes of an error in a state with Retry and Catch, given
 * `retrierRetryCount` n: the first retrier that matches decides. While it has attempts left
 * (n < MaxAttempts) the state is RETRIABLE, and the next retry would wait IntervalSeconds ×
 * BackoffRate^n, capped by MaxDelaySeconds (jitter left out: the cap is reported), in whole
 * seconds as AWS's model types retryBackoffIntervalSeconds (an integer; the fraction is cut, and a
 * backoff past the model's 32-bit Java integer, even an unbounded one, is its largest value). Otherwise
 * the first matching catcher gives CAUGHT_ERROR with its Next and output; else FAILED.
 */
const MAX_JAVA_INT = 2_147_483_647;

export async function recover(thrown: unknown, rawInput: unknown, run: TestRun): Promise<Outcome> {
  const error: AslError = toAslError(thrown);
  const details: ErrorDetails = {};
  const retriers = compileRetriers(run.state.def.Retry);
  const retryCount = run.config.retrierRetryCount ?? 0;
  for (let i = 0; i < retriers.length; i++) {
    const retrier = retriers[i]!;
    if (!retrier.matches(error)) continue;
    details.retryIndex = i;
    if (retryCount < retrier.maxAttempts) {
      const delayMs = Math.min(retrier.intervalMs * Math.pow(retrier.backoffRate, retryCount), retrier.maxDelayMs);
      details.retryBackoffIntervalSeconds = Math.min(Math.floor(delayMs / 1000), MAX_JAVA_INT);
      return { status: 'RETRIABLE', hasOutput: false, error: error.error, cause: error.cause, errorDetails: details };
    }
    break;
  }
  const catchers = compileCatchers(run.state.def.Catch, run.env);
  refuseCompileProblems(run);
  for (let i = 0; i < catchers.length; i++) {
    const catcher = catchers[i]!;
    if (!catcher.matches(error)) continue;
    details.catchIndex = i;
    let output: unknown;
    try {
      output = await catcher.output(rawInput, errorOutput(error), run.frame);
    } catch (thrown) {
      // The catcher's own ResultPath, Output or Assign failed: that error ends the state.
      return failed(thrown, details);
    }
    return { status: 'CAUGHT_ERROR', output, hasOutput: true, error: error.error, cause: error.cause, nextState: catcher.next.name, errorDetails: details };
  }
  return failed(error, details);
}

/** FAILED with the error; `details` only when a retrier or catcher was looked at. */
export function failed(thrown: unknown, details?: ErrorDetails): Outcome {
  const error = toAslError(thrown);
  const withDetails = details !== undefined && Object.keys(details).length > 0 ? { errorDetails: details } : {};
  return { status: 'FAILED', hasOutput: false, error: error.error, cause: error.cause, ...withDetails };
}
