import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * `statemill worker` whose Redis does not answer (not started yet, a wrong port): it says it
 * is waiting, and Ctrl-C or SIGTERM stops it. It used to wait in silence and ignore both, as
 * BullMQ's close waits for Redis for ever.
 */
const worker = suite('cli worker without Redis');

const root = fileURLToPath(new URL('../../', import.meta.url));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  worker(`${signal} stops a worker still waiting for Redis: exit 0, saying it took no jobs`, async () => {
    // Port 1: nothing listens there, so every connection attempt is refused at once.
    const child = spawn(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'worker', '--redis', 'redis://127.0.0.1:1', '--threads', '1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const waiting = new Promise<void>((resolve) =>
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (stderr.includes('waiting for Redis')) resolve();
      }),
    );
    const ended = new Promise<string>((resolve) => child.once('exit', (code, killedBy) => resolve(`${code}/${killedBy}`)));
    await Promise.race([waiting, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
    if (!stderr.includes('waiting for Redis')) child.kill('SIGKILL');
    assert.ok(stderr.includes('waiting for Redis at redis://127.0.0.1:1'), stderr);
    child.kill(signal);
    // Not a speed check: a worker deaf to the signal never ends, far past this.
    const outcome = await Promise.race([ended, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000).unref())]);
    if (outcome === 'still running') child.kill('SIGKILL');
    assert.is(outcome, '0/null', stderr);
    assert.ok(stderr.includes('stopped before Redis at redis://127.0.0.1:1 answered'), stderr);
  });
}

worker.run();
