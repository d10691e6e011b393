import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliProcess } from './run-cli.js';

/**
 * `statemill worker` whose Redis does not answer (not started yet, a wrong port): it says it
 * is waiting, and Ctrl-C or SIGTERM stops it. It used to wait in silence and ignore both, as
 * BullMQ's close waits for Redis for ever.
 */
const worker = suite('cli worker without Redis');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  worker(`${signal} stops a worker still waiting for Redis: exit 0, saying it took no jobs`, async () => {
    // Port 1: nothing listens there, so every connection attempt is refused at once.
    const waiter = new CliProcess(['worker', '--redis', 'redis://127.0.0.1:1', '--threads', '1']);
    const waiting = await waiter.stderrHolds('waiting for Redis', 20_000);
    if (!waiting) waiter.child.kill('SIGKILL');
    assert.ok(waiter.stderr.includes('waiting for Redis at redis://127.0.0.1:1'), waiter.stderr);
    assert.is(await waiter.stop(signal), '0/null', waiter.stderr);
    assert.ok(waiter.stderr.includes('stopped before Redis at redis://127.0.0.1:1 answered'), waiter.stderr);
  });
}

worker.run();
