/**
 * Rounds of the CPU-heavy handler (pool-handlers.ts `burn`) for a given CPU time per call,
 * calibrated on this thread's CPU time rather than the wall clock: on a shared machine a
 * wall-clock calibration counts other processes' time as the handler's, and the "0.5 ms"
 * handler came out at 0.2 ms of CPU when the load average was 7. Call it before starting
 * the threads and processes the benchmark measures.
 */
import { burn } from '../standalone/pool-handlers.js';

const TRIAL_ROUNDS = 1_000_000;

/** Rounds for `ms` of CPU per call, from the fastest of nine trials (the least disturbed: a busy host's VM is charged for time it lost, too). */
export function cpuRoundsFor(ms: number): number {
  let fastestUs = Infinity;
  // Compiled before it is timed.
  burn(TRIAL_ROUNDS, -1);
  for (let trial = 0; trial < 9; trial++) {
    const began = process.cpuUsage();
    burn(TRIAL_ROUNDS, trial);
    const used = process.cpuUsage(began);
    fastestUs = Math.min(fastestUs, (used.user + used.system) / TRIAL_ROUNDS);
  }
  return Math.max(1, Math.round((ms * 1000) / fastestUs));
}
