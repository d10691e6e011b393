/**
 * Standard callbacks in-process: what a `.waitForTaskToken` round trip costs, what resuming
 * a suspended execution costs, and how much memory a suspended execution holds.
 *
 *   node --expose-gc --import tsx/esm bench/standalone/callbacks.ts [--suspended 100000]
 *
 * The workflow has three states: a Pass, a callback Task whose handler hands its token to
 * the bench, and a Pass. Figures, all from the same run:
 * - round trips per second (start → token → SendTaskSuccess → SUCCEEDED), one execution at
 *   a time and 1,000 in flight, beside the same workflow with a request-response Task;
 * - resume: the time from SendTaskSuccess to SUCCEEDED per execution, for 20,000 suspended
 *   executions answered in one go;
 * - memory: bytes per suspended execution (100,000 waiting), heap and external (Buffers and
 *   ArrayBuffers) together, beyond their payloads,
 *   for the engine alone (compile() with integrations), through StandardExecutions, and
 *   through createService() (history ALL, its default, and OFF: history records hold
 *   the payloads' JSON texts, so the two lines show what the history adds).
 */
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { compile, createService, StandardExecutions, StandardTasks, type HistoryLevel, type Machine } from '../../src/index.js';

const suspendedArg = process.argv.indexOf('--suspended');
const SUSPENDED = suspendedArg > 0 ? Number(process.argv[suspendedArg + 1]) : 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const definition = (resource: string, token = true) => ({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'order.$': '$.order' }, Next: 'Approve' },
    Approve: {
      Type: 'Task',
      Resource: resource,
      Parameters: token ? { 'token.$': '$$.Task.Token', 'order.$': '$.order' } : { 'order.$': '$.order' },
      ResultPath: '$.approval',
      Next: 'Finish',
    },
    Finish: { Type: 'Pass', Result: 'done', ResultPath: '$.stage', End: true },
  },
});

let lastToken = '';
const tasks = new StandardTasks();
const callback = compile(definition('arn:aws:states:::sqs:sendMessage.waitForTaskToken'), {
  handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void (lastToken = input.token) },
  integrations: tasks.integrations(),
  workflowType: 'STANDARD',
});
const requestResponse = compile(definition('approve', false), { handlers: { approve: () => ({ approved: true }) } });
const input = { order: 'o-1' };
const answer = '{"approved":true}';

// Answers first.
{
  const pending = callback.execute(input);
  tasks.sendTaskSuccess({ taskToken: lastToken, output: answer });
  const r = await pending;
  if (r.status !== 'SUCCEEDED' || JSON.stringify(r.output) !== '{"order":"o-1","approval":{"approved":true},"stage":"done"}')
    throw new Error(`wrong answer: ${JSON.stringify(r)}`);
  const b = await requestResponse.execute(input);
  if (JSON.stringify(b.output) !== JSON.stringify(r.output)) throw new Error('baseline answers differently');
}

async function sequential(machine: Machine, answers: boolean, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 200; i++) {
      const pending = machine.run(input);
      if (answers) tasks.sendTaskSuccess({ taskToken: lastToken, output: answer });
      await pending;
    }
    n += 200;
  }
  return n / (ms / 1000);
}

async function inFlight(machine: Machine, answers: boolean, width: number, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  const tokens = new Array<string>(width);
  const results = new Array<unknown>(width);
  while (performance.now() < end) {
    for (let i = 0; i < width; i++) {
      results[i] = machine.run(input);
      tokens[i] = lastToken;
    }
    if (answers) for (let i = 0; i < width; i++) tasks.sendTaskSuccess({ taskToken: tokens[i]!, output: answer });
    await Promise.all(results);
    n += width;
  }
  return n / (ms / 1000);
}

async function median(run: () => Promise<number>, rounds = 3): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < rounds; i++) {
    gc!();
    values.push(await run());
  }
  return values.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

await sequential(callback, true, 300);
const seqCallback = await median(() => sequential(callback, true, 1000));
const seqBaseline = await median(() => sequential(requestResponse, false, 1000));
const wideCallback = await median(() => inFlight(callback, true, 1000, 1000));
const wideBaseline = await median(() => inFlight(requestResponse, false, 1000, 1000));

/** Resume: suspend `count`, then answer them all and wait for all to succeed. */
async function resume(count: number): Promise<number> {
  const tokens = new Array<string>(count);
  const results = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    results[i] = callback.run(input);
    tokens[i] = lastToken;
  }
  const start = performance.now();
  for (let i = 0; i < count; i++) tasks.sendTaskSuccess({ taskToken: tokens[i]!, output: answer });
  await Promise.all(results);
  return ((performance.now() - start) * 1000) / count;
}
await resume(5000);
const resumeUs = await median(() => resume(20_000));

/** Bytes per suspended execution, on the heap and outside it (Buffers, ArrayBuffers: `external` counts them), before payloads are taken off. */
interface Held {
  readonly heap: number;
  readonly external: number;
}

/** The heap and external memory in use after a full collection. */
function used(): Held {
  gc!();
  gc!();
  const { heapUsed, external } = process.memoryUsage();
  return { heap: heapUsed, external };
}

