import type { TourTarget } from './model-scenario.js';

/**
 * The map-run part of the model tour: Distributed Maps with STANDARD and EXPRESS children,
 * with ItemBatcher and Label, tolerated failures, failures beyond the tolerance, and one
 * updated and then stopped while it runs. Every map-run operation is called on each, and the
 * parent's and the children's histories are read, so the target checks them all.
 */

export const ITEMS = 'arn:aws:lambda:us-east-1:123456789012:function:items';
const SQS_CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

/** Doubles an item or a batch's `Items`; fails (`Item.Negative`) on a negative one. */
export function itemsHandler(input: number | { Items: number[] }): number[] {
  const items = typeof input === 'number' ? [input] : input.Items;
  if (items.some((n) => n < 0)) throw Object.assign(new Error(`negative item in ${JSON.stringify(items)}`), { name: 'Item.Negative' });
  return items.map((n) => n * 2);
}

const json = (value: unknown) => JSON.stringify(value);

function distributed(executionType: 'STANDARD' | 'EXPRESS', fields: Record<string, unknown>, states?: Record<string, unknown>): string {
  return json({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Next: 'Fan' },
      Fan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: executionType },
          StartAt: Object.keys(states ?? { Work: null })[0],
          States: states ?? { Work: { Type: 'Task', Resource: ITEMS, Next: 'Done' }, Done: { Type: 'Succeed' } },
        },
        ResultPath: '$.results',
        End: true,
        ...fields,
      },
    },
  });
}

export interface MapRunTourHooks {
  /** The parent's and children's histories are read through this, so each is checked. */
  history(executionArn: string): Promise<unknown[]>;
  settled(executionArn: string): Promise<{ status: string; error?: string; cause?: string }>;
}

async function checkedMapRun(target: TourTarget, hooks: MapRunTourHooks, executionArn: string, expected: string): Promise<string> {
  const { mapRuns } = await target.call('ListMapRuns', { executionArn });
  if (mapRuns.length !== 1) throw new Error(`${executionArn}: ${mapRuns.length} map runs`);
  const { mapRunArn } = mapRuns[0];
  const described = await target.call('DescribeMapRun', { mapRunArn });
  if (described.status !== expected) throw new Error(`${mapRunArn} ${described.status}, not ${expected}`);
  await target.call('ListExecutions', { mapRunArn });
  const first = await target.call('ListExecutions', { mapRunArn, maxResults: 1 });
  if (first.nextToken !== undefined) await target.call('ListExecutions', { mapRunArn, maxResults: 1, nextToken: first.nextToken });
  const children = await target.call('ListExecutions', { mapRunArn });
  for (const child of children.executions) {
    await target.call('DescribeExecution', { executionArn: child.executionArn });
    await target.call('DescribeStateMachineForExecution', { executionArn: child.executionArn });
    await hooks.history(child.executionArn);
  }
  await hooks.history(executionArn);
  return mapRunArn;
}

/** The tour of map runs; `prefix` keeps the target's names apart. */
export async function mapRunTour(target: TourTarget, prefix: string, role: string, hooks: MapRunTourHooks): Promise<void> {
  const run = async (name: string, definition: string, items: number[], expected: string) => {
    const machine = await target.call('CreateStateMachine', { name: `${prefix}-${name}`, definition, roleArn: role });
    const { executionArn } = await target.call('StartExecution', { stateMachineArn: machine.stateMachineArn, input: json({ items }) });
    const ended = await hooks.settled(executionArn);
    if (ended.status !== expected) throw new Error(`${name}: ${ended.status} ${ended.error} ${ended.cause}`);
    return executionArn;
  };

  // STANDARD children in batches of two, labelled.
  const batched = await run(
    'mr-standard',
    distributed('STANDARD', { Label: 'Rows', ItemBatcher: { MaxItemsPerBatch: 2 }, MaxConcurrency: 2 }),
    [1, 2, 3],
    'SUCCEEDED',
  );
  const batchedRun = await checkedMapRun(target, hooks, batched, 'SUCCEEDED');
  await target.refuse('UpdateMapRun', { mapRunArn: batchedRun, maxConcurrency: 5 });
  await target.call('ListExecutions', { mapRunArn: batchedRun, statusFilter: 'SUCCEEDED' });

  // EXPRESS children, one failure tolerated.
  const tolerated = await run('mr-express', distributed('EXPRESS', { ToleratedFailureCount: 1 }), [1, -1, 2], 'SUCCEEDED');
  const toleratedRun = await checkedMapRun(target, hooks, tolerated, 'SUCCEEDED');
  await target.call('ListExecutions', { mapRunArn: toleratedRun, statusFilter: 'FAILED' });

  // Failures beyond a 10% tolerance: the map run and its execution fail.
  const beyond = await run('mr-beyond', distributed('STANDARD', { ToleratedFailurePercentage: 10, Label: 'Strict' }), [1, -1, -2], 'FAILED');
  await checkedMapRun(target, hooks, beyond, 'FAILED');

  // Children that wait for a callback, one at a time: updated while running, then stopped.
  const hold = {
    Type: 'Task',
    Resource: SQS_CALLBACK,
    Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'tag.$': '$$.Execution.Id', 'token.$': '$$.Task.Token' } },
    End: true,
  };
  const holdMachine = await target.call('CreateStateMachine', {
    name: `${prefix}-mr-stopped`,
    definition: distributed('STANDARD', { Label: 'Held', MaxConcurrency: 1 }, { Hold: hold }),
    roleArn: role,
  });
  const held = await target.call('StartExecution', { stateMachineArn: holdMachine.stateMachineArn, input: json({ items: [1, 2, 3] }) });
  let mapRunArn: string | undefined;
  for (let i = 0; i < 400 && mapRunArn === undefined; i++) {
    mapRunArn = (await target.call('ListMapRuns', { executionArn: held.executionArn })).mapRuns[0]?.mapRunArn;
    if (mapRunArn === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (mapRunArn === undefined) throw new Error('the held map run never started');
  let running = await target.call('DescribeMapRun', { mapRunArn });
  for (let i = 0; i < 400 && running.executionCounts.running === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    running = await target.call('DescribeMapRun', { mapRunArn });
  }
  if (running.status !== 'RUNNING' || running.executionCounts.running === 0) throw new Error(`the held map run is ${running.status} with none running`);
  await target.call('UpdateMapRun', { mapRunArn, maxConcurrency: 2, toleratedFailurePercentage: 50.5, toleratedFailureCount: 1 });
  const updated = await target.call('DescribeMapRun', { mapRunArn });
  if (updated.maxConcurrency !== 2 || updated.toleratedFailurePercentage !== 50.5) throw new Error(`UpdateMapRun not applied: ${json(updated)}`);
  await target.refuse('UpdateMapRun', { mapRunArn });
  await target.refuse('UpdateMapRun', { mapRunArn, toleratedFailurePercentage: 101 });
  await target.call('ListExecutions', { mapRunArn, statusFilter: 'RUNNING' });
  await target.call('ListMapRuns', { executionArn: held.executionArn, maxResults: 1 });
  await target.call('StopExecution', { executionArn: held.executionArn, error: 'Tour.Stop', cause: 'stopped while its map run ran' });
  await hooks.settled(held.executionArn);
  await checkedMapRun(target, hooks, held.executionArn, 'ABORTED');
}
