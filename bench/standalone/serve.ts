/**
 * `statemill serve` under load: StartSyncExecution of a trivial Express workflow over
 * keep-alive HTTP (autocannon), side by side in the same run with a bare node:http server
 * answering a fixed JSON body — the physical limit of this machine and library. Each server
 * runs in its own child process, the load generator in this one; rounds interleave (bare,
 * small input, 2 KB input, …) and each figure is the median of its rounds. Then Standard
 * executions through StartExecution + DescribeExecution polling (executions/s), and the RSS
 * of 100,000 finished executions kept for Describe/History.
 *
 * Figures are min / median / max over the rounds; the load average is printed with them.
 *
 *   node --import tsx/esm bench/standalone/serve.ts [--duration 5] [--rounds 3] [--connections 16] [--executions 100000] [--sync-only] [--baseline DIR]
 *
 * `--sync-only` stops after the StartSyncExecution table (no Standard executions, no memory figure).
 * `--baseline DIR` adds the HTTP layer and the endpoint of another checkout of statemill
 * (e.g. `git archive <commit> | tar -x -C DIR`, with node_modules linked) to the same rounds:
 * before / after in one run, each also as a ratio to the bare server of its round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { nanosecondHistogram, summarizeLatency } from '../histogram.js';
import { median } from '../median.js';
import { formatLatency, formatRate, formatSpread } from '../units.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
}
/** A run: its result when awaited, and each answer's status and response time (ms, from hrtime) as a 'response' event. */
type AutocannonRun = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseMs: number) => void): void;
};
type Autocannon = (options: Record<string, unknown>) => AutocannonRun;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const self = fileURLToPath(import.meta.url);
/** The checkout this bench belongs to: children import its src/serve unless given another. */
const ownSource = dirname(dirname(dirname(self)));
const TRIVIAL = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
const STANDARD = JSON.stringify({
  StartAt: 'Step',
  States: { Step: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.step', Next: 'Done' }, Done: { Type: 'Succeed' } },
});
const FIXED_ANSWER = JSON.stringify({
  executionArn: 'arn:aws:states:us-east-1:123456789012:express:bench:00000000-0000-0000-0000-000000000000:00000000-0000-0000-0000-000000000000',
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench',
  name: '00000000-0000-0000-0000-000000000000',
  startDate: 1796551200.123,
  stopDate: 1796551200.124,
  status: 'SUCCEEDED',
  input: '{"orderId":"o-1"}',
  inputDetails: { included: true },
  output: '{"orderId":"o-1"}',
  outputDetails: { included: true },
  billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: 100 },
});

// ---- child side: one server per process ----------------------------------------------

async function childMain(kind: string, sourceDir: string): Promise<void> {
  const serveModule = pathToFileURL(join(sourceDir, 'src/serve/index.ts')).href;
  // The parent asks for this process's CPU time around each load: CPU per request does not depend on what else the machine runs.
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    }
  });
  if (kind === 'bare') {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'content-length': Buffer.byteLength(FIXED_ANSWER) });
        response.end(FIXED_ANSWER);
      });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.send!({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    return;
  }
  if (kind === 'layer') {
    // The HTTP layer alone: createServer() over a stand-in whose StartSyncExecution answers at once.
    const { createServer, createLogger } = await import(serveModule);
    const answer = { ...JSON.parse(FIXED_ANSWER), startDate: new Date(1796551200123), stopDate: new Date(1796551200124) };
    const server = createServer({ startSyncExecution: async () => answer }, { logger: createLogger('silent') });
    await server.listen(0);
    process.send!({ url: server.url });
    return;
  }
  if (kind === 'endpoint' || kind === 'endpoint-store') {
    const { serve } = await import(serveModule);
    const store = kind === 'endpoint-store' ? join(mkdtempSync(join(tmpdir(), 'statemill-bench-')), 'store.db') : undefined;
    const endpoint = await serve({ port: 0, logLevel: 'silent', virtualClock: true, store });
    process.send!({ url: endpoint.url });
    return;
  }
  if (kind === 'memory') {
    await memoryChild(Number(process.argv[5]));
    return;
  }
  throw new Error(`unknown child kind ${kind}`);
}

