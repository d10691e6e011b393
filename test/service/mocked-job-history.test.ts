import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type StepFunctionsService } from '../../src/index.js';

/**
 * A mocked `.waitForTaskToken` or `.sync` Task (a Step Functions Local test case run through
 * StartExecution of `stateMachineArn#TestCase`) records the events AWS records for the real
 * task: its mocked response is the callback's or job's outcome, which comes after the
 * request went out, so TaskSubmitted (output `{}`: nothing answered the request) sits between
 * TaskStarted and TaskSucceeded or TaskFailed, and every later event id counts it. The rows'
 * ids and previous ids are those of AWS's histories of the same state machines answered for
 * real. A request-response Task records no TaskSubmitted.
 */
const mockedJobs = suite('mocked callback and .sync tasks: history events as AWS records them');

interface Row {
  name: string;
  resource: string;
  parameters: unknown;
  response: unknown;
  events: [number, number, string][];
}

const rows = JSON.parse(readFileSync(new URL('./mocked-job-history.json', import.meta.url), 'utf8')) as Row[];

function definition(row: Row): unknown {
  return {
    StartAt: 'Job',
    States: {
      Job: {
        Type: 'Task',
        Resource: row.resource,
        Parameters: row.parameters,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  };
}

async function historyWhenDone(service: StepFunctionsService, executionArn: string) {
  for (;;) {
    const { status } = await service.describeExecution({ executionArn });
    if (status !== 'RUNNING') return (await service.getExecutionHistory({ executionArn })).events;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

for (const row of rows) {
  mockedJobs(row.name, async () => {
    const mocks = { StateMachines: { jobs: { TestCases: { Case: { Job: 'Answer' } } } }, MockedResponses: { Answer: row.response } };
    const service = createService({ clock: virtualClock(0), mocks });
    const { stateMachineArn } = await service.createStateMachine({
      name: 'jobs',
      definition: JSON.stringify(definition(row)),
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
    });
    const { executionArn } = await service.startExecution({ stateMachineArn: `${stateMachineArn}#Case`, input: '{"order":7}' });
    const events = await historyWhenDone(service, executionArn);
    assert.equal(
      events.map((event) => [event.id, event.previousEventId, event.type]),
      row.events,
    );
    const submittedEvent = events.find((event) => event.type === 'TaskSubmitted');
    if (submittedEvent !== undefined) {
      const [, resource] = /^arn:aws:states:::[^:]+:(.+)$/.exec(row.resource)!;
      assert.equal(submittedEvent.taskSubmittedEventDetails, {
        resourceType: row.resource.split(':')[5],
        resource,
        output: '{}',
        outputDetails: { truncated: false },
      });
    }
    await service.close();
  });
}

mockedJobs.run();
