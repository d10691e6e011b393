/**
 * `statemill bench --cluster --workers N`, run as the CLI runs it (benchCommand): it starts
 * its own redis-server and worker processes, checks every engine's answers against the
 * in-process ones, and prints the pool and the cluster side by side. Short settings: this
 * proves the command and its table, not speed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBenchCommand as bench } from '../support/bench-command.js';
import type { ClusterBenchReport } from '../../bench/cluster/run.js';
import { redisMissing } from './support.js';
import { CliProcess } from '../cli/run-cli.js';
import { columnCells, LATENCY_CELL } from '../bench/markdown-table.js';

const missing = redisMissing();
if (missing !== null) console.log(`statemill bench --cluster: ${missing}`);

const workloads = ['webhook-normalize', 'order-processing'];

/** The command README's "Running on many hosts" shows, as arguments after `statemill bench`. */
function readmeCommand(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Running on many hosts\n'));
  const line = /^npx statemill bench (--cluster .*)$/m.exec(section.slice(0, section.indexOf('\n## ', 1)));
  assert.ok(line !== null, 'README "Running on many hosts" shows a statemill bench --cluster command');
  return line![1]!.split(/\s+/);
}
const quick = ['--batch', '16', '--inputs', '12', '--duration', '400ms', '--warmup', '0ms', '--rounds', '2', '--no-save'];

(missing === null ? test : test.skip)(
  'bench --cluster as README shows it: a row per engine and workload, answers equal to in-process, a cluster × pool ratio',
  async () => {
    const shown = readmeCommand();
    assert.equal(shown, ['--cluster', '--workers', '2', '--workload', workloads.join(',')]);
    // Shorter than a real run: this proves the command and its table, not speed.
    const { code, stdout, stderr } = await bench([...shown, '--threads', '2', ...quick]);
    assert.is(code, 0, stderr);
    const lines = stdout.split('\n');
    for (const workload of workloads) {
      const pool = lines.find((line) => line.startsWith(workload) && line.includes('pool, 2 threads'));
      const cluster = lines.find((line) => line.startsWith(workload) && line.includes('cluster, 2 workers × 1'));
      assert.ok(pool !== undefined && cluster !== undefined, `${workload}: both rows in\n${stdout}`);
      // threads, batch, min / median / max executions/s, p50 and p99 with their unit, (the ratio on the cluster's row,) CPU µs per execution.
      assert.match(pool!, /\s2\s+16\s+[\d,]+ \/ [\d,]+ \/ [\d,]+\s+[\d.]+ (µs|ms)\s+[\d.]+ (µs|ms)\s+[\d.]+$/);
      assert.match(cluster!, /\s2\s+16\s+[\d,]+ \/ [\d,]+ \/ [\d,]+\s+[\d.]+ (µs|ms)\s+[\d.]+ (µs|ms)\s+\d+\.\d\d× \(\d+\.\d\d – \d+\.\d\d\)\s+[\d.]+$/);
      for (const engine of ['statemill', 'statemill-pool', 'statemill-cluster']) {
        assert.ok(
          lines.some((line) => new RegExp(`^${workload}\\s+${engine}\\s+12/12\\s*$`).test(line)),
          `${workload}: ${engine} matched every expected answer in\n${stdout}`,
        );
      }
    }
  },
);

(missing === null ? test : test.skip)('bench --cluster --json: the report holds both engines, per-round ratios, and answers that matched', async () => {
  const { code, stdout, stderr } = await bench(['--cluster', '--workers', '1', '--threads', '1', '--json', '--workload', 'order-processing', ...quick]);
  assert.is(code, 0, stderr);
  const report = JSON.parse(stdout) as ClusterBenchReport;
  assert.is(report.workers, 1);
  assert.is(report.threadsPerWorker, 1);
  assert.equal(
    report.throughput.map((r) => [r.workflow, r.engine, r.mode, r.threads, r.batch]),
    [
      ['order-processing', 'statemill-pool', 'pool', 1, 16],
      ['order-processing', 'statemill-cluster', 'cluster', 1, 16],
    ],
  );
  for (const record of report.throughput) {
    assert.is(record.roundsPerSecond.length, 2);
    assert.ok(record.executions > 0 && record.latency.p99Us >= record.latency.p50Us);
  }
  assert.is(report.ratios[0]!.rounds.length, 2);
  assert.is(report.cpuUsPerExecution.length, 2);
  for (const rounds of report.cpuUsPerExecution) assert.ok(rounds.length === 2 && rounds.every((us) => us > 0), String(rounds));
  assert.equal(
    report.verification.map((v) => [v.engine, v.matched, v.status]),
    [
      ['statemill', 12, 'ok'],
      ['statemill-pool', 12, 'ok'],
      ['statemill-cluster', 12, 'ok'],
    ],
  );
});