async function memoryChild(executions: number): Promise<void> {
  const { createService } = await import('../../src/service/index.js');
  // Every execution is kept (the default retention is 10,000): the figure is the cost of keeping them.
  const service = createService({ clock: (await import('../../src/run/clock.js')).virtualClock(), retainExecutions: executions }) as any;
  const before = process.memoryUsage().rss;
  const { stateMachineArn } = await service.createStateMachine({ name: 'memory', definition: STANDARD, roleArn: 'arn:aws:iam::123456789012:role/bench' });
  const arns: string[] = [];
  const chunk = 1000;
  for (let i = 0; i < executions; i += chunk) {
    const started = await Promise.all(
      Array.from({ length: Math.min(chunk, executions - i) }, (_, j) =>
        service.startExecution({ stateMachineArn, input: JSON.stringify({ orderId: `o-${i + j}` }) }),
      ),
    );
    for (const s of started) arns.push(s.executionArn);
  }
  // Finished: the last one started is done once the service has run it.
  for (;;) {
    const last = await service.describeExecution({ executionArn: arns[arns.length - 1] });
    if (last.status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const first = await service.describeExecution({ executionArn: arns[0] });
  const history = await service.getExecutionHistory({ executionArn: arns[0] });
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  process.send!({
    executions,
    rssBeforeMB: before / 2 ** 20,
    rssMB: after.rss / 2 ** 20,
    heapUsedMB: after.heapUsed / 2 ** 20,
    firstStatus: first.status,
    firstHistoryEvents: history.events.length,
  });
  await service.close?.();
  process.exit(0);
}

// ---- parent side: load generator and report ---------------------------------------------

function startChild(kind: string, sourceDir: string, ...args: string[]): Promise<{ child: ChildProcess; message: any }> {
  const child = fork(self, ['--child', kind, sourceDir, ...args], {
    execArgv: ['--import', 'tsx/esm', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, message }));
    child.once('exit', (code) => reject(new Error(`${kind} child exited with ${code} before reporting`)));
  });
}

