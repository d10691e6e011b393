import * as sfn from '@aws-sdk/client-sfn';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceError, ServiceErrorNames } from '../../src/service/errors.js';
import { encodeServiceError, METHOD_OF, OPERATIONS } from '../../src/serve/protocol.js';
import {
  checkErrorAnswer,
  checkErrorName,
  checkHistoryEvents,
  checkOutput,
  checkShape,
  PROTOCOL_ERRORS,
  type TimestampForm,
} from '../support/shape-checker.js';
import { sdkServiceModel, serviceModel } from '../support/sfn-model.js';
import { virtualClock } from '../../src/run/clock.js';
import { createService } from '../../src/service/index.js';
import { handlersFor, loadCases } from '../conformance/runner.js';
import { loadApiCases, runApiCase, type ApiTarget } from '../service/api-runner.js';
import { loadTestStateCases } from '../service/test-state-runner.js';
import { startEndpoint, type TestEndpoint } from './endpoint.js';
import { clientEnvironment, configFile, run, unavailable } from './external-clients.js';
import { ROLE, tour, tourHandlers, type TourTarget } from './model-scenario.js';

/**
 * Every answer checked against the service model AWS publishes (botocore's, else the SDK's
 * schemas): one tour of all 37 operations in-process and over HTTP through the SDK v3, each
 * answer and refusal checked — the raw JSON over the wire, the parsed value in-process — and
 * every history event's details against HistoryEvent.
 */
const shapes = suite('serve: answers fit the service model');

const model = serviceModel();
let t: TestEndpoint;
let noBoto3: string | null;
let noAwsCli: string | null;

shapes.before(async () => {
  console.log(`  (service model: ${model.source}${model.limitations === null ? '' : `; ${model.limitations}`})`);
  t = await startEndpoint({ handlers: tourHandlers, virtualClock: true });
  noBoto3 = await unavailable('python3', ['-c', 'import boto3']);
  if (noBoto3 !== null) console.log(`  (boto3 tour skipped: ${noBoto3})`);
  noAwsCli = await unavailable('aws', ['--version']);
  if (noAwsCli !== null) console.log(`  (AWS CLI tour skipped: ${noAwsCli})`);
});
shapes.after(() => t.close());

/** What a tour saw: problems by operation, operations answered, event types met. */
class Findings {
  readonly problems: string[] = [];
  readonly covered = new Set<string>();
  readonly eventTypes = new Set<string>();
  checked = 0;
  events = 0;
  note(operation: string, found: readonly string[]): void {
    this.covered.add(operation);
    this.checked++;
    for (const problem of found) this.problems.push(`${operation} ${problem}`);
  }
  answer(operation: string, value: unknown, form: TimestampForm): void {
    this.note(operation, checkOutput(model, operation, value, form));
    if (operation === 'GetExecutionHistory') {
      const events = (value as { events: Record<string, unknown>[] }).events;
      for (const event of events) this.eventTypes.add(event.type as string);
      this.events += events.length;
      for (const problem of checkHistoryEvents(model, events)) this.problems.push(`${operation} ${problem}`);
    }
  }
  /** What was checked, printed beside the suite's dots. */
  report(label: string): void {
    console.log(
      `  ${label}: ${this.checked} answers and refusals of ${this.covered.size} operations, ${this.events} history events of ${this.eventTypes.size} types`,
    );
  }
}

function inProcessTarget(findings: Findings): TourTarget {
  const service = t.endpoint.service as unknown as Record<string, (request: unknown) => Promise<unknown>>;
  async function call(operation: string, request: Record<string, unknown>): Promise<any> {
    try {
      const answer = await service[METHOD_OF.get(operation)!]!.call(service, request);
      findings.answer(operation, answer, 'date');
      return answer;
    } catch (error) {
      if (error instanceof ServiceError) findings.note(operation, checkErrorName(model, operation, error.name));
      throw error;
    }
  }
  return {
    call,
    async refuse(operation, request) {
      const error = await call(operation, request).then(
        () => null,
        (e: Error) => e,
      );
      if (!(error instanceof ServiceError)) throw new Error(`${operation} ${JSON.stringify(request)} was not refused with a ServiceError: ${error}`);
      return error.name;
    },
  };
}

