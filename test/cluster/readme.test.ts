/**
 * The README's "Running on many hosts" section, step by step: a worker process started with
 * the command line it shows (only Redis's address changed to the test's own Redis), and its
 * handlers.mjs and client.mjs run as written, printing what it says they print.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { redisMissing, startRedis } from './support.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const missing = redisMissing();
if (missing !== null) console.log(`cluster README: ${missing}`);

function section(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Running on many hosts\n');
  assert.ok(start >= 0, 'README has a "Running on many hosts" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of a language, in order, without the fences' indentation. */
function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('^( *)```' + language + '\\n([\\s\\S]*?)^\\1```', 'gm'))].map(([, indent, body]) =>
    body!
      .split('\n')
      .map((line) => line.slice(indent!.length))
      .join('\n'),
  );
}

(missing === null ? test : test.skip)('README "Running on many hosts": Redis, a worker started as shown, the client code as shown', async () => {
  const text = section();
  const [redisLine, workerLine] = blocks(text, 'sh').map((block) => block.trim());
  const [handlersCode, clientCode] = blocks(text, 'js');
  assert.match(redisLine!, /^redis-server .*--appendonly yes/);
  assert.ok(workerLine!.startsWith('npx statemill worker '), workerLine);
  const printed = [...text.matchAll(/prints `([^`]+)` and\s+`([^`]+)`/g)].flatMap((match) => [match[1]!, match[2]!]);
  assert.is(printed.length, 2, 'the section says what client.mjs prints');

  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'statemill-readme-cluster-'));
  const args = workerLine!.replace('redis://127.0.0.1:6379', redis.url).split(/\s+/).slice(2);
  const worker = spawn(process.execPath, ['--import', 'tsx/esm', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      worker.stdout!.on('data', (chunk: Buffer) => (seen += chunk) && /taking jobs/.test(seen) && resolve());
      worker.stderr!.on('data', (chunk: Buffer) => (seen += chunk));
      worker.once('exit', (code) => reject(new Error(`the worker exited (${code}):\n${seen}`)));
    });
    writeFileSync(join(dir, 'handlers.mjs'), handlersCode!);
    writeFileSync(join(dir, 'client.mjs'), clientCode!);
    const client = spawnSync(process.execPath, ['--import', 'tsx/esm', '--import', './test/package/statemill-from-source.mjs', join(dir, 'client.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, REDIS_URL: redis.url },
    });
    assert.is(client.status, 0, client.stderr);
    assert.equal(client.stdout.trim().split('\n'), printed);
  } finally {
    await new Promise<void>((resolve) => {
      if (worker.exitCode !== null) return resolve();
      worker.once('exit', () => resolve());
      worker.kill('SIGTERM');
    });
    await redis.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
