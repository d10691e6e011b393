/**
 * Rounds of the CPU-heavy handler (pool-handlers.ts `burn`) for a given CPU time per call.
 * The wall-clock calibration (pool-support.ts roundsFor) counts other processes' time as the
 * handler's: at load average 7 the "0.5 ms" handler came out at 0.2 ms of CPU. The process's
 * CPU time alone counts V8's compiler and garbage-collector threads, which at a benchmark's
 * start once made it 0.19 ms. The thread's own CPU time is at most either, so each trial
 * takes the smaller of the two, and the fastest of trials spread over half a second is the
 * least disturbed (Node 20 has no per-thread CPU clock).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { burn } from '../standalone/pool-handlers.js';

const TRIAL_ROUNDS = 1_000_000;
const TRIALS = 16;
const PAUSE_MS = 30;

/** Rounds for `ms` of this thread's CPU per call. */
export async function cpuRoundsFor(ms: number): Promise<number> {
  let fastestUs = Infinity;
  // Compiled before it is timed.
  burn(TRIAL_ROUNDS, -1);
  for (let trial = 0; trial < TRIALS; trial++) {
    const wallFrom = performance.now();
    const cpuFrom = process.cpuUsage();
    burn(TRIAL_ROUNDS, trial);
    const cpu = process.cpuUsage(cpuFrom);
    const us = Math.min((performance.now() - wallFrom) * 1000, cpu.user + cpu.system);
    fastestUs = Math.min(fastestUs, us / TRIAL_ROUNDS);
    await sleep(PAUSE_MS);
  }
  return Math.max(1, Math.round((ms * 1000) / fastestUs));
}