/** The raw answer of the SDK's last request: captured inside the deserializer, before it reads the body. */
interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

function sdkTarget(findings: Findings): TourTarget {
  let last: RawAnswer | null = null;
  const client = t.client;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode: number; headers: Record<string, string>; body: AsyncIterable<Uint8Array> };
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      last = { status: response.statusCode, contentType: response.headers['content-type'], body: body.toString('utf8') };
      response.body = body as unknown as AsyncIterable<Uint8Array>;
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'recordRawAnswer' },
  );
  const commands = sfn as unknown as Record<string, new (input: unknown) => any>;
  async function call(operation: string, request: Record<string, unknown>): Promise<any> {
    last = null;
    try {
      const { $metadata: _, ...answer } = await client.send(new commands[`${operation}Command`]!(request));
      const raw = last as RawAnswer | null;
      if (raw === null) throw new Error(`${operation}: no raw answer recorded`);
      if (raw.status !== 200) findings.note(operation, [`status: ${raw.status} for an answer`]);
      if (raw.contentType !== 'application/x-amz-json-1.0') findings.note(operation, [`content-type: ${raw.contentType}`]);
      findings.answer(operation, JSON.parse(raw.body), 'wire');
      // The SDK's parse of it: timestamps become Dates.
      findings.note(operation, checkOutput(model, operation, answer, 'date'));
      return answer;
    } catch (error) {
      const raw = last as RawAnswer | null;
      if ((error as { $fault?: string }).$fault !== undefined && raw !== null)
        findings.note(operation, checkErrorAnswer(model, operation, raw.status, raw.body));
      throw error;
    }
  }
  return {
    call,
    async refuse(operation, request) {
      const error = await call(operation, request).then(
        () => null,
        (e: Error) => e,
      );
      if (error === null || (error as { $fault?: string }).$fault === undefined) {
        throw new Error(`${operation} ${JSON.stringify(request)} was not refused by the service: ${error}`);
      }
      return error.name;
    },
  };
}

function assertClean(findings: Findings, label: string): void {
  findings.report(label);
  assert.equal(findings.problems, [], `answers outside the model:\n  ${findings.problems.join('\n  ')}`);
  assert.equal(
    OPERATIONS.filter((op) => !findings.covered.has(op)),
    [],
    'operations the tour did not reach',
  );
}

/**
 * Event types the tour's executions must record: what statemill produces (a stopped execution
 * records ExecutionAborted alone, as AWS records it, so its map run no MapRunAborted).
 */
const EXPECTED_EVENT_TYPES = [
  'ExecutionStarted',
  'ExecutionRedriven',
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimedOut',
  'TaskStateEntered',
  'TaskStateExited',
  'TaskScheduled',
  'TaskStarted',
  'TaskSubmitted',
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'LambdaFunctionScheduled',
  'LambdaFunctionStarted',
  'LambdaFunctionSucceeded',
  'LambdaFunctionFailed',
  'ActivityScheduled',
  'ActivityStarted',
  'ActivitySucceeded',
  'ActivityFailed',
  'ChoiceStateEntered',
  'ChoiceStateExited',
  'WaitStateEntered',
  'WaitStateExited',
  'ParallelStateEntered',
  'ParallelStateStarted',
  'ParallelStateSucceeded',
  'ParallelStateExited',
  'MapStateEntered',
  'MapStateStarted',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapStateSucceeded',
  'MapStateExited',
  'PassStateEntered',
  'PassStateExited',
  'SucceedStateEntered',
  'SucceedStateExited',
  'FailStateEntered',
  'EvaluationFailed',
  'ActivityTimedOut',
  'LambdaFunctionTimedOut',
  'MapIterationFailed',
  'MapStateFailed',
  'ParallelStateFailed',
  'MapRunStarted',
  'MapRunSucceeded',
  'MapRunFailed',
];

