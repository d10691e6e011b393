import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, ServiceError, virtualClock, type TestStateRequest } from '../../src/index.js';
import { brief, fuzzParameters, hostileStrings, hostileValue, mutate, mutation, plant, realDefinitions, resourcesOf } from './support.js';

/**
 * TestState given every state of the real definitions, alone or named in its whole machine,
 * mutated or not, with random inputs, variables, context objects, mocks and state
 * configurations (JSON text, other JSON types, null). It answers one of AWS's statuses or
 * refuses with a ServiceError, never a JavaScript error of its own.
 */
const testStates = suite('hostile: TestState');

const ROLE = 'arn:aws:iam::123456789012:role/r';
const sources = realDefinitions();
const subjects = sources.flatMap((source) =>
  Object.keys((source.definition.States ?? {}) as object).map((name) => ({ source, name, input: source.case?.input ?? {} })),
);
const internalCause = /Internal error|is not a function|Cannot read propert|Maximum call stack|is not iterable|Invalid array length|is not defined/;

/** A member of the wrong type; null most often, which AWS's JSON protocol reads as absent. */
const odd = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: hostileValue(1) }, { weight: 1, arbitrary: hostileStrings });
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)),
  hostileStrings,
  fc.constant(null),
);
/** A member: mostly absent or valid (so that requests get past the first check), else of the wrong type. */
function member<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: valid }, { weight: 2, arbitrary: odd });
}
const extras = fc.record({
  input: member(fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value))),
  inspectionLevel: member(fc.constantFrom('INFO', 'DEBUG', 'TRACE')),
  revealSecrets: member(fc.boolean()),
  variables: member(fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })).map((value) => JSON.stringify(value))),
  context: member(jsonText),
  mock: member(
    fc.record({
      result: member(fc.oneof(fc.constantFrom('{}', '[]', '{"Payload":{}}', '"text"'), jsonText)),
      errorOutput: member(fc.record({ error: member(fc.string({ maxLength: 8 })), cause: member(fc.string({ maxLength: 8 })) })),
      fieldValidationMode: member(fc.constantFrom('STRICT', 'PRESENT', 'NONE')),
    }),
  ),
  stateConfiguration: member(
    fc.record({
      retrierRetryCount: member(fc.nat(3)),
      errorCausedByState: member(fc.constantFrom('Start', 'State0', 'x')),
      mapIterationFailureCount: member(fc.nat(3)),
      mapItemReaderData: member(jsonText),
    }),
  ),
});

testStates('every state of the real definitions, mutated, with random members: an AWS status or a ServiceError', async () => {
  const parameters = fuzzParameters(20261215, 800);
  const handlers = Object.fromEntries(sources.flatMap((s) => [...resourcesOf(s.definition)]).map((resource) => [resource, (input: unknown) => input]));
  const service = createService({ clock: virtualClock(0), handlers });
  try {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.option(fc.array(mutation, { minLength: 1, maxLength: 2 })), fc.boolean(), extras, async (pick, mutations, whole, extra) => {
        const subject = subjects[pick % subjects.length]!;
        const definition = mutations === null ? subject.source.definition : (mutate(subject.source.definition, mutations) as Record<string, unknown>);
        const states = definition?.States as Record<string, unknown> | undefined;
        const request: Record<string, unknown> = whole
          ? { definition: JSON.stringify(definition), stateName: subject.name }
          : { definition: JSON.stringify(states?.[subject.name] ?? definition) };
        request.roleArn = ROLE;
        request.input = JSON.stringify(subject.input);
        for (const [name, value] of Object.entries(extra)) if (value !== undefined) request[name] = plant(value);
        const context = `seed ${parameters.seed}: ${brief(request, 1500)}`;
        try {
          const answer = await service.testState(request as unknown as TestStateRequest);
          assert.ok(['SUCCEEDED', 'FAILED', 'RETRIABLE', 'CAUGHT_ERROR'].includes(answer.status!), `${answer.status}: ${context}`);
          assert.ok(answer.output === undefined || typeof answer.output === 'string', context);
          assert.not.match(answer.cause ?? '', internalCause, context);
          assert.type(JSON.stringify(answer), 'string');
        } catch (error) {
          assert.instance(error, ServiceError, `${error instanceof Error ? error.stack : String(error)}: ${context}`);
          assert.is.not((error as ServiceError).name, 'InternalFailure', context);
        }
      }),
      parameters,
    );
  } finally {
    await service.close();
  }
});

testStates.run();
