import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock } from '../../src/index.js';

/**
 * A mocked state answers its n-th invocation in an execution with the response for n. A
 * distributed Map runs each item as a child execution, so a mocked state inside it starts
 * at invocation 0 in every child; an inline Map's iterations share the execution, and the
 * count goes on from one iteration to the next. Run as a Step Functions Local suite runs it:
 * StartExecution of `stateMachineArn#TestCase` on a Standard machine.
 */
const counts = suite('mocked invocations counted per execution, a distributed Map child being one');

interface Row {
  name: string;
  mode: 'DISTRIBUTED' | 'INLINE';
  output: unknown[];
}

const rows = JSON.parse(readFileSync(new URL('./mocked-invocation-counts.json', import.meta.url), 'utf8')) as Row[];

const mocks = {
  StateMachines: { prices: { TestCases: { T: { Price: 'Prices' } } } },
  MockedResponses: { Prices: { '0': { Return: 10 }, '1-2': { Return: 20 } } },
};

function definition(mode: Row['mode']): string {
  const processorConfig = mode === 'DISTRIBUTED' ? { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } : { Mode: 'INLINE' };
  return JSON.stringify({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemProcessor: {
          ProcessorConfig: processorConfig,
          StartAt: 'Price',
          States: { Price: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
        },
        End: true,
      },
    },
  });
}

for (const row of rows) {
  counts(row.name, async () => {
    const service = createService({ clock: virtualClock(0), mocks });
    const { stateMachineArn } = await service.createStateMachine({
      name: 'prices',
      definition: definition(row.mode),
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
    });
    const { executionArn } = await service.startExecution({ stateMachineArn: `${stateMachineArn}#T`, input: '["a","b","c"]' });
    let described = await service.describeExecution({ executionArn });
    while (described.status === 'RUNNING') {
      await new Promise((resolve) => setImmediate(resolve));
      described = await service.describeExecution({ executionArn });
    }
    assert.is(described.status, 'SUCCEEDED', `${described.error}: ${described.cause}`);
    assert.equal(JSON.parse(described.output!), row.output);
    await service.close();
  });
}

counts.run();