shapes('in-process: every answer and refusal of the 37 operations fits the model (timestamps as Dates)', async () => {
  const findings = new Findings();
  await tour(inProcessTarget(findings), 'local');
  assertClean(findings, 'in-process tour');
  assert.equal(
    EXPECTED_EVENT_TYPES.filter((type) => !findings.eventTypes.has(type)),
    [],
    'event types the tour did not produce',
  );
});

shapes('over HTTP through the SDK v3: every raw answer and refusal fits the model (timestamps as epoch seconds; statuses per error)', async () => {
  const findings = new Findings();
  await tour(sdkTarget(findings), 'wire');
  assertClean(findings, 'SDK v3 tour (raw wire)');
});

shapes('the AWS-recorded call sequences of conformance-api, replayed in-process: every answer and refusal fits the model', async () => {
  const cases = loadApiCases();
  if (cases.length === 0) {
    console.log('  (conformance-api replay skipped: ../shared/conformance-api/cases not found)');
    return;
  }
  const findings = new Findings();
  const checking = (options: { region: string; accountId: string }): ApiTarget => {
    const service = createService(options);
    return {
      async send(command: { constructor: { name: string } }) {
        const operation = command.constructor.name.replace(/Command$/, '');
        try {
          const answer = await service.send(command as Parameters<typeof service.send>[0]);
          findings.answer(operation, answer, 'date');
          return answer;
        } catch (error) {
          if (error instanceof ServiceError) findings.note(operation, checkErrorName(model, operation, error.name));
          throw error;
        }
      },
      describeExecution: (request) => service.describeExecution(request),
      close: () => service.close(),
    } as ApiTarget;
  };
  for (const c of cases) await runApiCase(c, checking);
  findings.report('conformance-api replay');
  assert.equal(findings.problems, [], `answers outside the model:\n  ${findings.problems.join('\n  ')}`);
  assert.ok(findings.covered.size >= 25, `only ${findings.covered.size} operations replayed`);
});

shapes(
  'the AWS-recorded conformance definitions, run by the service: every DescribeExecution, history and StartSyncExecution answer fits the model',
  async () => {
    const cases = loadCases();
    if (cases.length === 0) {
      console.log('  (conformance replay skipped: ../shared/conformance/cases not found)');
      return;
    }
    const findings = new Findings();
    for (const c of cases) {
      const service = createService({ handlers: handlersFor(c.resources), clock: virtualClock(), accountId: '000000000000' });
      try {
        const type = c.stateMachineType ?? 'STANDARD';
        const definition = JSON.stringify(c.definition);
        const { stateMachineArn } = await service.createStateMachine({ name: 'conformance', definition, roleArn: 'arn:aws:iam::000000000000:role/r', type });
        const input = JSON.stringify(c.input);
        if (type === 'EXPRESS') {
          findings.answer('StartSyncExecution', await service.startSyncExecution({ stateMachineArn, input }), 'date');
          continue;
        }
        const { executionArn } = await service.startExecution({ stateMachineArn, input });
        findings.answer('DescribeExecution', await service.waitForExecution({ executionArn }), 'date');
        findings.answer('GetExecutionHistory', await service.getExecutionHistory({ executionArn, maxResults: 1000 }), 'date');
      } finally {
        await service.close();
      }
    }
    findings.report('conformance definitions');
    assert.equal([...new Set(findings.problems)], [], 'answers outside the model');
    assert.ok(findings.eventTypes.size >= 30, `only ${findings.eventTypes.size} event types recorded`);
  },
);

