/**
 * Memory of executions waiting inside a Parallel or an inline Map: heap bytes per execution
 * whose two branches (or two iterations) each wait on a task token, beyond the payloads they
 * hold (inputs and tokens). The branches and iterations park as plain data
 * (run/parked-branches.ts, run/parked-iterations.ts); compare with the same script on a build
 * before that change.
 *
 *   node --expose-gc --import tsx/esm bench/standalone/parallel-waits.ts [--waiting 20000]
 *
 * Each shape first checks its answer: one execution completed by its two tokens gives the expected output.
 */
import { cpus, loadavg } from 'node:os';
import { compile, StandardTasks } from '../../src/index.js';

const waitingArg = process.argv.indexOf('--waiting');
const WAITING = waitingArg > 0 ? Number(process.argv[waitingArg + 1]) : 20_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const askState = (name: string, branch: unknown) => ({
  StartAt: name,
  States: {
    [name]: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order', branch },
      ResultPath: '$.answer',
      OutputPath: '$.answer',
      End: true,
    },
  },
});
const shapes = {
  'a 2-branch Parallel': {
    StartAt: 'Approvals',
    States: { Approvals: { Type: 'Parallel', Branches: [askState('Manager', 'manager'), askState('Finance', 'finance')], End: true } },
  },
  'a 2-item inline Map': {
    StartAt: 'Approvals',
    States: {
      Approvals: {
        Type: 'Map',
        ItemSelector: { 'order.$': '$.order' },
        ItemsPath: '$.approvers',
        ItemProcessor: askState('Ask', 'each'),
        End: true,
      },
    },
  },
};
const tokens: string[] = [];
const tasks = new StandardTasks();
const answer = '{"ok":true}';
const inputOf = (i: number) => ({ order: `o-${i}`, approvers: [1, 2] });

const payloadBytes = (() => {
  gc!();
  gc!();
  const before = process.memoryUsage().heapUsed;
  const inputs = Array.from({ length: WAITING }, (_, i) => inputOf(i));
  const strings = Array.from({ length: 2 * WAITING }, () => tasks.tokens.mint());
  gc!();
  gc!();
  const bytes = (process.memoryUsage().heapUsed - before) / WAITING;
  if (inputs.length + strings.length === 0) throw new Error('unreachable');
  return bytes;
})();

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}, node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
for (const [shape, definition] of Object.entries(shapes)) {
  const machine = compile(definition, {
    handlers: { 'arn:aws:states:::sqs:sendMessage': (input: { token: string }) => void tokens.push(input.token) },
    integrations: tasks.integrations(),
    workflowType: 'STANDARD',
  });
  const pending = machine.execute(inputOf(1));
  await new Promise((r) => setImmediate(r));
  for (const token of tokens.splice(0)) tasks.sendTaskSuccess({ taskToken: token, output: answer });
  const r = await pending;
  if (r.status !== 'SUCCEEDED' || JSON.stringify(r.output) !== '[{"ok":true},{"ok":true}]') throw new Error(`${shape}: wrong answer: ${JSON.stringify(r)}`);

  const waitingBytes = async (): Promise<number> => {
    gc!();
    gc!();
    const before = process.memoryUsage().heapUsed;
    const held = new Array<unknown>(WAITING);
    for (let i = 0; i < WAITING; i++) held[i] = machine.execute(inputOf(i));
    await new Promise((r) => setImmediate(r));
    gc!();
    gc!();
    const bytes = (process.memoryUsage().heapUsed - before) / WAITING;
    if (tokens.length !== 2 * WAITING) throw new Error(`expected ${2 * WAITING} tokens, got ${tokens.length}`);
    for (const token of tokens.splice(0)) tasks.sendTaskSuccess({ taskToken: token, output: answer });
    const results = (await Promise.all(held)) as Array<{ status: string }>;
    if (results.some((r) => r.status !== 'SUCCEEDED')) throw new Error('an execution did not succeed');
    return bytes;
  };
  await waitingBytes();
  const samples = [await waitingBytes(), await waitingBytes(), await waitingBytes()].sort((a, b) => a - b);
  console.log(
    `heap per execution waiting in ${shape} (${fmt(WAITING)} waiting, median of 3): ${fmt(samples[1]! - payloadBytes)} B beyond payload (${fmt(samples[1]!)} B total, payload ${fmt(payloadBytes)} B)`,
  );
}
process.exit(0);
