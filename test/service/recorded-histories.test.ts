import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock } from '../../src/index.js';
import { handlersFor, type ConformanceCase } from '../conformance/runner.js';

/**
 * Histories AWS recorded (LocalStack's AWS-validated tests, `recording` names the test and its
 * date): each case runs the recorded definition and input through createService() and expects
 * the recorded events' ids, previous event ids and types, in order. Where LocalStack blanked
 * the ids of a Parallel's branch events to make them order-independent, `note` says where the
 * ids come from.
 */
interface RecordedHistory {
  name: string;
  recording: string;
  note?: string;
  definition: unknown;
  input: unknown;
  resources?: ConformanceCase['resources'];
  events: [number, number, string][];
}

const cases = JSON.parse(readFileSync(new URL('./recorded-histories.json', import.meta.url), 'utf8')) as RecordedHistory[];
const recorded = suite('recorded-histories');

for (const c of cases) {
  recorded(c.name, async () => {
    const s = createService({ handlers: handlersFor(c.resources), clock: virtualClock() });
    const { stateMachineArn } = await s.createStateMachine({
      name: 'recorded',
      roleArn: 'arn:aws:iam::123456789012:role/sfn',
      definition: JSON.stringify(c.definition),
    });
    const { executionArn } = await s.startExecution({ stateMachineArn, input: JSON.stringify(c.input) });
    await s.waitForExecution({ executionArn });
    const { events } = await s.getExecutionHistory({ executionArn, maxResults: 1000 });
    await s.close();
    assert.equal(
      events.map((e) => [e.id, e.previousEventId, e.type]),
      c.events,
      c.recording,
    );
  });
}

recorded.run();