async function call(url: string, operation: string, body: unknown): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status !== 200) throw new Error(`${operation}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

interface Load {
  rps: number;
  /** The server process's CPU time per answered request, µs. */
  cpuPerRequest: number;
  /** Latency percentiles, µs. */
  p50Us: number;
  p99Us: number;
  p999Us: number;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const answer = (message: any) => {
      if (typeof message?.cpuMicros !== 'number') return;
      child.off('message', answer);
      resolve(message.cpuMicros);
    };
    child.on('message', answer);
    child.send('cpu');
  });
}

async function load(server: { child: ChildProcess; message: any }, body: string, duration: number, connections: number): Promise<Load> {
  const url = server.message.url as string;
  const cpuBefore = await cpuOf(server.child);
  const run = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartSyncExecution' },
    body,
    connections,
    duration,
  });
  // autocannon's own percentiles are whole milliseconds (a sub-millisecond p50 reads 0), so the
  // latencies are recorded here from the response times it measures.
  const histogram = nanosecondHistogram();
  run.on('response', (_client, statusCode, _bytes, responseMs) => {
    if (statusCode === 200) histogram.recordValue(Math.max(1, Math.round(responseMs * 1e6)));
  });
  const result = await run;
  const latency = summarizeLatency(histogram);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`load on ${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const cpuPerRequest = (await cpuOf(server.child)) - cpuBefore;
  return {
    rps: result.requests.average,
    cpuPerRequest: cpuPerRequest / Math.max(1, result.requests.total),
    p50Us: latency.p50Us,
    p99Us: latency.p99Us,
    p999Us: latency.p999Us,
  };
}

function twoKbInput(): string {
  const items = [];
  for (let i = 0; JSON.stringify({ orderId: 'o-1', items }).length < 2000; i++) items.push({ sku: `sku-${i}`, quantity: i % 5, price: 9.99 });
  return JSON.stringify({ orderId: 'o-1', items });
}

async function standardExecutions(
  url: string,
  seconds: number,
  concurrency: number,
  label: string,
): Promise<{ executionsPerSecond: number; describesPerExecution: number }> {
  const { stateMachineArn } = await call(url, 'CreateStateMachine', {
    name: `bench-standard-${label}`,
    definition: STANDARD,
    roleArn: 'arn:aws:iam::123456789012:role/bench',
  });
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { request } = await import('node:http');
  const target = new URL(url);
  function post(operation: string, body: unknown): Promise<any> {
    const text = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}`, 'content-length': Buffer.byteLength(text) },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (data += c));
          res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(data)) : reject(new Error(`${operation}: ${res.statusCode} ${data}`))));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  }
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let describes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; performance.now() < until; i++) {
        const { executionArn } = await post('StartExecution', { stateMachineArn, input: JSON.stringify({ worker, i }) });
        for (;;) {
          describes++;
          const described = await post('DescribeExecution', { executionArn });
          if (described.status === 'SUCCEEDED') break;
          if (described.status !== 'RUNNING') throw new Error(`execution ended ${described.status}`);
        }
        done++;
      }
    }),
  );
  agent.destroy();
  return { executionsPerSecond: done / ((performance.now() - started) / 1000), describesPerExecution: describes / done };
}

/** The servers of one checkout: the HTTP layer over a stand-in, and the endpoint with a trivial Express machine. */
interface Checkout {
  layer: { child: ChildProcess; message: any };
  endpoint: { child: ChildProcess; message: any };
  small: string;
  big: string;
}

async function startCheckout(sourceDir: string): Promise<Checkout> {
  const layer = await startChild('layer', sourceDir);
  const endpoint = await startChild('endpoint', sourceDir);
  const endpointUrl = endpoint.message.url as string;
  const { stateMachineArn } = await call(endpointUrl, 'CreateStateMachine', {
    name: 'bench-trivial',
    definition: TRIVIAL,
    roleArn: 'arn:aws:iam::123456789012:role/bench',
    type: 'EXPRESS',
  });
  const small = JSON.stringify({ stateMachineArn, input: '{"orderId":"o-1"}' });
  const big = JSON.stringify({ stateMachineArn, input: twoKbInput() });
  // Answers first: both inputs come back SUCCEEDED with the input as output.
  for (const body of [small, big]) {
    const answer = await call(endpointUrl, 'StartSyncExecution', JSON.parse(body));
    if (answer.status !== 'SUCCEEDED' || answer.output !== JSON.parse(body).input) throw new Error(`wrong answer: ${JSON.stringify(answer)}`);
  }
  return { layer, endpoint, small, big };
}

type RowKey = 'bare' | 'layer' | 'small' | 'big' | 'baseLayer' | 'baseSmall' | 'baseBig';

async function parentMain(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '16' },
      executions: { type: 'string', default: '100000' },
      'sync-only': { type: 'boolean', default: false },
      baseline: { type: 'string' },
    },
  });
  const duration = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const bare = await startChild('bare', ownSource);
  const own = await startCheckout(ownSource);
  const base = values.baseline === undefined ? null : await startCheckout(resolve(values.baseline));
  const runs: Record<RowKey, Load[]> = { bare: [], layer: [], small: [], big: [], baseLayer: [], baseSmall: [], baseBig: [] };
  const loadAverages: number[] = [loadavg()[0]!];
  for (let round = 0; round < rounds; round++) {
    runs.bare.push(await load(bare, own.small, duration, connections));
    if (base !== null) runs.baseLayer.push(await load(base.layer, base.small, duration, connections));
    runs.layer.push(await load(own.layer, own.small, duration, connections));
    if (base !== null) runs.baseSmall.push(await load(base.endpoint, base.small, duration, connections));
    runs.small.push(await load(own.endpoint, own.small, duration, connections));
    if (base !== null) runs.baseBig.push(await load(base.endpoint, base.big, duration, connections));
    runs.big.push(await load(own.endpoint, own.big, duration, connections));
    loadAverages.push(loadavg()[0]!);
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const summary = (key: RowKey) => ({
    rps: runs[key].map((r) => r.rps),
    cpu: median(runs[key].map((r) => r.cpuPerRequest)),
    p50Us: median(runs[key].map((r) => r.p50Us)),
    p99Us: median(runs[key].map((r) => r.p99Us)),
    p999Us: median(runs[key].map((r) => r.p999Us)),
  });
  for (const server of [bare, own.layer, own.endpoint, base?.layer, base?.endpoint]) server?.child.kill();
  // Ratios per round too: each round's servers ran under the same load.
  const ratios = (key: RowKey) => runs[key].map((r, i) => r.rps / runs.bare[i]!.rps);
  const bigCosts = (small: RowKey, big: RowKey) => runs[big].map((r, i) => 1 - r.rps / runs[small][i]!.rps);
  const range = (values: number[], digits: number, scale = 1) => formatSpread(values, (value) => (value * scale).toFixed(digits));
  const bigLength = JSON.parse(own.big).input.length;
  const rows: [string, RowKey][] = [
    ['bare node:http, fixed JSON answer', 'bare'],
    ...(base === null
      ? []
      : ([
          ['baseline: HTTP layer alone', 'baseLayer'],
          ['baseline: StartSyncExecution, 17 B input', 'baseSmall'],
          [`baseline: StartSyncExecution, ${bigLength} B input`, 'baseBig'],
        ] as [string, RowKey][])),
    ['HTTP layer alone (stand-in service, same answer)', 'layer'],
    ['StartSyncExecution, trivial Express, 17 B input', 'small'],
    [`StartSyncExecution, trivial Express, ${bigLength} B input`, 'big'],
  ];
  const table = Object.fromEntries(rows.map(([, key]) => [key, summary(key)])) as Record<RowKey, ReturnType<typeof summary>>;
  const ratioLines = (label: string, layer: RowKey, small: RowKey, big: RowKey) => [
    `${label}endpoint / bare, per round (min / median / max): ${range(ratios(small), 2)}× (HTTP layer alone: ${range(ratios(layer), 2)}×); 2 KB input costs ${range(bigCosts(small, big), 1, 100)}% of req/s`,
    `${label}server CPU per request (medians): endpoint ${(table[small].cpu / table.bare.cpu).toFixed(2)}× the bare server's (HTTP layer alone ${(table[layer].cpu / table.bare.cpu).toFixed(2)}×); the 2 KB input adds ${((table[big].cpu / table[small].cpu - 1) * 100).toFixed(0)}%`,
  ];
  const syncReport = [
    `statemill serve, ${connections} keep-alive connections, ${duration} s × ${rounds} rounds, load generator in another process; load average ${range(loadAverages, 1)} (min / median / max over the rounds)`,
    '',
    '| server | req/s min / median / max | server CPU µs/request | p50 | p99 | p99.9 |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(([label, key]) => {
      const s = table[key];
      return `| ${label} | ${formatSpread(s.rps, formatRate)} | ${s.cpu.toFixed(1)} | ${formatLatency(s.p50Us)} | ${formatLatency(s.p99Us)} | ${formatLatency(s.p999Us)} |`;
    }),
    '',
    ...(base === null ? [] : ratioLines('baseline: ', 'baseLayer', 'baseSmall', 'baseBig')),
    ...ratioLines('', 'layer', 'small', 'big'),
    '',
  ];
  if (values['sync-only']) {
    process.stdout.write(syncReport.join('\n'));
    return;
  }
  // Standard executions, in memory and with the SQLite store, in alternating rounds.
  const inMemory = await startChild('endpoint', ownSource);
  const stored = await startChild('endpoint-store', ownSource);
  const memoryRates: number[] = [];
  const storeRates: number[] = [];
  let describesPerExecution = 0;
  for (let round = 0; round < rounds; round++) {
    const m = await standardExecutions(inMemory.message.url, duration, connections, `r${round}`);
    const s = await standardExecutions(stored.message.url, duration, connections, `r${round}`);
    memoryRates.push(m.executionsPerSecond);
    storeRates.push(s.executionsPerSecond);
    describesPerExecution = m.describesPerExecution;
  }
  inMemory.child.kill();
  stored.child.kill();
  const standard = { inMemory: median(memoryRates), stored: median(storeRates), describesPerExecution };
  const memory = await startChild('memory', ownSource, values.executions!);
  process.stdout.write(
    [
      ...syncReport.slice(0, -1),
      `Standard, StartExecution + DescribeExecution polling (${connections} in flight, ${standard.describesPerExecution.toFixed(2)} DescribeExecution calls per execution): ${formatRate(standard.inMemory)} executions/s in memory, ${formatRate(standard.stored)} with --store (the store's share: ${((1 - standard.stored / standard.inMemory) * 100).toFixed(1)}%)`,
      `Memory: ${memory.message.executions} finished Standard executions kept: RSS ${memory.message.rssMB.toFixed(0)} MB (${memory.message.rssBeforeMB.toFixed(0)} MB before), heap ${memory.message.heapUsedMB.toFixed(0)} MB; first execution still described (${memory.message.firstStatus}, ${memory.message.firstHistoryEvents} history events)`,
      '',
    ].join('\n'),
  );
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) await childMain(process.argv[childIndex + 1]!, process.argv[childIndex + 2]!);
else await parentMain();
