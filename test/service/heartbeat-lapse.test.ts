import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type Clock, type StepFunctionsService } from '../../src/index.js';

/**
 * A heartbeat lapse as AWS records it (AWS-recorded snapshots
 * test_heartbeats.snapshot.json: an SQS `.waitForTaskToken` Task with HeartbeatSeconds 5 and
 * TimeoutSeconds 600 records TaskTimedOut and ExecutionFailed with `"error": "States.Timeout"`
 * and no cause). The name States.HeartbeatTimeout exists only in Retry and Catch, where it
 * matches a lapse and not a TimeoutSeconds timeout; States.TaskFailed matches every task
 * error except States.Timeout, so not a lapse either.
 */
const lapse = suite('heartbeat-lapse');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';
const SQS_WAIT = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:silent';

type Event = Record<string, unknown> & { type: string };

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** One way a Task waits: its Resource, the service it needs, what happens once it started, the event that records a timeout. */
interface Wait {
  readonly name: string;
  readonly timedOutEvent: string;
  setUp(): Promise<{ service: StepFunctionsService; clock: Clock; resource: string }>;
  /** After StartExecution: what a worker does before it falls silent. */
  started(service: StepFunctionsService, resource: string): Promise<void>;
}

const waits: Wait[] = [
  {
    name: 'a callback (.waitForTaskToken)',
    timedOutEvent: 'TaskTimedOut',
    async setUp() {
      const clock = virtualClock(0);
      const service = createService({ clock, handlers: { 'arn:aws:states:::sqs:sendMessage': () => ({ MessageId: 'm-1' }) } });
      return { service, clock, resource: SQS_WAIT };
    },
    async started() {},
  },
  {
    name: 'an activity a worker took',
    timedOutEvent: 'ActivityTimedOut',
    async setUp() {
      const clock = virtualClock(0);
      const service = createService({ clock });
      const { activityArn } = await service.createActivity({ name: 'review' });
      return { service, clock, resource: activityArn };
    },
    async started(service, resource) {
      await flush();
      assert.ok((await service.getActivityTask({ activityArn: resource })).taskToken);
    },
  },
  {
    name: 'a Lambda handler that never answers',
    timedOutEvent: 'LambdaFunctionTimedOut',
    async setUp() {
      const clock = virtualClock(0);
      const service = createService({ clock, handlers: { [LAMBDA]: () => new Promise(() => {}) } });
      return { service, clock, resource: LAMBDA };
    },
    async started() {},
  },
];

/** A Task with `limits` and `recovery` (Retry/Catch); a catcher's Next is a Pass that ends. */
function definition(resource: string, limits: Record<string, number>, recovery: Record<string, unknown>) {
  const work = { Type: 'Task', Resource: resource, ...limits, ...recovery, End: true };
  return { StartAt: 'Work', States: 'Catch' in recovery ? { Work: work, Caught: { Type: 'Pass', End: true } } : { Work: work } };
}

/** Runs the definition until the task lapses (or times out): the execution as described, and its history. */
async function runToEnd(wait: Wait, limits: Record<string, number>, recovery: Record<string, unknown>) {
  const { service, clock, resource } = await wait.setUp();
  const { stateMachineArn } = await service.createStateMachine({
    name: 'lapse',
    roleArn: ROLE,
    definition: JSON.stringify(definition(resource, limits, recovery)),
  });
  const { executionArn } = await service.startExecution({ stateMachineArn, input: '{}' });
  await wait.started(service, resource);
  await clock.sleep(20_000);
  const described = await service.waitForExecution({ executionArn });
  const { events } = await service.getExecutionHistory({ executionArn, maxResults: 1000 });
  await service.close();
  return { described, events: events as unknown as Event[] };
}

function detailsOf(events: Event[], type: string): unknown {
  const event = events.find((e) => e.type === type);
  assert.ok(event, `a ${type} event`);
  return Object.entries(event!).find(([key]) => key.endsWith('EventDetails'))![1];
}

const HEARTBEAT = { TimeoutSeconds: 600, HeartbeatSeconds: 5 };
const TIMEOUT = { TimeoutSeconds: 5 };
const caughtBy = (name: string) => ({ Catch: [{ ErrorEquals: [name], ResultPath: '$.caught', Next: 'Caught' }] });

for (const wait of waits) {
  lapse(`${wait.name}: an uncaught heartbeat lapse is States.Timeout without a cause in ${wait.timedOutEvent}, ExecutionFailed and the execution`, async () => {
    const { described, events } = await runToEnd(wait, HEARTBEAT, {});
    assert.equal([described.status, described.error, described.cause], ['FAILED', 'States.Timeout', undefined]);
    const timedOut = detailsOf(events, wait.timedOutEvent) as Record<string, unknown>;
    assert.is(timedOut.error, 'States.Timeout');
    assert.not.ok('cause' in timedOut);
    assert.equal(detailsOf(events, 'ExecutionFailed'), { error: 'States.Timeout' });
  });

  const catchers: [string, boolean][] = [
    ['States.Timeout', true],
    ['States.HeartbeatTimeout', true],
    // States.TaskFailed matches every task error except States.Timeout, which a lapse is.
    ['States.TaskFailed', false],
    ['States.ALL', true],
  ];
  for (const [name, catches] of catchers) {
    lapse(`${wait.name}: a catcher of ${name} ${catches ? 'catches' : 'does not catch'} a heartbeat lapse`, async () => {
      const { described } = await runToEnd(wait, HEARTBEAT, caughtBy(name));
      if (catches) {
        assert.is(described.status, 'SUCCEEDED');
        assert.equal(JSON.parse(described.output!), { caught: { Error: 'States.Timeout', Cause: '' } });
      } else {
        assert.equal([described.status, described.error], ['FAILED', 'States.Timeout']);
      }
    });
  }

  lapse(`${wait.name}: a TimeoutSeconds timeout passes a States.HeartbeatTimeout catcher by, to a States.Timeout one`, async () => {
    const onlyHeartbeat = await runToEnd(wait, TIMEOUT, caughtBy('States.HeartbeatTimeout'));
    assert.equal([onlyHeartbeat.described.status, onlyHeartbeat.described.error], ['FAILED', 'States.Timeout']);
    const both = await runToEnd(wait, TIMEOUT, {
      Catch: [
        { ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.heartbeat', Next: 'Caught' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Caught' },
      ],
    });
    assert.equal(JSON.parse(both.described.output!), { timeout: { Error: 'States.Timeout', Cause: '' } });
  });
}

lapse('a retrier of States.HeartbeatTimeout retries a heartbeat lapse, and not a TimeoutSeconds timeout', async () => {
  const wait = waits[0]!;
  const retry = { Retry: [{ ErrorEquals: ['States.HeartbeatTimeout'], MaxAttempts: 1, IntervalSeconds: 1 }] };
  const lapsed = await runToEnd(wait, HEARTBEAT, retry);
  const lapsedTypes = lapsed.events.map((e) => e.type);
  assert.is(lapsedTypes.filter((t) => t === 'TaskTimedOut').length, 2, 'the lapse, then the retry lapsing');
  const timed = await runToEnd(wait, TIMEOUT, retry);
  assert.is(timed.events.map((e) => e.type).filter((t) => t === 'TaskTimedOut').length, 1, 'no retry');
});

lapse.run();
