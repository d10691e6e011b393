import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, mockHandlers } from '../../src/index.js';
import { lambdaEndpointHandlers } from '../../src/serve/lambda-endpoint.js';
import { startFakeLambda, type FakeLambda } from './fake-lambda.js';

/** Lambda functions without a handler go to a Lambda Invoke endpoint, or fail as a missing function does on AWS. */
const endpoint = suite('serve: Lambda endpoint');

const FN = 'arn:aws:lambda:us-east-1:123456789012:function';
let lambda: FakeLambda;

endpoint.before(async () => {
  lambda = await startFakeLambda({
    double: (event: { n: number }) => ({ n: event.n * 2 }),
    reject: () => {
      throw Object.assign(new Error('card declined'), { name: 'PaymentError' });
    },
  });
});
endpoint.after(() => lambda.close());

const resourceTask = (resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } });
const invokeTask = (functionName: string, extra: Record<string, unknown> = {}) => ({
  StartAt: 'T',
  States: {
    T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: functionName, 'Payload.$': '$' }, End: true, ...extra },
  },
});

endpoint('a Lambda ARN as Resource is invoked at the endpoint with the effective input', async () => {
  const before = lambda.invocations.length;
  const result = await compile(resourceTask(`${FN}:double`), { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({ n: 21 });
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { n: 42 });
  assert.equal(lambda.invocations.slice(before), [{ functionName: 'double', event: { n: 21 } }]);
});

endpoint('lambda:invoke with a name, an ARN or a qualified ARN calls the function and wraps its answer in the Lambda envelope', async () => {
  for (const name of ['double', `${FN}:double`, `${FN}:double:$LATEST`]) {
    const result = await compile(invokeTask(name, { OutputPath: '$.Payload' }), { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({ n: 5 });
    assert.is(result.status, 'SUCCEEDED', name);
    assert.equal(result.output, { n: 10 }, name);
  }
});

endpoint('a dynamic FunctionName is resolved at run time', async () => {
  const definition = {
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName.$': '$.fn', Payload: { n: 1 } },
        OutputPath: '$.Payload',
        End: true,
      },
    },
  };
  const result = await compile(definition, { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({ fn: 'double' });
  assert.equal(result.output, { n: 2 });
});

endpoint("a function error (X-Amz-Function-Error) is the function's errorType, with Lambda's error payload as cause, and Catch sees it", async () => {
  const failed = await compile(invokeTask('reject'), { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({});
  assert.is(failed.status, 'FAILED');
  assert.is(failed.error, 'PaymentError');
  assert.equal(JSON.parse(failed.cause!), { errorMessage: 'card declined', errorType: 'PaymentError', stackTrace: [] });
  const withCatch = {
    StartAt: 'T',
    States: {
      T: { Type: 'Task', Resource: `${FN}:reject`, Catch: [{ ErrorEquals: ['PaymentError'], ResultPath: '$.failure', Next: 'Declined' }], End: true },
      Declined: { Type: 'Pass', End: true },
    },
  };
  const caught = await compile(withCatch, { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({});
  assert.is(caught.status, 'SUCCEEDED');
  assert.is((caught.output as { failure: { Error: string } }).failure.Error, 'PaymentError');
});

endpoint('a function the endpoint does not have is Lambda.ResourceNotFoundException', async () => {
  const result = await compile(resourceTask(`${FN}:absent`), { handlers: lambdaEndpointHandlers({}, lambda.url) }).execute({});
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'Lambda.ResourceNotFoundException');
  assert.match(result.cause!, /^Function not found: absent \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException/);
});

endpoint(
  'without an endpoint, a Lambda with no handler fails the task with Lambda.ResourceNotFoundException (Resource ARN and lambda:invoke alike)',
  async () => {
    for (const definition of [resourceTask(`${FN}:nowhere`), invokeTask('nowhere')]) {
      const result = await compile(definition, { handlers: lambdaEndpointHandlers({}) }).execute({});
      assert.is(result.status, 'FAILED');
      assert.is(result.error, 'Lambda.ResourceNotFoundException');
      assert.match(result.cause!, /^Function not found: nowhere \(Service: AWSLambda; Status Code: 404/);
    }
  },
);

endpoint('an unreachable endpoint is Lambda.SdkClientException naming the endpoint', async () => {
  const closed = await startFakeLambda({});
  await closed.close();
  const result = await compile(resourceTask(`${FN}:double`), { handlers: lambdaEndpointHandlers({}, closed.url) }).execute({});
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'Lambda.SdkClientException');
  assert.match(result.cause!, new RegExp(`Lambda endpoint ${closed.url.replace(/[.]/g, '\\.')}.*ECONNREFUSED`));
});

endpoint('a handler given for a function wins over the endpoint', async () => {
  const before = lambda.invocations.length;
  const result = await compile(resourceTask(`${FN}:double`), { handlers: lambdaEndpointHandlers({ double: () => 'local' }, lambda.url) }).execute({ n: 1 });
  assert.is(result.output, 'local');
  assert.is(lambda.invocations.length, before);
});

endpoint('mocked states answer from the mock configuration; the unmocked Lambda goes to the endpoint', async () => {
  const definition = {
    StartAt: 'Mocked',
    States: {
      Mocked: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'charge', Payload: {} },
        ResultSelector: { 'n.$': '$.Payload.n' },
        Next: 'Live',
      },
      Live: { Type: 'Task', Resource: `${FN}:double`, End: true },
    },
  };
  const config = {
    StateMachines: { M: { TestCases: { Happy: { Mocked: 'Charged' } } } },
    MockedResponses: { Charged: { '0': { Return: { StatusCode: 200, Payload: { n: 8 } } } } },
  };
  const handlers = mockHandlers(definition, config, { testCase: 'Happy', stateMachine: 'M', handlers: lambdaEndpointHandlers({}, lambda.url) });
  const result = await compile(definition, { handlers }).execute({});
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { n: 16 });
});

endpoint('an endpoint that is not an http(s) URL is refused when the handlers are made', () => {
  assert.throws(() => lambdaEndpointHandlers({}, 'localhost:3001'), /must be an http\(s\) URL/);
  assert.throws(() => lambdaEndpointHandlers({}, 'not a url'), /must be an http\(s\) URL such as/);
});

endpoint.run();
