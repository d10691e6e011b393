import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock, type Clock } from '../../src/index.js';
import { refusal } from './refusal.js';

/**
 * AWS's rules for answers the held-out AWS-recorded API sequences showed statemill getting
 * wrong: definition diagnostics, logging destinations, alias routing refusals, and page tokens.
 * Each table row is a request of this file's own, with AWS's answer for it.
 */

const ROLE = 'arn:aws:iam::123456789012:role/r';
const ARN = 'arn:aws:states:us-east-1:123456789012';

function service(clock: Clock = virtualClock(0)) {
  return createService({ clock });
}

const passChain = (count: number) => {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) states[`S${i}`] = i + 1 < count ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Pass', End: true };
  return JSON.stringify({ StartAt: 'S0', States: states });
};

const diagnostics = suite('AWS rules: definition diagnostics');

const notAnObject = [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' }];

for (const [what, definition, type, expected] of [
  [
    'both top-level fields missing: States before StartAt, as AWS lists them',
    '{}',
    'STANDARD',
    [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [States, StartAt]', location: '/' }],
  ],
  [
    'both missing beside another field',
    '{"Comment": "no states"}',
    'EXPRESS',
    [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [States, StartAt]', location: '/' }],
  ],
  ['blank text: no parser location', ' ', 'STANDARD', notAnObject],
  ['white space of several kinds', '\n\t  \r\n', 'STANDARD', notAnObject],
  ['JSON null', 'null', 'STANDARD', notAnObject],
  ['a JSON array', '[{"StartAt": "A"}]', 'STANDARD', notAnObject],
  ['a JSON number', '42', 'EXPRESS', notAnObject],
  ['a JSON string', '"StartAt"', 'STANDARD', notAnObject],
  [
    'a JSONPath state under a JSONata top level: AWS names the state, in its words',
    JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } }),
    'STANDARD',
    [
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        location: '/States/P',
      },
    ],
  ],
  [
    'the same inside a Parallel branch',
    JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Par',
      States: { Par: { Type: 'Parallel', Branches: [{ StartAt: 'In', States: { In: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } }], End: true } },
    }),
    'EXPRESS',
    [
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
        location: '/States/Par/Branches/0/States/In',
      },
    ],
  ],
  [
    "Express with .waitForTaskToken: AWS's message ends in a space",
    JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', End: true } } }),
    'EXPRESS',
    [
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "Express state machine does not support '.waitForTaskToken' service integration ",
        location: '/States/T/Resource',
      },
    ],
  ],
  [
    'Express with .sync: no space',
    JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync', End: true } } }),
    'EXPRESS',
    [
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "Express state machine does not support '.sync' service integration",
        location: '/States/T/Resource',
      },
    ],
  ],
  [
    'a Type that is no state type: AWS lists the eight in its order',
    JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Bogus', End: true } } }),
    'STANDARD',
    [
      {
        severity: 'ERROR',
        code: 'SCHEMA_VALIDATION_FAILED',
        message: "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]",
        location: '/States/A/Type',
      },
    ],
  ],
  [
    'a Parallel without branches',
    JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [], End: true } } }),
    'STANDARD',
    [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Value cannot be empty', location: '/States/P/Branches' }],
  ],
  [
    'a Choice without rules',
    JSON.stringify({ StartAt: 'C', States: { C: { Type: 'Choice', Choices: [], Default: 'D' }, D: { Type: 'Succeed' } } }),
    'EXPRESS',
    [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Value cannot be empty', location: '/States/C/Choices' }],
  ],
] as const) {
  diagnostics(`ValidateStateMachineDefinition: ${what}`, async () => {
    const s = service();
    const answer = await s.validateStateMachineDefinition({ definition, type });
    assert.equal(answer, { result: 'FAIL', diagnostics: expected, truncated: false });
  });
}

