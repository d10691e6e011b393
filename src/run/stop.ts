/** What a stop request ends now: the execution while its run is synchronous, then the race that settles it. */
export interface StopTarget {
  stopRequested(): void;
}

/**
 * A request to stop one execution, as plain data: the service's StopExecution and close()
 * hold one per execution instead of an AbortController (about 940 bytes with its signal
 * and listener, against a few dozen for this). Nothing listens: the machine names the one
 * target a stop ends (attach()), so stopping a suspended execution settles its suspension
 * directly, and no AbortSignal is made unless a handler asks the execution for one.
 */
export class StopHandle {
  /** Set by stop(); `reason` is what it was given (AWS's cause comes from an Error's message). */
  stopped: boolean;
  reason: unknown;
  private target: StopTarget | null;
  constructor() {
    this.stopped = false;
    this.reason = undefined;
    this.target = null;
  }

  /** Stops the execution (it settles ABORTED); a second stop, or one after the end, does nothing. */
  stop(reason?: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reason = reason;
    const target = this.target;
    this.target = null;
    target?.stopRequested();
  }

  /** The machine names where a stop goes from now on; null once the execution has settled. */
  attach(target: StopTarget | null): void {
    this.target = target;
  }
}

/** A caller's AbortSignal (ExecuteOptions.signal) as a stop handle, listening to it until the execution settles. */
export class SignalStop extends StopHandle {
  private readonly signal: AbortSignal;
  private readonly onAbort: () => void;
  constructor(signal: AbortSignal) {
    super();
    this.signal = signal;
    this.onAbort = () => this.stop(signal.reason);
    if (signal.aborted) this.stop(signal.reason);
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }
  override attach(target: StopTarget | null): void {
    super.attach(target);
    if (target === null) this.signal.removeEventListener('abort', this.onAbort);
  }
}

/** The cause an ABORTED result shows: the reason's message, or its text. */
export function stopCause(stop: StopHandle): string {
  const reason = stop.reason;
  return reason instanceof Error ? reason.message : reason === undefined ? 'The execution was aborted.' : String(reason);
}
