import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type HistoryEvent } from '../../src/index.js';
import { cli, fixtures } from './run-cli.js';

/**
 * `statemill run --mocks` of a STANDARD machine: the test case's mocks answer its callback,
 * `.sync` and activity Tasks at once, as `statemill serve --mocks` does; a waiting Task that
 * nothing answers is refused before anything runs.
 */
const standard = suite('cli run: STANDARD machines with mocked callback, .sync and activity Tasks');

const ORDERS = ['callbacks.asl.json', '--state-machine', 'Orders'];
const JOBS = ['jobs.asl.json', '--state-machine', 'Jobs'];

const run = (machine: string[], testCase: string, ...extra: string[]) =>
  cli(['run', ...machine, '--mocks', 'callbacks-mocks.json', '--test-case', testCase, '--virtual-clock', '--input-json', '{"orderId":"o-1"}', ...extra]);

const ran: Array<{ name: string; machine: string[]; testCase: string; extra?: string[]; code: number; output?: unknown; error?: string }> = [
  {
    name: 'a mocked .waitForTaskToken callback, a mocked .sync:2 nested execution and a mocked activity answer with their responses',
    machine: ORDERS,
    testCase: 'Approved',
    code: 0,
    output: { orderId: 'o-1', approval: { approvedBy: 'ana' }, shipment: { status: 'SUCCEEDED', tracking: 'T-1' }, invoice: { invoiceId: 'I-1' } },
  },
  {
    name: "a mocked callback's Throw is caught by its Catch",
    machine: ORDERS,
    testCase: 'Rejected',
    code: 0,
    output: { orderId: 'o-1', rejection: { Error: 'Approval.Rejected', Cause: 'over budget' }, outcome: 'rejected' },
  },
  { name: 'a mocked .sync:2 Throw fails the execution', machine: ORDERS, testCase: 'ShippingFailed', code: 1, error: 'States.TaskFailed' },
  {
    name: 'mocked ecs:runTask.sync and glue:startJobRun.sync in Parallel branches, and a lambda:invoke.waitForTaskToken retried by its mock',
    machine: JOBS,
    testCase: 'AllDone',
    code: 0,
    output: { approved: true },
  },
  {
    name: 'a .sync Task the test case leaves to a --handlers handler keyed by its whole Resource',
    machine: JOBS,
    testCase: 'CrawlByHandler',
    extra: ['--handlers', './sync-handlers.mjs'],
    code: 0,
    output: { approved: true },
  },
];

for (const row of ran) {
  standard(row.name, async () => {
    const r = await run(row.machine, row.testCase, '--type', 'STANDARD', ...(row.extra ?? []));
    assert.is(r.code, row.code, r.stderr);
    const result = r.json();
    if (row.output !== undefined) assert.equal(result.output, row.output);
    if (row.error !== undefined) assert.is(result.error, row.error);
    assert.ok(r.stderr.includes('callback, .sync and activity Tasks take their mocked responses at once'), r.stderr);
  });
}

const refused: Array<{ name: string; machine: string[]; testCase: string; extra?: string[]; states: string[]; pointers: string[] }> = [
  {
    name: 'an unmocked .sync:2 Task is refused up front, named with its pointer',
    machine: ORDERS,
    testCase: 'ShippingUnmocked',
    states: ['Ship'],
    pointers: ['/States/Ship/Resource'],
  },
  {
    name: 'an unmocked callback and an unmocked activity are refused even off the path the test case takes',
    machine: ORDERS,
    testCase: 'OnlyShipping',
    states: ['Approve', 'Invoice'],
    pointers: ['/States/Approve/Resource', '/States/Invoice/Resource'],
  },
  {
    name: "a callback's --handlers handler does not answer it (it only sends the request): refused",
    machine: JOBS,
    testCase: 'ReviewByHandler',
    extra: ['--handlers', './sync-handlers.mjs'],
    states: ['Review'],
    pointers: ['/States/Review/Resource'],
  },
  {
    name: 'an unmocked .sync Task inside a Parallel branch, with no handler, is refused with its pointer in the branch',
    machine: JOBS,
    testCase: 'CrawlByHandler',
    states: ['Crawl'],
    pointers: ['/States/Jobs/Branches/1/States/Crawl/Resource'],
  },
];