for (const [what, definition, type, message] of [
  ['blank', '  ', 'STANDARD', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object at /'"],
  ['no fields', '{}', 'STANDARD', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /'"],
  [
    '.waitForTaskToken in Express (two spaces before "at", as AWS sends it)',
    JSON.stringify({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', End: true } } }),
    'EXPRESS',
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration  at /States/T/Resource'",
  ],
  [
    'a JSONPath state under JSONata',
    JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } }),
    'STANDARD',
    "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/P'",
  ],
] as const) {
  diagnostics(`CreateStateMachine refuses: ${what}`, async () => {
    const s = service();
    const refused = await refusal(s.createStateMachine({ name: 'm', definition, roleArn: ROLE, type }));
    assert.is(refused.name, 'InvalidDefinition');
    assert.is(refused.message, message);
  });
}

const logging = suite('AWS rules: logging destinations');

const passDefinition = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });

for (const [what, given, shown] of [
  ['an empty destination list is shown back', { destinations: [] }, { level: 'OFF', includeExecutionData: false, destinations: [] }],
  [
    'level OFF with an empty list',
    { level: 'OFF', includeExecutionData: true, destinations: [] },
    { level: 'OFF', includeExecutionData: true, destinations: [] },
  ],
  ['no destinations member: none shown', {}, { level: 'OFF', includeExecutionData: false }],
  ['no logging configuration at all', undefined, { level: 'OFF', includeExecutionData: false }],
] as const) {
  logging(`Describe shows the logging configuration as given: ${what}`, async () => {
    const s = service();
    const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: passDefinition, roleArn: ROLE, loggingConfiguration: given as never });
    assert.equal((await s.describeStateMachine({ stateMachineArn })).loggingConfiguration, shown);
    await s.updateStateMachine({ stateMachineArn, loggingConfiguration: (given ?? {}) as never });
    assert.equal(
      (await s.describeStateMachine({ stateMachineArn })).loggingConfiguration,
      given === undefined ? { level: 'OFF', includeExecutionData: false } : shown,
    );
  });
}

const routing = suite('AWS rules: alias routing refusals');