test('bench --cluster without redis-server: exit 2 and ERR_CLI_BENCH_REDIS_MISSING saying how to get it', async () => {
  const before = process.env.STATEMILL_REDIS_SERVER;
  process.env.STATEMILL_REDIS_SERVER = '/nonexistent/redis-server';
  try {
    const { code, stdout, stderr } = await bench(['--cluster', '--workers', '1', '--threads', '1', '--workload', 'order-processing', ...quick]);
    assert.is(code, 2);
    assert.is(stdout, '');
    assert.match(stderr, /\[ERR_CLI_BENCH_REDIS_MISSING\]/);
    assert.match(stderr, /\/nonexistent\/redis-server/);
  } finally {
    if (before === undefined) delete process.env.STATEMILL_REDIS_SERVER;
    else process.env.STATEMILL_REDIS_SERVER = before;
  }
});

/**
 * Whether process `pid` still runs. A zombie does not: it has exited, and on machines whose
 * PID 1 reaps no orphans (containers) one that exited after its parent stays in the table.
 */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** The processes of `pids` still running once they had up to `ms` to end. */
async function stillRunning(pids: readonly number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids.filter(alive);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = left.filter(alive);
  }
  return left;
}

// Before, SIGTERM (what `timeout` and supervisors send) ended the benchmark alone: its redis-server
// and worker processes, in process groups of their own, ran on with nobody to stop them.
(missing === null && process.platform === 'linux' ? test : test.skip)(
  'bench --cluster stopped by SIGTERM stops its redis-server and worker processes too, and exits 143',
  async () => {
    const args = [
      'bench',
      '--cluster',
      '--workers',
      '1',
      '--threads',
      '1',
      '--workload',
      'order-processing',
      '--duration',
      '120s',
      '--warmup',
      '0ms',
      '--rounds',
      '1',
      '--no-save',
    ];
    const benchmark = new CliProcess(args);
    assert.ok(await benchmark.stderrHolds('answers match'), benchmark.stderr);
    await assertStopsItsProcesses(benchmark);
  },
);

// Before, bench/standalone/cluster.ts had no signal handlers: SIGTERM ended it alone, as `bench --cluster` before.
(missing === null && process.platform === 'linux' ? test : test.skip)(
  'bench/standalone/cluster.ts stopped by SIGTERM stops its redis-server and worker processes too, and exits 143',
  async () => {
    const args = ['--workers', '1', '--threads', '1', '--seconds', '120', '--rounds', '1', '--skip', 'webhook,cpu,map,redis'];
    const benchmark = new CliProcess(args, 'bench/standalone/cluster.ts');
    assert.ok(await benchmark.stdoutHolds('## Throughput'), benchmark.stdout + benchmark.stderr);
    await assertStopsItsProcesses(benchmark);
  },
);

// Before, its tables had "p50 ms" and "ms min / median / max" columns of bare numbers.
(missing === null ? test : test.skip)('bench/standalone/cluster.ts writes its latencies and Map times with their units, as the main bench does', async () => {
  const args = ['--workers', '1', '--threads', '1', '--seconds', '0.3', '--rounds', '1', '--map-runs', '1', '--skip', 'webhook,cpu,redis'];
  const benchmark = new CliProcess(args, 'bench/standalone/cluster.ts');
  assert.is(await benchmark.exit(), '0/null', benchmark.stderr);
  for (const header of ['p50 (median)', 'p99 (median)']) {
    const cells = columnCells(benchmark.stdout, header);
    assert.is(cells.length, 2, `${header}: the pool and the cluster\n${benchmark.stdout}`);
    for (const cell of cells) assert.match(cell, LATENCY_CELL, `${header}: '${cell}'`);
  }
  const mapTimes = columnCells(benchmark.stdout, 'time min / median / max');
  assert.is(mapTimes.length, 3, benchmark.stdout);
  for (const cell of mapTimes) for (const time of cell.split(' / ')) assert.match(time, LATENCY_CELL, `Map time: '${cell}'`);
  // --skip redis leaves the Redis section out, its heading and empty table too.
  assert.not.ok(benchmark.stdout.includes('What Redis does per job'), benchmark.stdout);
});

/** SIGTERM to `benchmark` ends it with 143 and ends the processes it started (its children: redis-server, workers). */
async function assertStopsItsProcesses(benchmark: CliProcess): Promise<void> {
  const started = execFileSync('ps', ['-o', 'pid=', '--ppid', String(benchmark.child.pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((pid) => pid > 0 && alive(pid));
  assert.ok(started.length >= 2, `a redis-server and a worker were started: ${started.join(', ')}`);
  const outcome = await benchmark.stop('SIGTERM');
  const left = await stillRunning(started, 5000);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  assert.is(outcome, '143/null', benchmark.stderr);
  assert.equal(left, [], 'processes the benchmark started are still running');
}

test.run();