for (const row of refused) {
  standard(row.name, async () => {
    const r = await run(row.machine, row.testCase, '--type', 'STANDARD', ...(row.extra ?? []));
    assert.is(r.code, 3, r.stderr);
    assert.is(r.stdout, '', 'nothing ran');
    assert.not.ok(r.stderr.includes('take their mocked responses'), 'no word of a run that does not happen');
    assert.ok(r.stderr.includes('[ERR_CLI_MOCKS]') && r.stderr.includes('statemill serve --mocks'), r.stderr);
    const named = [...r.stderr.matchAll(/\(state "([^"]+)"\)\n\s+state '\1' waits for .* test case '([^']+)' does not mock it.*\[ERR_CLI_UNMOCKED_TASK\]/g)];
    assert.equal(
      named.map((m) => m[1]),
      row.states,
      r.stderr,
    );
    assert.ok(
      named.every((m) => m[2] === row.testCase),
      r.stderr,
    );
    for (const pointer of row.pointers) assert.ok(r.stderr.includes(`${pointer}  (state `), r.stderr);
  });
}

standard('an EXPRESS machine with mocks still refuses what AWS refuses in Express, and says a STANDARD workflow would run them', async () => {
  const r = await run(ORDERS, 'Approved', '--type', 'EXPRESS');
  assert.is(r.code, 4, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr.split('[ERR_ASL_UNSUPPORTED_INTEGRATION]').length - 1, 3, r.stderr);
  assert.ok(r.stderr.includes('only in STANDARD workflows') && r.stderr.includes('--type STANDARD'), r.stderr);
});

standard("a plain ASL file with callback, .sync or activity Tasks and no --type runs as STANDARD, AWS's default type", async () => {
  // An exported definition carries no type; AWS creates it STANDARD unless told otherwise.
  const r = await run(ORDERS, 'Approved');
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.json().output, ran[0]!.output);
  assert.ok(r.json().executionArn.includes(':execution:'), r.stdout);
  assert.ok(r.stderr.includes("runs as a STANDARD workflow (AWS's default type: EXPRESS refuses its callback, .sync and activity Tasks)"), r.stderr);
  const unmocked = await cli(['run', 'callbacks.asl.json', '--virtual-clock']);
  assert.is(unmocked.code, 4, unmocked.stderr);
  assert.ok(unmocked.stderr.includes("a test case's mocks (--mocks <file> --test-case <name>) answer"), unmocked.stderr);
});

standard('a plain ASL file without such Tasks still runs as EXPRESS by default', async () => {
  const r = await cli(['run', 'pass.asl.json']);
  assert.is(r.code, 0, r.stderr);
  assert.ok(r.json().executionArn.includes(':express:'), r.stdout);
  assert.not.ok(r.stderr.includes('STANDARD'), r.stderr);
});

standard('a STANDARD run without --mocks still refuses them (nothing would answer), and says mocks would', async () => {
  const r = await cli(['run', 'callbacks.asl.json', '--type', 'STANDARD', '--virtual-clock']);
  assert.is(r.code, 4, r.stderr);
  assert.is(r.stdout, '');
  assert.ok(r.stderr.includes('valid ASL, but statemill cannot run it'), r.stderr);
  assert.is(r.stderr.split('[ERR_ASL_UNSUPPORTED_INTEGRATION]').length - 1, 3, r.stderr);
  assert.ok(r.stderr.includes("a test case's mocks (--mocks <file> --test-case <name>) answer"), r.stderr);
});

standard('a fault of the mock configuration lists the STANDARD definition without calling its waiting Tasks Express problems', async () => {
  const r = await cli(['run', ...ORDERS, '--type', 'STANDARD', '--mocks', 'callbacks-mocks.json', '--test-case', 'Nope']);
  assert.is(r.code, 3, r.stderr);
  assert.ok(r.stderr.includes('[ERR_MOCK_UNKNOWN_TEST_CASE]'), r.stderr);
  assert.not.ok(r.stderr.includes('ERR_ASL_UNSUPPORTED_INTEGRATION'), r.stderr);
});

/** An event as both record it, without what differs by nature: its time and the task token in the parameters. */
function comparable(event: HistoryEvent): string {
  return JSON.stringify({ ...event, timestamp: undefined }).replace(/\\"token\\":\\"[^\\]*\\"/g, '"token":…');
}

standard('--history ALL shows the events `statemill serve --mocks` records for the same test case', async () => {
  const r = await run(ORDERS, 'Approved', '--type', 'STANDARD', '--history', 'ALL');
  assert.is(r.code, 0, r.stderr);
  const service = createService({ mocks: JSON.parse(readFileSync(join(fixtures, 'callbacks-mocks.json'), 'utf8')), clock: virtualClock() });
  try {
    // The service's activity must exist (AWS's must); `run` has no activities to look the ARN up in.
    await service.createActivity({ name: 'Invoicing' });
    const { stateMachineArn } = await service.createStateMachine({
      name: 'Orders',
      definition: readFileSync(join(fixtures, 'callbacks.asl.json'), 'utf8'),
      roleArn: 'arn:aws:iam::123456789012:role/statemill',
    });
    const { executionArn } = await service.startExecution({ stateMachineArn: `${stateMachineArn}#Approved`, input: '{"orderId":"o-1"}' });
    let status = 'RUNNING';
    while (status === 'RUNNING') {
      await new Promise((resolve) => setImmediate(resolve));
      status = (await service.describeExecution({ executionArn })).status;
    }
    const served = (await service.getExecutionHistory({ executionArn })).events as unknown as HistoryEvent[];
    const printed = r.json().history as HistoryEvent[];
    assert.ok(
      printed.some((e) => e.type === 'TaskSucceeded'),
      'the history has the task events',
    );
    assert.equal(printed.map(comparable), served.map(comparable));
  } finally {
    await service.close();
  }
});

standard.run();