for (const [what, route, message] of [
  [
    'three versions: the list in its Java form',
    (v: string[]) => [
      { stateMachineVersionArn: v[0], weight: 50 },
      { stateMachineVersionArn: v[1], weight: 30 },
      { stateMachineVersionArn: v[2], weight: 20 },
    ],
    (v: string[]) =>
      `1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=${v[0]}, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=${v[1]}, weight=30), RoutingConfigurationListItem(stateMachineVersionArn=${v[2]}, weight=20)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2`,
  ],
  [
    'an empty list',
    () => [],
    () => "1 validation error detected: Value '[]' at 'routingConfiguration' failed to satisfy constraint: Member must have length greater than or equal to 1",
  ],
  [
    'a weight over 100',
    (v: string[]) => [{ stateMachineVersionArn: v[0], weight: 101 }],
    () =>
      "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
  ],
  [
    'a negative weight',
    (v: string[]) => [
      { stateMachineVersionArn: v[0], weight: 100 },
      { stateMachineVersionArn: v[1], weight: -5 },
    ],
    () =>
      "1 validation error detected: Value '-5' at 'routingConfiguration.2.member.weight' failed to satisfy constraint: Member must have value greater than or equal to 0",
  ],
  [
    'a weight that is not an integer',
    (v: string[]) => [{ stateMachineVersionArn: v[0], weight: 99.5 }],
    () => "1 validation error detected: Value '99.5' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must be an integer",
  ],
  [
    'no weight',
    (v: string[]) => [{ stateMachineVersionArn: v[0] }],
    () => "1 validation error detected: Value null at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must not be null",
  ],
  [
    'one version twice: the ARNs received',
    (v: string[]) => [
      { stateMachineVersionArn: v[1], weight: 40 },
      { stateMachineVersionArn: v[1], weight: 60 },
    ],
    (v: string[]) => `Routing configuration must contain distinct state machine version ARNs. Received: [${v[1]}, ${v[1]}]`,
  ],
  [
    'weights summing under 100: the weights received',
    (v: string[]) => [
      { stateMachineVersionArn: v[0], weight: 10 },
      { stateMachineVersionArn: v[2], weight: 20 },
    ],
    () => 'Sum of routing configuration weights must equal 100. Received: [10, 20]',
  ],
  [
    'weights summing over 100',
    (v: string[]) => [
      { stateMachineVersionArn: v[2], weight: 99 },
      { stateMachineVersionArn: v[0], weight: 2 },
    ],
    () => 'Sum of routing configuration weights must equal 100. Received: [99, 2]',
  ],
] as const) {
  routing(`CreateStateMachineAlias and UpdateStateMachineAlias refuse ${what}`, async () => {
    const s = service();
    const created = await s.createStateMachine({ name: 'm', definition: passDefinition, roleArn: ROLE, publish: true });
    const versions = [created.stateMachineVersionArn!];
    for (const comment of ['two', 'three']) {
      const definition = JSON.stringify({ Comment: comment, StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
      versions.push((await s.updateStateMachine({ stateMachineArn: created.stateMachineArn, definition, publish: true })).stateMachineVersionArn!);
    }
    const refused = await refusal(s.createStateMachineAlias({ name: 'a', routingConfiguration: route(versions) as never }));
    assert.is(refused.name, 'ValidationException');
    assert.is(refused.message, message(versions));
    const { stateMachineAliasArn } = await s.createStateMachineAlias({
      name: 'ok',
      routingConfiguration: [{ stateMachineVersionArn: versions[0]!, weight: 100 }],
    });
    const updateRefused = await refusal(s.updateStateMachineAlias({ stateMachineAliasArn, routingConfiguration: route(versions) as never }));
    assert.is(updateRefused.message, message(versions));
  });
}

const paging = suite('AWS rules: page tokens');

const invalidToken = "Invalid Token: 'Invalid token'";

/** Every list operation, on a service holding two of each thing it lists, with more than one page at maxResults 1. */
async function listed() {
  const clock = virtualClock(0);
  const s = service(clock);
  const machines: string[] = [];
  const executions: string[] = [];
  for (const name of ['m1', 'm2']) {
    const { stateMachineArn } = await s.createStateMachine({ name, definition: passChain(3), roleArn: ROLE, publish: true });
    await s.updateStateMachine({ stateMachineArn, definition: passChain(2), publish: true });
    for (const alias of ['a1', 'a2'])
      await s.createStateMachineAlias({ name: alias, routingConfiguration: [{ stateMachineVersionArn: `${stateMachineArn}:1`, weight: 100 }] });
    machines.push(stateMachineArn);
    for (const execution of ['e1', 'e2']) {
      const { executionArn } = await s.startExecution({ stateMachineArn, name: execution });
      await s.waitForExecution({ executionArn });
      executions.push(executionArn);
    }
  }
  for (const name of ['act1', 'act2']) await s.createActivity({ name });
  /** Each list, by a name, for the two resources it can list (or the one account-wide list twice). */
  const lists: Record<
    string,
    [(extra: Record<string, unknown>) => Promise<{ nextToken?: string }>, (extra: Record<string, unknown>) => Promise<{ nextToken?: string }>]
  > = {
    ListStateMachines: [(x) => s.listStateMachines({ ...x }), (x) => s.listStateMachines({ ...x })],
    ListActivities: [(x) => s.listActivities({ ...x }), (x) => s.listActivities({ ...x })],
    ListExecutions: [(x) => s.listExecutions({ stateMachineArn: machines[0]!, ...x }), (x) => s.listExecutions({ stateMachineArn: machines[1]!, ...x })],
    ListStateMachineVersions: [
      (x) => s.listStateMachineVersions({ stateMachineArn: machines[0]!, ...x }),
      (x) => s.listStateMachineVersions({ stateMachineArn: machines[1]!, ...x }),
    ],
    ListStateMachineAliases: [
      (x) => s.listStateMachineAliases({ stateMachineArn: machines[0]!, ...x }),
      (x) => s.listStateMachineAliases({ stateMachineArn: machines[1]!, ...x }),
    ],
    GetExecutionHistory: [
      (x) => s.getExecutionHistory({ executionArn: executions[0]!, ...x }),
      (x) => s.getExecutionHistory({ executionArn: executions[2]!, ...x }),
    ],
  };
  return { s, clock, machines, executions, lists };
}

paging("a token from another list, another resource of the same list, or garbage is refused with AWS's InvalidToken", async () => {
  const { lists } = await listed();
  const names = Object.keys(lists);
  const tokens = new Map<string, string>();
  for (const name of names) {
    const first = await lists[name]![0]({ maxResults: 1 });
    assert.type(first.nextToken, 'string', name);
    tokens.set(name, first.nextToken!);
    // The token goes on with its own list.
    await lists[name]![0]({ maxResults: 1, nextToken: first.nextToken });
  }
  for (const name of names) {
    for (const other of names) {
      if (other === name) continue;
      const refused = await refusal(lists[name]![0]({ nextToken: tokens.get(other) }));
      assert.is(refused.name, 'InvalidToken', `${name} given ${other}'s token`);
      assert.is(refused.message, invalidToken);
    }
    for (const garbage of ['InvalidToken', 'x', Buffer.from('0:arn:aws:states:us-east-1:123456789012:stateMachine:m1').toString('base64url')]) {
      const refused = await refusal(lists[name]![0]({ nextToken: garbage }));
      assert.is(refused.message, invalidToken, `${name} given ${garbage}`);
    }
  }
  for (const name of ['ListExecutions', 'ListStateMachineVersions', 'ListStateMachineAliases', 'GetExecutionHistory']) {
    const refused = await refusal(lists[name]![1]({ nextToken: tokens.get(name) }));
    assert.is(refused.name, 'InvalidToken', `${name}: the token of another resource's list`);
    assert.is(refused.message, invalidToken);
  }
});

paging('regression: a GetExecutionHistory token of one execution is refused on another, and on the other order', async () => {
  const { s, executions } = await listed();
  const first = await s.getExecutionHistory({ executionArn: executions[0]!, maxResults: 2 });
  for (const executionArn of executions.slice(1)) {
    const refused = await refusal(s.getExecutionHistory({ executionArn, maxResults: 2, nextToken: first.nextToken }));
    assert.is(refused.name, 'InvalidToken');
    assert.is(refused.message, invalidToken);
  }
  const reversed = await refusal(s.getExecutionHistory({ executionArn: executions[0]!, reverseOrder: true, nextToken: first.nextToken }));
  assert.is(reversed.message, invalidToken);
});

paging('ListExecutions: a token of one status filter is refused under another', async () => {
  const { s, machines } = await listed();
  const first = await s.listExecutions({ stateMachineArn: machines[0]!, maxResults: 1 });
  const refused = await refusal(s.listExecutions({ stateMachineArn: machines[0]!, statusFilter: 'SUCCEEDED', nextToken: first.nextToken }));
  assert.is(refused.message, invalidToken);
});

paging('a token expires after 24 hours', async () => {
  const { clock, lists } = await listed();
  const tokens = new Map<string, string>();
  for (const [name, [list]] of Object.entries(lists)) tokens.set(name, (await list({ maxResults: 1 })).nextToken!);
  await clock.sleep(24 * 60 * 60 * 1000);
  for (const [name, [list]] of Object.entries(lists)) await list({ maxResults: 1, nextToken: tokens.get(name) });
  await clock.sleep(1);
  for (const [name, [list]] of Object.entries(lists)) {
    const refused = await refusal(list({ maxResults: 1, nextToken: tokens.get(name) }));
    assert.is(refused.message, invalidToken, name);
  }
});

paging('nextToken and maxResults are checked against the model before the resource is looked up', async () => {
  const { lists } = await listed();
  const missingMachine = `${ARN}:stateMachine:missing`;
  const s = service();
  const calls: [string, (extra: Record<string, unknown>) => Promise<unknown>][] = [
    ...Object.entries(lists).map(([name, [list]]) => [name, list] as [string, (extra: Record<string, unknown>) => Promise<unknown>]),
    ['ListExecutions of a missing machine', (x) => s.listExecutions({ stateMachineArn: missingMachine, ...x })],
    ['ListStateMachineVersions of a missing machine', (x) => s.listStateMachineVersions({ stateMachineArn: missingMachine, ...x })],
    ['GetExecutionHistory of a missing execution', (x) => s.getExecutionHistory({ executionArn: `${ARN}:execution:missing:e`, ...x })],
  ];
  for (const [name, call] of calls) {
    // ListExecutions' tokens may be longer (the model's ListExecutionsPageToken).
    const bound = name.startsWith('ListExecutions') ? 3096 : 1024;
    const long = 't'.repeat(bound + 1);
    await refusal(call({ nextToken: 't'.repeat(bound) })).then((refused) =>
      assert.is(refused.name, name.includes('missing') ? refused.name : 'InvalidToken', name),
    );
    for (const [extra, message] of [
      [
        { nextToken: long },
        `1 validation error detected: Value '${long}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to ${bound}`,
      ],
      [
        { nextToken: '' },
        "1 validation error detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ],
      [
        { maxResults: 1001 },
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      ],
    ] as const) {
      const refused = await refusal(call(extra));
      assert.is(refused.name, 'ValidationException', name);
      assert.is(refused.message, message, name);
    }
  }
});

paging('ListStateMachines lists by name, as AWS does, and pages in that order', async () => {
  const s = service();
  const names = ['statemachine_1_x', 'statemachine_10_x', 'b', 'B', 'a-2', 'a_1', 'statemachine_2_x'];
  for (const name of names) await s.createStateMachine({ name, definition: passDefinition, roleArn: ROLE });
  const byName = ['B', 'a-2', 'a_1', 'b', 'statemachine_10_x', 'statemachine_1_x', 'statemachine_2_x'];
  assert.equal(
    (await s.listStateMachines({})).stateMachines.map((m) => m.name),
    byName,
  );
  const seen: string[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await s.listStateMachines({ maxResults: 3, nextToken });
    seen.push(...answer.stateMachines.map((m) => m.name));
    nextToken = answer.nextToken;
    // Created between pages, sorting before the next page: the pages neither repeat nor skip a machine.
    if (seen.length === 3) await s.createStateMachine({ name: 'a_0', definition: passDefinition, roleArn: ROLE });
  } while (nextToken !== undefined);
  assert.equal(seen, byName);
});

paging("pages: every item once, in the list's order, whatever the page size; maxResults 0 is the default of 100", async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: passChain(6), roleArn: ROLE });
  for (let revision = 1; revision <= 13; revision++) {
    const definition = JSON.stringify({ Comment: `R${revision}`, StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    await s.updateStateMachine({ stateMachineArn, definition, publish: true });
  }
  const versions = await s.listStateMachineVersions({ stateMachineArn, maxResults: 10 });
  assert.equal(
    versions.stateMachineVersions.map((v) => Number(v.stateMachineVersionArn.split(':').pop())),
    [13, 12, 11, 10, 9, 8, 7, 6, 5, 4],
    'newest first',
  );
  const rest = await s.listStateMachineVersions({ stateMachineArn, maxResults: 3, nextToken: versions.nextToken });
  assert.equal(
    rest.stateMachineVersions.map((v) => Number(v.stateMachineVersionArn.split(':').pop())),
    [3, 2, 1],
  );
  assert.is(rest.nextToken, undefined);
  const all = await s.listStateMachineVersions({ stateMachineArn, maxResults: 0 });
  assert.is(all.stateMachineVersions.length, 13);
  assert.is(all.nextToken, undefined);
  for (let revision = 14; revision <= 105; revision++) {
    const definition = JSON.stringify({ Comment: `R${revision}`, StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    await s.updateStateMachine({ stateMachineArn, definition, publish: true });
  }
  for (const maxResults of [undefined, 0]) {
    const defaultPage = await s.listStateMachineVersions({ stateMachineArn, maxResults });
    assert.is(defaultPage.stateMachineVersions.length, 100, `maxResults ${maxResults}: a page of the default 100`);
    const last = await s.listStateMachineVersions({ stateMachineArn, nextToken: defaultPage.nextToken });
    assert.equal(
      last.stateMachineVersions.map((v) => Number(v.stateMachineVersionArn.split(':').pop())),
      [5, 4, 3, 2, 1],
    );
  }

  const { executionArn } = await s.startExecution({ stateMachineArn: `${stateMachineArn}:1`, name: 'e' });
  await s.waitForExecution({ executionArn });
  const whole = (await s.getExecutionHistory({ executionArn })).events;
  for (const reverseOrder of [false, true]) {
    for (const maxResults of [1, 2, 3, 5, 1000]) {
      const seen: unknown[] = [];
      let nextToken: string | undefined;
      let calls = 0;
      do {
        const answer = await s.getExecutionHistory({ executionArn, maxResults, reverseOrder, includeExecutionData: false, nextToken });
        assert.ok(answer.events.length <= maxResults);
        seen.push(...answer.events.map((e) => e.id));
        nextToken = answer.nextToken;
        calls++;
      } while (nextToken !== undefined);
      const ids = whole.map((e) => e.id);
      assert.equal(seen, reverseOrder ? ids.reverse() : ids, `maxResults ${maxResults}, reverseOrder ${reverseOrder}`);
      assert.is(calls, Math.max(1, Math.ceil(whole.length / maxResults)));
    }
  }
});

paging('includeExecutionData: false drops the payloads of every page, and may change between pages', async () => {
  const s = service();
  const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: passChain(3), roleArn: ROLE });
  const { executionArn } = await s.startExecution({ stateMachineArn, input: '{"secret": 1}' });
  await s.waitForExecution({ executionArn });
  const first = await s.getExecutionHistory({ executionArn, maxResults: 3, includeExecutionData: false });
  const second = await s.getExecutionHistory({ executionArn, maxResults: 3, nextToken: first.nextToken });
  assert.not.ok(JSON.stringify(first.events).includes('secret'));
  assert.ok(JSON.stringify(second.events).includes('secret'), 'the second page asked for the data');
  assert.equal(second.events[0]!.id, 4);
});

const lengths = suite('AWS rules: lengths in characters');

/**
 * The service model bounds a member's length in characters (Unicode code points; an emoji is
 * one, though two UTF-16 units): at the bound in emoji a request passes the check, one over
 * it is a ValidationException. Before, the emoji counted twice and the bound was half.
 */
const bounded: [member: string, max: number, call: (s: ReturnType<typeof service>, value: string) => Promise<unknown>][] = [
  ['CreateStateMachine name', 80, (s, name) => s.createStateMachine({ name, definition: passChain(1), roleArn: ROLE })],
  ['CreateActivity name', 80, (s, name) => s.createActivity({ name })],
  [
    'StartExecution name',
    80,
    async (s, name) =>
      s.startExecution({ stateMachineArn: (await s.createStateMachine({ name: 'm', definition: passChain(1), roleArn: ROLE })).stateMachineArn, name }),
  ],
  [
    'TagResource tag key',
    128,
    async (s, key) => s.tagResource({ resourceArn: (await s.createActivity({ name: 'a' })).activityArn, tags: [{ key, value: 'v' }] }),
  ],
  [
    'TagResource tag value',
    256,
    async (s, value) => s.tagResource({ resourceArn: (await s.createActivity({ name: 'a' })).activityArn, tags: [{ key: 'k', value }] }),
  ],
  [
    'GetActivityTask workerName',
    80,
    async (s, workerName) => s.getActivityTask({ activityArn: (await s.createActivity({ name: 'a' })).activityArn, workerName }),
  ],
  [
    'StopExecution error',
    256,
    async (s, error) => {
      const { stateMachineArn } = await s.createStateMachine({ name: 'm', definition: passChain(1), roleArn: ROLE });
      return s.stopExecution({ executionArn: (await s.startExecution({ stateMachineArn })).executionArn, error });
    },
  ],
];

for (const [member, max, call] of bounded) {
  lengths(`${member}: ${max} emoji are ${max} characters and pass; ${max + 1} are a ValidationException`, async () => {
    await call(service(), '😀'.repeat(max));
    const over = await refusal(call(service(), '😀'.repeat(max + 1)));
    assert.is(over.name, 'ValidationException', over.message);
    assert.match(over.message, `Member must have length less than or equal to ${max}`);
  });
}

diagnostics.run();
logging.run();
routing.run();
paging.run();
lengths.run();
