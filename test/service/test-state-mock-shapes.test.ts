import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ServiceError } from '../../src/service/errors.js';
import { testState, type FieldValidationMode } from '../../src/service/test-state/index.js';

/**
 * Mocked results checked against the integration's response shape (the service API's output
 * model): each row a Resource, a mocked result, a fieldValidationMode and the refusal's
 * detail, or null when the mock is accepted.
 */
const cases: { name: string; resource: string; result: unknown; mode?: FieldValidationMode; problem: string | null }[] = [
  {
    name: 'an EventBridge EventId over 64 characters',
    resource: 'arn:aws:states:::events:putEvents',
    result: { Entries: [{ EventId: 'e'.repeat(65) }] },
    problem: "Field 'EventId' is larger than the maximum length",
  },
  {
    name: 'an EventBridge EventId of 64 characters',
    resource: 'arn:aws:states:::events:putEvents',
    result: { Entries: [{ EventId: 'e'.repeat(64) }] },
    problem: null,
  },
  {
    name: 'a DynamoDB attribute that is not an attribute value',
    resource: 'arn:aws:states:::dynamodb:putItem',
    result: { Attributes: { id: 'plain' } },
    problem: "Field 'id' must be an object",
  },
  {
    name: 'a DynamoDB S attribute that is not a string',
    resource: 'arn:aws:states:::dynamodb:getItem',
    result: { Item: { id: { S: 5 } } },
    problem: "Field 'S' must be a string",
  },
  {
    name: 'a DynamoDB BOOL attribute that is not a boolean, PRESENT',
    resource: 'arn:aws:states:::dynamodb:updateItem',
    result: { Attributes: { done: { BOOL: 'yes' } } },
    mode: 'PRESENT',
    problem: "Field 'BOOL' must be a boolean",
  },
  {
    name: 'DynamoDB attribute values of every kind',
    resource: 'arn:aws:states:::dynamodb:getItem',
    result: {
      Item: { a: { S: 'x' }, b: { N: '1' }, c: { SS: ['x'] }, d: { M: { e: { S: 'y' } } }, f: { L: [{ N: '2' }] }, g: { NULL: true }, h: { BOOL: false } },
    },
    problem: null,
  },
  {
    name: 'a DynamoDB attribute that is not an attribute value, NONE',
    resource: 'arn:aws:states:::dynamodb:putItem',
    result: { Attributes: { id: 'plain' } },
    mode: 'NONE',
    problem: null,
  },
  {
    name: "a Lambda invoke's DurableExecutionArn that is not a string",
    resource: 'arn:aws:states:::lambda:invoke',
    result: { DurableExecutionArn: 7 },
    problem: "Field 'DurableExecutionArn' must be a string",
  },
  {
    name: "a KMS decrypt's KeyMaterialId that is not 64 characters",
    resource: 'arn:aws:states:::aws-sdk:kms:decrypt',
    result: { KeyMaterialId: 'short' },
    problem: "Field 'KeyMaterialId' is smaller than the minimum length",
  },
];

for (const c of cases) {
  test(`mock shape: ${c.name} ${c.problem === null ? 'is accepted' : 'is refused'}`, async () => {
    const request = {
      definition: JSON.stringify({ Type: 'Task', Resource: c.resource, Parameters: {}, End: true }),
      mock: { result: JSON.stringify(c.result), ...(c.mode === undefined ? {} : { fieldValidationMode: c.mode }) },
    };
    try {
      const response = await testState(request);
      assert.is(c.problem, null, `answered ${response.status}`);
      assert.equal(JSON.parse(response.output!), c.result);
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      assert.is(error.name, 'ValidationException');
      assert.is(error.message, `Mock result schema validation error: ${c.problem}`);
    }
  });
}

test.run();