async function suspendedBytes(start: (i: number) => unknown, answerAll: () => Promise<void>): Promise<Held> {
  const before = used();
  const held = new Array<unknown>(SUSPENDED);
  for (let i = 0; i < SUSPENDED; i++) held[i] = start(i);
  await new Promise((resolve) => setImmediate(resolve));
  const after = used();
  await answerAll();
  held.length = 0;
  return { heap: (after.heap - before.heap) / SUSPENDED, external: (after.external - before.external) / SUSPENDED };
}
// The payload: each execution's input ({ order: 'o-<i>' }), the waiting state's input (Prepare's output, the same shape) and its token.
const payloadBytes = (() => {
  const before = used().heap;
  const inputs = Array.from({ length: SUSPENDED }, (_, i) => ({ order: `o-${i}` }));
  const stateInputs = inputs.map((input) => ({ order: input.order }));
  const strings = Array.from({ length: SUSPENDED }, () => tasks.tokens.mint());
  const bytes = (used().heap - before) / SUSPENDED;
  if (inputs.length + stateInputs.length + strings.length === 0) throw new Error('unreachable');
  return bytes;
})();

const engineTokens: string[] = [];
const engineBytes = await suspendedBytes(
  (i) => {
    const pending = callback.execute({ order: `o-${i}` });
    engineTokens.push(lastToken);
    return pending;
  },
  async () => {
    for (const token of engineTokens) tasks.sendTaskSuccess({ taskToken: token, output: answer });
    engineTokens.length = 0;
  },
);

const host = new StandardExecutions({ handlers: { 'arn:aws:states:::sqs:sendMessage': (i: { token: string }) => void (lastToken = i.token) } });
const hostMachine = host.createStateMachine('callbacks', definition('arn:aws:states:::sqs:sendMessage.waitForTaskToken'));
const hostTokens: string[] = [];
const hostBytes = await suspendedBytes(
  (i) => {
    const started = host.startExecution({ stateMachineArn: hostMachine, name: `e${i}`, input: JSON.stringify({ order: `o-${i}` }), parentExecutionArn: '' });
    hostTokens.push(lastToken);
    return started;
  },
  async () => {
    for (const token of hostTokens) host.tasks.sendTaskSuccess({ taskToken: token, output: answer });
    hostTokens.length = 0;
  },
);

/** Bytes per execution waiting on a token through createService() recording history at `level`. */
async function serviceBytes(level: HistoryLevel): Promise<Held> {
  const service = createService({
    handlers: { 'arn:aws:states:::sqs:sendMessage': (i: { token: string }) => void (lastToken = i.token) },
    history: level,
    retainExecutions: 1,
  });
  const { stateMachineArn } = await service.createStateMachine({
    name: `callbacks-${level}`,
    definition: JSON.stringify(definition('arn:aws:states:::sqs:sendMessage.waitForTaskToken')),
    roleArn: 'arn:aws:iam::123456789012:role/bench',
  });
  const started = await service.startExecution({ stateMachineArn, name: 'check', input: JSON.stringify(input) });
  await service.sendTaskSuccess({ taskToken: lastToken, output: answer });
  const checked = await service.waitForExecution({ executionArn: started.executionArn });
  if (checked.status !== 'SUCCEEDED' || checked.output !== JSON.stringify({ order: 'o-1', approval: { approved: true }, stage: 'done' }))
    throw new Error(`createService answers wrongly: ${JSON.stringify(checked)}`);
  const serviceTokens: string[] = [];
  const bytes = await suspendedBytes(
    (i) => {
      // The execution runs up to its token before startExecution's promise is returned; the service keeps its record.
      void service.startExecution({ stateMachineArn, name: `e${i}`, input: JSON.stringify({ order: `o-${i}` }) });
      serviceTokens.push(lastToken);
    },
    async () => {
      for (const token of serviceTokens) await service.sendTaskSuccess({ taskToken: token, output: answer });
      serviceTokens.length = 0;
    },
  );
  await service.close();
  return bytes;
}
const serviceBytesAll = await serviceBytes('ALL');
const serviceBytesOff = await serviceBytes('OFF');

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log('');
console.log('| figure | value |');
console.log('|---|---|');
console.log(
  `| callback round trips/s, one at a time | ${fmt(seqCallback)} (request-response baseline ${fmt(seqBaseline)}/s, ratio ${(seqCallback / seqBaseline).toFixed(2)}) |`,
);
console.log(
  `| callback round trips/s, 1,000 in flight | ${fmt(wideCallback)} (request-response baseline ${fmt(wideBaseline)}/s, ratio ${(wideCallback / wideBaseline).toFixed(2)}) |`,
);
console.log(`| resume by SendTaskSuccess → SUCCEEDED, per execution | ${resumeUs.toFixed(2)} µs |`);
/** A memory row: heap and external bytes together beyond the payload, then each. */
const memoryRow = (what: string, held: Held) =>
  console.log(
    `| memory per suspended execution, ${what} | ${fmt(held.heap + held.external - payloadBytes)} B beyond payload (heap ${fmt(held.heap)} B + external ${fmt(held.external)} B, payload ${fmt(payloadBytes)} B) |`,
  );
memoryRow(`engine (${fmt(SUSPENDED)} waiting)`, engineBytes);
memoryRow('StandardExecutions host', hostBytes);
memoryRow('createService(), history OFF', serviceBytesOff);
memoryRow('createService(), history ALL (default)', serviceBytesAll);
process.exit(0);