shapes('the AWS-recorded TestState requests of conformance-teststate: every answer and refusal fits the model', async () => {
  const cases = loadTestStateCases();
  if (cases === null || cases.length === 0) {
    console.log('  (TestState replay skipped: ../shared/conformance-teststate/cases not found)');
    return;
  }
  const findings = new Findings();
  for (const c of cases) {
    const service = createService({ handlers: handlersFor(c.resources), accountId: '000000000000' });
    try {
      findings.answer('TestState', await service.testState({ ...c.request, definition: JSON.stringify(c.request.definition) }), 'date');
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      findings.note('TestState', checkErrorName(model, 'TestState', error.name));
    } finally {
      await service.close();
    }
  }
  findings.report('conformance-teststate replay');
  assert.equal([...new Set(findings.problems)], [], 'answers outside the model');
});

/** Requests every operation must refuse: nothing at all, and every ARN-like member malformed. */
const refusedRequests: Record<string, unknown>[] = [
  {},
  Object.fromEntries(
    ['stateMachineArn', 'executionArn', 'activityArn', 'resourceArn', 'mapRunArn', 'stateMachineAliasArn', 'stateMachineVersionArn', 'taskToken'].map(
      (member) => [member, 'not-an-arn'],
    ),
  ),
];

shapes('over raw HTTP, each of the 37 operations refuses an empty and a malformed request with one of its model errors', async () => {
  const findings = new Findings();
  const answered: string[] = [];
  for (const operation of OPERATIONS) {
    for (const request of refusedRequests) {
      const response = await fetch(t.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
        body: JSON.stringify(request),
      });
      const body = await response.text();
      // ListActivities, ListStateMachines and ValidateStateMachineDefinition (a definition is required, not an ARN) may answer.
      if (response.status === 200) {
        answered.push(operation);
        findings.answer(operation, JSON.parse(body), 'wire');
      } else findings.note(operation, checkErrorAnswer(model, operation, response.status, body));
    }
  }
  assert.equal(findings.problems, [], `refusals outside the model:\n  ${findings.problems.join('\n  ')}`);
  assert.equal([...new Set(answered)].sort(), ['ListActivities', 'ListStateMachines']);
});

shapes('each refusal goes out with the HTTP status the model gives its exception (ConflictException 409, ResourceNotFound 404, …)', () => {
  for (const name of ServiceErrorNames) {
    const answer = encodeServiceError(new ServiceError(name, 'why'));
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    assert.is(body.__type, `com.amazonaws.sfn#${name}`);
    assert.is(answer.status, PROTOCOL_ERRORS.get(name) ?? model.errorStatus.get(name) ?? 400, name);
  }
});

shapes(
  'boto3 parses a tour of all 37 operations (real map runs included; refusals with 400/404/409) into its types: required members present, every timestamp a datetime',
  async () => {
    if (noBoto3 !== null) return;
    const script = fileURLToPath(new URL('./fixtures/boto3_tour.py', import.meta.url));
    const result = await run('python3', [script, t.url, 'py'], clientEnvironment());
    assert.is(result.code, 0, result.stderr);
    const { operations, refusals, problems } = result.json() as { operations: string[]; refusals: Record<string, [string, number]>; problems: string[] };
    assert.equal(problems, []);
    assert.equal(
      OPERATIONS.filter((op) => !operations.includes(op)),
      [],
      'operations boto3 did not reach',
    );
    assert.equal(refusals, {
      DeleteStateMachineVersion: ['ConflictException', 409],
      DescribeMapRun: ['ResourceNotFound', 404],
      UpdateMapRun: ['ResourceNotFound', 404],
      RedriveExecution: ['ExecutionNotRedrivable', 400],
      DescribeExecution: ['ExecutionDoesNotExist', 400],
      SendTaskSuccess: ['TaskTimedOut', 400],
      StartSyncExecution: ['StateMachineTypeNotSupported', 400],
    });
  },
);

/** An ISO 8601 timestamp with its zone, as the AWS CLI prints a datetime. */
const ISO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/;

