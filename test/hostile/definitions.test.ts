import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createService, DefinitionError, ProblemCodes, ServiceError, validate, virtualClock, type Handler } from '../../src/index.js';
import { brief, fuzzParameters, mutate, mutation, pointerResolves, realDefinitions, resourcesOf, sampleDefinitions } from './support.js';

/**
 * Real definitions (the AWS-recorded conformance cases, the built-in workloads, and AWS's
 * public samples where mirrored beside the checkout) with random mutations: fields dropped,
 * duplicated, renamed and retyped, hostile names and values planted, states renamed and
 * rewired into cycles, values nested deep. validate() and compile() agree and refuse only
 * with DefinitionError problems whose codes are ERR_ASL_* and whose pointers resolve into
 * the definition; the caller's object is never changed; what compiles runs to a settled
 * result; the service answers InvalidDefinition or ValidateStateMachineDefinition's
 * diagnostics, never an internal error.
 */
const definitions = suite('hostile: mutated definitions');

const codes = new Set<string>(Object.values(ProblemCodes));
const sources = [...realDefinitions(), ...(process.env.STATEMILL_FUZZ_SAMPLES === '1' ? sampleDefinitions() : [])];
const ROLE = 'arn:aws:iam::123456789012:role/r';
const settled = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
/** Causes that only an engine defect writes: a JavaScript error escaping from statemill's own code. */
const internalCause = /Internal error|is not a function|Cannot read propert|Maximum call stack|is not iterable|Invalid array length|is not defined/;

/** A handler for every Resource, answering its input, so that compile() reaches every state. */
function echoHandlers(definition: unknown): Record<string, Handler> {
  return Object.fromEntries([...resourcesOf(definition)].map((resource) => [resource, (input: unknown) => input]));
}

const mutated = fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }));

definitions('validate and compile agree; problems carry ERR_ASL_* codes and pointers that resolve; the definition is left as it was', () => {
  const parameters = fuzzParameters(20261210, 700);
  fc.assert(
    fc.property(mutated, ([pick, mutations]) => {
      const source = sources[pick % sources.length]!;
      const definition = mutate(source.definition, mutations);
      const before = JSON.stringify(definition);
      const context = `seed ${parameters.seed}, ${source.name}: ${brief(definition, 1500)}`;
      const problems = validate(definition);
      for (const p of problems) {
        assert.ok(codes.has(p.code), `${p.code}: ${context}`);
        assert.ok(pointerResolves(definition, p.pointer), `${p.code} at ${brief(p.pointer, 200)}: ${context}`);
        assert.type(p.message, 'string');
      }
      let thrown: unknown = null;
      try {
        compile(definition, { handlers: echoHandlers(definition) });
      } catch (error) {
        thrown = error;
      }
      if (problems.length === 0) assert.is(thrown, null, `validate found nothing, compile threw ${String(thrown)}: ${context}`);
      else {
        assert.instance(thrown, DefinitionError, `compile threw ${String(thrown)} for ${brief(problems)}: ${context}`);
        assert.equal((thrown as DefinitionError).problems.map((p) => p.code).sort(), problems.map((p) => p.code).sort(), context);
      }
      assert.is(JSON.stringify(definition), before, `the definition was changed: ${context}`);
    }),
    parameters,
  );
});

definitions('a mutated definition that compiles runs to a settled result, whatever its input', async () => {
  const parameters = fuzzParameters(20261211, 250);
  const inputs = [{}, { a: 1, items: [1, 2], __proto__x: null }, [], 'text', null, -0];
  await fc.assert(
    fc.asyncProperty(mutated, fc.nat(inputs.length), async ([pick, mutations], which) => {
      const source = sources[pick % sources.length]!;
      const definition = mutate(source.definition, mutations);
      let machine;
      try {
        machine = compile(definition, { handlers: echoHandlers(definition), clock: virtualClock(0) });
      } catch (error) {
        assert.instance(error, DefinitionError);
        return;
      }
      const input = which === inputs.length ? structuredClone(source.case?.input ?? {}) : structuredClone(inputs[which]);
      // A mutated loop may run until the payload limit: an abort ends it (and must get in).
      const controller = new AbortController();
      const guard = setTimeout(() => controller.abort(), 100);
      const result = await machine.execute(input, { signal: controller.signal });
      clearTimeout(guard);
      const context = `seed ${parameters.seed}, ${source.name}: ${result.status} ${result.error}: ${brief(result.cause, 300)} for ${brief(definition, 1500)} with ${brief(input)}`;
      assert.ok(settled.has(result.status), context);
      if (result.status !== 'SUCCEEDED') {
        assert.ok(result.error === null || typeof result.error === 'string', context);
        assert.ok(result.cause === null || result.cause === undefined || typeof result.cause === 'string', context);
        assert.not.match(result.cause ?? '', internalCause, context);
      }
    }),
    parameters,
  );
});

definitions('the service answers InvalidDefinition and diagnostics whose locations resolve, never an internal error', async () => {
  const parameters = fuzzParameters(20261212, 250);
  const service = createService({ clock: virtualClock(0) });
  let created = 0;
  try {
    await fc.assert(
      fc.asyncProperty(mutated, fc.constantFrom('STANDARD' as const, 'EXPRESS' as const), async ([pick, mutations], type) => {
        const source = sources[pick % sources.length]!;
        const definition = mutate(source.definition, mutations);
        const text = JSON.stringify(definition);
        const context = `seed ${parameters.seed}, ${source.name}, ${type}: ${brief(definition, 1500)}`;
        const verdict = await service.validateStateMachineDefinition({ definition: text, type });
        for (const d of verdict.diagnostics) {
          assert.ok(d.severity === 'ERROR' || d.severity === 'WARNING', context);
          assert.type(d.code, 'string', context);
          assert.type(d.message, 'string', context);
          if (d.location !== undefined && d.location !== '/') assert.ok(pointerResolves(definition, d.location), `${d.code} at ${d.location}: ${context}`);
        }
        try {
          const { stateMachineArn } = await service.createStateMachine({ name: `m${++created}`, definition: text, roleArn: ROLE, type });
          assert.is(verdict.result, 'OK', `created what ValidateStateMachineDefinition failed: ${context}`);
          await service.deleteStateMachine({ stateMachineArn });
        } catch (error) {
          assert.instance(error, ServiceError, `${String(error)}: ${context}`);
          assert.ok(
            ['InvalidDefinition', 'StateMachineTypeNotSupported'].includes((error as ServiceError).name),
            `${(error as ServiceError).name}: ${context}`,
          );
        }
      }),
      parameters,
    );
  } finally {
    await service.close();
  }
});

definitions.run();
