import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, ServiceError, virtualClock } from '../../src/index.js';

/** Version and alias ARNs where AWS takes them in place of a state machine ARN. */
const arns = suite('version-alias-arns');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';
const PASS = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';

async function twoVersions() {
  const s = createService({ clock: virtualClock(0) });
  await s.createStateMachine({ name: 'm', definition: PASS, roleArn: ROLE, publish: true });
  await s.updateStateMachine({ stateMachineArn: SM, definition: JSON.stringify({ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }), publish: true });
  await s.createStateMachineAlias({ name: 'one', routingConfiguration: [{ stateMachineVersionArn: `${SM}:1`, weight: 100 }] });
  await s.createStateMachineAlias({
    name: 'both',
    routingConfiguration: [
      { stateMachineVersionArn: `${SM}:1`, weight: 50 },
      { stateMachineVersionArn: `${SM}:2`, weight: 50 },
    ],
  });
  await s.createStateMachineAlias({ name: 'two', routingConfiguration: [{ stateMachineVersionArn: `${SM}:2`, weight: 100 }] });
  return s;
}

arns('ListStateMachineAliases with a version ARN lists the aliases that route to that version', async () => {
  const s = await twoVersions();
  const names = async (arn: string) =>
    (await s.listStateMachineAliases({ stateMachineArn: arn })).stateMachineAliases.map((a) => a.stateMachineAliasArn.slice(SM.length + 1)).sort();
  assert.equal(await names(SM), ['both', 'one', 'two']);
  assert.equal(await names(`${SM}:1`), ['both', 'one']);
  assert.equal(await names(`${SM}:2`), ['both', 'two']);
  try {
    await s.listStateMachineAliases({ stateMachineArn: `${SM}:3` });
    assert.unreachable('a version that does not exist');
  } catch (thrown) {
    assert.instance(thrown, ServiceError);
    assert.is((thrown as ServiceError).name, 'StateMachineDoesNotExist');
  }
  await s.close();
});

arns('ExecutionStarted names the version and alias an execution was started through', async () => {
  const s = await twoVersions();
  const details = async (stateMachineArn: string) => {
    const run = await s.startExecution({ stateMachineArn });
    const { events } = await s.getExecutionHistory({ executionArn: run.executionArn, maxResults: 1 });
    return events[0]!.executionStartedEventDetails as Record<string, unknown>;
  };
  const viaAlias = await details(`${SM}:one`);
  assert.equal([viaAlias.stateMachineAliasArn, viaAlias.stateMachineVersionArn], [`${SM}:one`, `${SM}:1`]);
  const viaVersion = await details(`${SM}:2`);
  assert.equal([viaVersion.stateMachineAliasArn, viaVersion.stateMachineVersionArn], [undefined, `${SM}:2`]);
  const direct = await details(SM);
  assert.equal(Object.keys(direct).sort(), ['input', 'inputDetails', 'roleArn']);
  await s.close();
});

arns.run();