shapes('the AWS CLI: a representative subset (map runs included) answers parsed JSON with ISO timestamps, and 404/409 refusals by their code', async () => {
  if (noAwsCli !== null) return;
  // iso8601: the CLI parses each timestamp and prints it back (CLI v1's default prints the wire's number as it came).
  const config = configFile('model-shapes-config', ['cli_timestamp_format = iso8601']);
  const env = clientEnvironment({ AWS_DISABLE_HOST_PREFIX_INJECTION: 'true', AWS_CONFIG_FILE: config });
  const aws = (args: string[]) => run('aws', ['stepfunctions', '--endpoint-url', t.url, '--output', 'json', ...args], env);
  const ok = async (args: string[]) => {
    const result = await aws(args);
    assert.is(result.code, 0, `${args[0]}: ${result.stderr}`);
    return result.json();
  };
  const definition = JSON.stringify({ StartAt: 'Step', States: { Step: { Type: 'Pass', End: true } } });
  const created = await ok(['create-state-machine', '--name', 'cli-tour', '--definition', definition, '--role-arn', ROLE, '--publish']);
  assert.match(created.creationDate, ISO_TIMESTAMP);
  const { executionArn } = await ok(['start-execution', '--state-machine-arn', created.stateMachineArn, '--input', '{"a":1}']);
  await t.endpoint.service.waitForExecution({ executionArn });
  const described = await ok(['describe-execution', '--execution-arn', executionArn]);
  assert.is(described.status, 'SUCCEEDED');
  assert.match(described.stopDate, ISO_TIMESTAMP);
  const history = await ok(['get-execution-history', '--execution-arn', executionArn, '--reverse-order']);
  assert.ok(history.events.every((e: { timestamp: string }) => ISO_TIMESTAMP.test(e.timestamp)));
  const listed = await ok(['list-executions', '--state-machine-arn', created.stateMachineArn]);
  assert.is(listed.executions.length, 1);
  const tested = await ok(['test-state', '--definition', '{"Type":"Pass","End":true}', '--input', '{"b":2}', '--inspection-level', 'DEBUG']);
  assert.is(tested.status, 'SUCCEEDED');
  await ok(['create-state-machine-alias', '--name', 'live', '--routing-configuration', `stateMachineVersionArn=${created.stateMachineVersionArn},weight=100`]);
  const conflict = await aws(['delete-state-machine-version', '--state-machine-version-arn', created.stateMachineVersionArn]);
  assert.match(conflict.stderr, /\(ConflictException\) when calling the DeleteStateMachineVersion operation/);
  const missing = await aws([
    'describe-map-run',
    '--map-run-arn',
    `${created.stateMachineArn.replace(':stateMachine:', ':mapRun:')}/Each:00000000-0000-4000-8000-000000000000`,
  ]);
  assert.match(missing.stderr, /\(ResourceNotFound\) when calling the DescribeMapRun operation/);

  // Map runs of a Distributed Map.
  const fan = JSON.stringify({
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        Label: 'Rows',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  });
  const distributed = await ok(['create-state-machine', '--name', 'cli-distributed', '--definition', fan, '--role-arn', ROLE]);
  const fanned = await ok(['start-execution', '--state-machine-arn', distributed.stateMachineArn, '--input', '[1,2,3]']);
  await t.endpoint.service.waitForExecution({ executionArn: fanned.executionArn });
  const runs = await ok(['list-map-runs', '--execution-arn', fanned.executionArn]);
  assert.is(runs.mapRuns.length, 1);
  assert.match(runs.mapRuns[0].mapRunArn, /:mapRun:cli-distributed\/Rows:/);
  assert.match(runs.mapRuns[0].stopDate, ISO_TIMESTAMP);
  const mapRun = await ok(['describe-map-run', '--map-run-arn', runs.mapRuns[0].mapRunArn]);
  assert.is(mapRun.status, 'SUCCEEDED');
  assert.match(mapRun.startDate, ISO_TIMESTAMP);
  assert.equal([mapRun.itemCounts.total, mapRun.itemCounts.succeeded, mapRun.executionCounts.total], [3, 3, 3]);
});

