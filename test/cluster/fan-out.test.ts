/** Map fan-out from inside an execution running on a worker (register with mapFanOut): blocks go to every worker, results as in-process. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createCluster, type Cluster } from '../../src/cluster/index.js';
import { compile } from '../../src/compile/machine.js';
import type { ExecutionResult } from '../../src/run/result.js';
import { citedId, citing, citingEnteredId } from '../support/citing.js';
import { handlers } from './fixtures/handlers.js';
import { fixtures, redisMissing, startRedis, startWorker, type RedisServer, type WorkerProcess } from './support.js';

const missing = redisMissing();
if (missing !== null) console.log(`cluster fan-out: ${missing}`);

interface Context {
  redis: RedisServer | null;
  workers: WorkerProcess[];
  clients: Cluster[];
  dir: string;
}

const test = suite<Context>('cluster Map fan-out', { redis: null, workers: [], clients: [], dir: '' });

test.before(async (context) => {
  if (missing !== null) return;
  context.redis = await startRedis();
  context.dir = mkdtempSync(join(tmpdir(), 'statemill-cluster-fan-out-'));
  context.workers = await Promise.all([startWorker(context.redis.url, ['--prefix', 'fan']), startWorker(context.redis.url, ['--prefix', 'fan'])]);
  context.clients = [createCluster({ connection: context.redis.url, prefix: 'fan' })];
});
test.after(async (context) => {
  await Promise.all(context.clients.map((client) => client.close()));
  await Promise.all(context.workers.map((worker) => worker.kill('SIGKILL')));
  await context.redis?.destroy();
  if (context.dir !== '') rmSync(context.dir, { recursive: true, force: true });
});

function withRedis(name: string, body: Parameters<typeof test>[1]): void {
  if (missing === null) test(name, body);
  else test.skip(name, body);
}

/** A Map whose items see `$$.Map.Item` and the execution's name; `tolerance` adds ToleratedFailure fields. */
function mapDefinition(tolerance: Record<string, number>, resource: string): Record<string, unknown> {
  return {
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ...tolerance,
        ItemSelector: { 'n.$': '$$.Map.Item.Value.n', 'fail.$': '$$.Map.Item.Value.fail', 'index.$': '$$.Map.Item.Index', 'ms.$': '$.ms', 'log.$': '$.log' },
        ItemProcessor: {
          StartAt: 'Item',
          States: { Item: { Type: 'Task', Resource: resource, ResultSelector: { 'n.$': '$.n', 'execution.$': '$$.Execution.Name' }, End: true } },
        },
        ResultPath: '$.results',
        End: true,
      },
    },
  };
}

function outcome(result: ExecutionResult): unknown {
  return { status: result.status, output: result.output, error: result.error, cause: result.cause };
}

withRedis('a Map inside an execution fans its items out over both workers; the result equals in-process', async (context) => {
  const cluster = context.clients[0]!;
  const log = join(context.dir, 'items.log');
  const definition = mapDefinition({}, 'recorded');
  await cluster.register('spread', { definition, handlers: fixtures.handlers, mapFanOut: true });
  const input = { items: Array.from({ length: 60 }, (_, n) => ({ n, fail: false })), ms: 15, log };
  const remote = await cluster.execute('spread', input, { name: 'spread-1' });
  const local = await compile(definition, { handlers }).execute({ ...input, log: join(context.dir, 'local.log') }, { name: 'spread-1' });
  assert.equal(outcome(remote), { ...(outcome(local) as object), output: { ...(local.output as object), log } });
  const pids = new Set(
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ')[0]),
  );
  assert.equal(pids, new Set(context.workers.map((worker) => String(worker.pid))), 'items ran in both worker processes');
});

const items = (failing: number[]) => Array.from({ length: 40 }, (_, n) => ({ n, fail: failing.includes(n) }));

const toleranceCases: [string, Record<string, number>, number[]][] = [
  ['no tolerance: the first failure fails the Map', {}, [7]],
  ['failures within ToleratedFailureCount: the Map succeeds with the failures in its output', { ToleratedFailureCount: 3 }, [3, 17, 30]],
  ['past ToleratedFailureCount: States.ExceedToleratedFailureThreshold', { ToleratedFailureCount: 2 }, [3, 17, 30]],
  ['within ToleratedFailurePercentage', { ToleratedFailurePercentage: 10 }, [1, 2, 3, 4]],
  ['past ToleratedFailurePercentage', { ToleratedFailurePercentage: 5 }, [1, 2, 3]],
];

for (const [name, tolerance, failing] of toleranceCases) {
  withRedis(`fanned-out Map, tolerated failures as in-process: ${name}`, async (context) => {
    const cluster = context.clients[0]!;
    const definition = mapDefinition(tolerance, 'item');
    const id = `tolerance-${toleranceCases.findIndex(([n]) => n === name)}`;
    await cluster.register(id, { definition, handlers: fixtures.handlers, mapFanOut: ['Each'], mapFanOutMinItems: 2 });
    const input = { items: items(failing), ms: 0, log: '' };
    const [remote, local] = await Promise.all([cluster.execute(id, input, { name: 'tol' }), compile(definition, { handlers }).execute(input, { name: 'tol' })]);
    assert.equal(outcome(remote), outcome(local));
  });
}

withRedis('a later state cites the event id it would in-process: the blocks report the events their iterations counted', async (context) => {
  const cluster = context.clients[0]!;
  const { End: _end, ...each } = (mapDefinition({ ToleratedFailureCount: 3 }, 'item') as { States: { Each: Record<string, unknown> } }).States.Each;
  const definition = { StartAt: 'Each', States: { Each: { ...each, Next: 'Citing' }, Citing: citing } };
  await cluster.register('citing', { definition, handlers: fixtures.handlers, mapFanOut: ['Each'], mapFanOutMinItems: 2 });
  const input = { items: items([3, 17, 30]), ms: 0, log: '' };
  const [remote, local] = await Promise.all([cluster.execute('citing', input), compile(definition, { handlers, history: 'ALL' }).execute(input)]);
  const entered = citingEnteredId(local.history!);
  assert.is(citedId(local.cause), entered, 'in-process');
  assert.is(citedId(remote.cause), entered, 'over the cluster');
});

test.run();
