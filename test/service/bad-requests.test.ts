import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, ServiceError, virtualClock, type StepFunctionsService } from '../../src/index.js';

/**
 * Every operation's bad requests (bad-requests.json): each is refused with AWS's exception
 * (and message, where the row gives one), and leaves the service as it was.
 */

interface Row {
  op: string;
  why: string;
  request: Record<string, unknown>;
  error: { type: string; message?: string };
}

const rows = JSON.parse(readFileSync(join(import.meta.dirname, 'bad-requests.json'), 'utf8')) as Row[];
const ROLE = 'arn:aws:iam::123456789012:role/r';
const PASS = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:m';
const XSM = 'arn:aws:states:us-east-1:123456789012:stateMachine:x';

/** A service holding one of everything: machine m (version 1, alias live), Express x, activity a, execution e1. */
async function populated(): Promise<{ service: StepFunctionsService; values: Record<string, unknown> }> {
  const service = createService({ clock: virtualClock(0) });
  await service.createStateMachine({ name: 'm', definition: PASS, roleArn: ROLE, publish: true });
  await service.createStateMachineAlias({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${SM}:1`, weight: 100 }] });
  await service.createStateMachine({ name: 'x', definition: PASS, roleArn: ROLE, type: 'EXPRESS' });
  const activity = await service.createActivity({ name: 'a' });
  const e1 = await service.startExecution({ stateMachineArn: SM, name: 'e1' });
  const express = await service.startExecution({ stateMachineArn: XSM });
  const values: Record<string, unknown> = {
    SMEXEC: 'arn:aws:states:us-east-1:123456789012:execution:m',
    XEXEC: express.executionArn,
    EXEC: e1.executionArn,
    XSM,
    SM,
    ACT: activity.activityArn,
    PASS,
    ROLE,
    LONG81: 'n'.repeat(81),
    LONG257: 'a'.repeat(257),
    LONG2001: 'a'.repeat(2001),
    BIGINPUT: JSON.stringify({ big: 'x'.repeat(262_144) }),
    DEEP1001: '['.repeat(1001) + ']'.repeat(1001),
    DEEP5000: '['.repeat(5000) + ']'.repeat(5000),
    UNCLOSED: '['.repeat(100_000),
    DEEPOBJ: '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
    TAGS51: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
  };
  return { service, values };
}

function substitute(value: unknown, values: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^@([A-Z0-9]+)$/.exec(value);
    if (whole !== null && typeof values[whole[1]!] !== 'string' && values[whole[1]!] !== undefined) return values[whole[1]!];
    return value.replace(
      /@(SMEXEC|XEXEC|EXEC|XSM|SM|ACT|PASS|ROLE|LONG81|LONG257|LONG2001|BIGINPUT|DEEP1001|DEEP5000|DEEPOBJ|UNCLOSED)/g,
      (_, key: string) => values[key] as string,
    );
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, values));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, values)]));
  return value;
}

/** Everything the service holds, as its list operations show it. */
async function snapshot(service: StepFunctionsService): Promise<string> {
  const machines = await service.listStateMachines({});
  const parts: unknown[] = [machines];
  for (const m of machines.stateMachines) {
    parts.push(await service.describeStateMachine({ stateMachineArn: m.stateMachineArn }));
    parts.push(await service.listTagsForResource({ resourceArn: m.stateMachineArn }));
    if (m.type === 'STANDARD') parts.push(await service.listExecutions({ stateMachineArn: m.stateMachineArn }));
    parts.push(await service.listStateMachineVersions({ stateMachineArn: m.stateMachineArn }));
    parts.push(await service.listStateMachineAliases({ stateMachineArn: m.stateMachineArn }));
  }
  parts.push(await service.listActivities({}));
  return JSON.stringify(parts);
}

for (const row of rows) {
  test(`${row.op}: ${row.why} → ${row.error.type}`, async () => {
    const { service, values } = await populated();
    const before = await snapshot(service);
    const request = substitute(row.request, values);
    const command = {
      [`${row.op}Command`]: class {
        constructor(readonly input: unknown) {}
      },
    }[`${row.op}Command`]!;
    try {
      const answer = await service.send(new command(request));
      assert.unreachable(`answered ${JSON.stringify(answer).slice(0, 200)}`);
    } catch (thrown) {
      if (thrown instanceof assert.Assertion) throw thrown;
      assert.instance(thrown, ServiceError);
      assert.is((thrown as ServiceError).name, row.error.type, (thrown as Error).message);
      if (row.error.message !== undefined) assert.is((thrown as ServiceError).message, substitute(row.error.message, values));
    }
    assert.is(await snapshot(service), before, 'the refusal changed what the service holds');
    await service.close();
  });
}

test.run();