/** The checker itself: each kind of misfit is caught, with where it is. */
const misfits: { name: string; shape: string; value: unknown; form?: TimestampForm; problem: RegExp }[] = [
  { name: 'a missing required member', shape: 'StartExecutionOutput', value: { executionArn: 'arn:x' }, form: 'date', problem: /^\/startDate: required/ },
  {
    name: 'a member the model does not define',
    shape: 'StartExecutionOutput',
    value: { executionArn: 'a', startDate: 1, extra: 1 },
    problem: /^\/extra: StartExecutionOutput has no member extra/,
  },
  {
    name: 'a Date over the wire',
    shape: 'StartExecutionOutput',
    value: { executionArn: 'a', startDate: new Date() },
    problem: /^\/startDate: a Date where timestamp/,
  },
  {
    name: 'epoch seconds in-process',
    shape: 'StartExecutionOutput',
    value: { executionArn: 'a', startDate: 1 },
    form: 'date',
    problem: /^\/startDate: number 1 where timestamp/,
  },
  { name: 'a null member', shape: 'StopExecutionOutput', value: { stopDate: null }, problem: /^\/stopDate: null where / },
  { name: 'a string for a number', shape: 'HistoryEvent', value: { timestamp: 1, type: 'PassStateEntered', id: '1' }, problem: /^\/id: string "1" where / },
  { name: 'an object for a list', shape: 'ListActivitiesOutput', value: { activities: {} }, problem: /^\/activities: object \{\} where list/ },
  {
    name: 'a nested misfit',
    shape: 'ListActivitiesOutput',
    value: { activities: [{ activityArn: 'a', name: 'n' }] },
    problem: /^\/activities\/0\/creationDate: required/,
  },
  { name: 'a number for a boolean', shape: 'CloudWatchEventsExecutionDataDetails', value: { included: 1 }, problem: /^\/included: number 1 where boolean/ },
];

const botocoreOnly: typeof misfits = [
  {
    name: 'a fraction for an integer',
    shape: 'MapIterationEventDetails',
    value: { name: 'm', index: 0.5 },
    problem: /^\/index: number 0.5 where integer UnsignedInteger/,
  },
  {
    name: 'a value outside an enum',
    shape: 'HistoryEvent',
    value: { timestamp: 1, type: 'PassStateBegun', id: 1 },
    problem: /^\/type: "PassStateBegun" is not one of/,
  },
  {
    name: 'a string over its maximum',
    shape: 'ActivityListItem',
    value: { activityArn: 'a', name: 'n'.repeat(81), creationDate: 1 },
    problem: /^\/name: 81 characters, more than Name's maximum 80/,
  },
  {
    name: 'an empty string under its minimum',
    shape: 'ActivityListItem',
    value: { activityArn: '', name: 'n', creationDate: 1 },
    problem: /^\/activityArn: 0 characters, fewer than Arn's minimum 1/,
  },
  {
    name: 'an integer beyond 32 bits',
    shape: 'MapIterationEventDetails',
    value: { index: 2 ** 31 },
    problem: /^\/index: 2147483648 does not fit UnsignedInteger \(a 32-bit integer\)/,
  },
  { name: 'a number below its minimum', shape: 'MapIterationEventDetails', value: { index: -1 }, problem: /^\/index: -1 is below UnsignedInteger's minimum 0/ },
  {
    name: 'a string outside its pattern',
    shape: 'RedriveExecutionInput',
    value: { executionArn: 'a', clientToken: '  ' },
    problem: /^\/clientToken: "  " does not match ClientToken's pattern/,
  },
];

shapes('the checker catches each kind of misfit, naming where (botocore model and SDK schemas alike)', () => {
  const models = [model, sdkServiceModel()];
  for (const m of models) {
    const cases = m.limitations === null ? [...misfits, ...botocoreOnly] : misfits;
    for (const { name, shape, value, form = 'wire', problem } of cases) {
      const found = checkShape(m, shape, value, form);
      assert.ok(
        found.some((p) => problem.test(p)),
        `${m.source}: ${name}: ${found.join('; ') || 'nothing found'}`,
      );
    }
    assert.equal(checkShape(m, 'StartExecutionOutput', { executionArn: 'arn:x', startDate: 1.5 }, 'wire'), [], `${m.source}: a fitting answer`);
  }
});

shapes('the history check catches details under the member of another type, missing details, and an event linked to itself or a later one', () => {
  const cases: { events: Record<string, unknown>[]; problem: RegExp }[] = [
    {
      events: [{ id: 1, previousEventId: 0, type: 'TaskStateEntered', taskScheduledEventDetails: {} }],
      problem: /^\/events\/0\/taskScheduledEventDetails: a TaskStateEntered event carries stateEnteredEventDetails/,
    },
    { events: [{ id: 1, previousEventId: 0, type: 'PassStateExited' }], problem: /^\/events\/0: a PassStateExited event without stateExitedEventDetails/ },
    {
      events: [{ id: 1, previousEventId: 0, type: 'ParallelStateStarted', parallelStateStartedEventDetails: {} }],
      problem: /^\/events\/0\/parallelStateStartedEventDetails: a ParallelStateStarted event carries no details/,
    },
    { events: [{ id: 2, previousEventId: 2, type: 'ExecutionAborted' }], problem: /^\/events\/0\/previousEventId: 2 is not before its event 2/ },
  ];
  for (const { events, problem } of cases) {
    const found = checkHistoryEvents(model, events);
    assert.ok(
      found.some((p) => problem.test(p)),
      `${JSON.stringify(events)}: ${found.join('; ') || 'nothing found'}`,
    );
  }
  assert.equal(checkHistoryEvents(model, [{ id: 1, previousEventId: 0, type: 'ExecutionAborted', executionAbortedEventDetails: {} }]), []);
});

shapes('the checker catches misfit refusals: unknown __type, wrong HTTP status, missing message, error foreign to the operation', () => {
  const cases: { status: number; body: string; problem: RegExp }[] = [
    { status: 400, body: '{"__type":"com.amazonaws.sfn#NoSuchThing","message":"m"}', problem: /NoSuchThing is not an error of the model/ },
    {
      status: 400,
      body: '{"__type":"com.amazonaws.sfn#ResourceNotFound","message":"m"}',
      problem: /^status: ResourceNotFound is HTTP 404 in the model, not 400/,
    },
    { status: 400, body: '{"__type":"com.amazonaws.sfn#ResourceNotFound"}', problem: /^\/message: undefined/ },
    {
      status: 400,
      body: '{"__type":"ResourceNotFound:http://internal","message":"m","reason":"x"}',
      problem: /^\/reason: ResourceNotFound has no member reason/,
    },
    { status: 400, body: '<html>', problem: /^body: not JSON/ },
  ];
  for (const { status, body, problem } of cases) {
    const found = checkErrorAnswer(model, 'DescribeMapRun', status, body);
    assert.ok(
      found.some((p) => problem.test(p)),
      `${body}: ${found.join('; ') || 'nothing found'}`,
    );
  }
  if (model.limitations === null) {
    assert.match(checkErrorName(model, 'DescribeMapRun', 'ExecutionDoesNotExist').join(), /not among DescribeMapRun's errors/);
  }
  assert.equal(checkErrorAnswer(model, 'DescribeMapRun', 404, '{"__type":"com.amazonaws.sfn#ResourceNotFound","message":"m"}'), []);
  assert.equal(checkErrorAnswer(model, 'DescribeMapRun', 400, '{"__type":"com.amazonaws.sfn#UnknownOperationException","message":"m"}'), []);
});

shapes.run();
