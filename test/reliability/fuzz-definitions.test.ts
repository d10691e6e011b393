import * as fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from '../../src/index.js';
import { loadCases, type ConformanceCase } from '../conformance/runner.js';
import {
  assertPrototypesUnchanged,
  assertProblem,
  codeRan,
  compileOrRefuse,
  echoHandlersFor,
  executeSettled,
  fuzzOptions,
  hostileJson,
  json,
  snapshotPrototypes,
  untrustedOptions,
} from './support.js';

/**
 * Property-based: definitions recorded against AWS, mutated at random (fields deleted,
 * replaced, retyped, renamed, shared between places, transitions pointed elsewhere), and
 * arbitrary values as definitions. Whatever comes out, validate answers with problems,
 * compile returns a machine or throws a DefinitionError, an execution settles with a
 * valid status, the caller's input is left alone, and no built-in prototype changes.
 */
const fuzz = suite('fuzzed definitions');

const cases = loadCases();

type Container = Record<string, unknown> | unknown[];
type Location = readonly [Container, string | number];

/** Every (container, key) of a definition, in a fixed order; a shared (or cyclic) container is walked once. */
function locationsOf(root: unknown): Location[] {
  const found: Location[] = [];
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        found.push([v, i]);
        stack.push(v[i]);
      }
    } else {
      for (const k of Object.keys(v)) {
        found.push([v as Record<string, unknown>, k]);
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return found;
}

/** Every string in a definition: state names, paths, resources, so mutations can reuse them. */
function stringsOf(root: unknown): string[] {
  const found: string[] = [];
  for (const [container, k] of locationsOf(root)) {
    if (typeof k === 'string') found.push(k);
    const v = (container as Record<string | number, unknown>)[k];
    if (typeof v === 'string') found.push(v);
  }
  return found;
}

/** Sets a key as an own data property, so `__proto__` stays a key. */
function put(container: Container, k: string | number, value: unknown): void {
  Object.defineProperty(container, k, { value, enumerable: true, writable: true, configurable: true });
}

const hostileStrings = [
  '',
  ' ',
  '$',
  '$$',
  '$.',
  '$..',
  '$[',
  '$.a',
  '$..a',
  '$[*]',
  '$[-1]',
  '$[0:2]',
  "$['a','b']",
  '$[?(@.a > 1)]',
  "$[?(@.constructor.constructor('globalThis.__statemillCodeRan = 1')())]",
  '$$.Execution.Input',
  '$$.Map.Item.Value',
  '$$.State.RetryCount',
  '$v',
  '$v.a',
  '$.__proto__',
  '$.constructor.prototype',
  'States.ALL',
  'States.TaskFailed',
  'States.Runtime',
  "States.Format('{}', $)",
  'States.ArrayRange(1, 1000, 1)',
  'States.StringToJson($.s)',
  'States.Hash($, $.alg)',
  'States.Array(',
  '{% $states.input %}',
  '{% $states.context.Execution.Input %}',
  '{% %}',
  '{%',
  '{% $lookup($states.input, "constructor") %}',
  '{% $x := 1 %}',
  'JSONPath',
  'JSONata',
  'Pass',
  'Task',
  'Choice',
  'Wait',
  'Succeed',
  'Fail',
  'Parallel',
  'Map',
  'DISTRIBUTED',
  'INLINE',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '2016-03-14T01:59:00Z',
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::ecs:runTask.sync',
];

const hostileValues: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  -1,
  1,
  2.5,
  1e21,
  2147483648,
  99999999,
  100000000,
  Number.MAX_SAFE_INTEGER,
  [],
  {},
  [[]],
  [{}],
  json('{"__proto__": {"polluted": true}}'),
  json('{"constructor": {"prototype": {"polluted": true}}}'),
  json('{"a.$": "$.__proto__", "__proto__.$": "$"}'),
  json('[{"ErrorEquals": ["States.ALL"]}]'),
  json('[{"ErrorEquals": ["States.ALL"], "Next": "Nowhere"}]'),
  json('{"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}'),
];

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'reuse'; at: number; pick: number }
  | { kind: 'retype'; at: number }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'share'; at: number; from: number };

const replacementValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 3, arbitrary: fc.constantFrom(...hostileValues) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const keyName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'Next', 'End', 'Default', 'Type', 'Parameters', 'ResultPath', 'a.$', 'x'),
  fc.string({ maxLength: 10 }),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: replacementValue }),
  fc.record({ kind: fc.constant('reuse' as const), at: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: keyName }),
  fc.record({ kind: fc.constant('share' as const), at: fc.nat(), from: fc.nat() }),
);

/** The same value as another JSON type. */
function retyped(value: unknown): unknown {
  if (typeof value === 'string') return Number.isNaN(Number(value)) ? [value] : Number(value);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null) return {};
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  return Object.values(value as object);
}

function applyMutation(definition: unknown, m: Mutation): void {
  const all = locationsOf(definition);
  if (all.length === 0) return;
  const [container, k] = all[m.at % all.length]!;
  const current = (container as Record<string | number, unknown>)[k];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(container)) container.splice(k as number, 1);
      else delete container[k as string];
      return;
    case 'replace':
      put(container, k, m.value === null || typeof m.value !== 'object' ? m.value : json(JSON.stringify(m.value)));
      return;
    case 'reuse': {
      const strings = stringsOf(definition);
      put(container, k, strings[m.pick % strings.length]);
      return;
    }
    case 'retype':
      put(container, k, retyped(current));
      return;
    case 'rename': {
      if (Array.isArray(container)) return;
      delete container[k as string];
      put(container, m.name, current);
      return;
    }
    case 'share': {
      // The same object at two places: possible only for definitions built in code.
      const [source, sourceKey] = all[m.from % all.length]!;
      const shared = (source as Record<string | number, unknown>)[sourceKey];
      if (shared !== null && typeof shared === 'object' && shared !== container) put(container, k, shared);
      return;
    }
  }
}

function mutated(c: ConformanceCase, mutations: readonly Mutation[]): unknown {
  const definition = json(JSON.stringify(c.definition));
  for (const m of mutations) applyMutation(definition, m);
  return definition;
}

/** Validate, compile, and (when it compiles) run one definition, checking every invariant. */
async function exercise(definition: unknown, input: unknown, context: string): Promise<void> {
  const before = snapshotPrototypes();
  const problems = validate(definition);
  assert.ok(Array.isArray(problems), context);
  for (const p of problems) assertProblem(p, context);
  const machine = compileOrRefuse(definition, untrustedOptions(echoHandlersFor(definition)), context);
  assert.ok(problems.length === 0 || machine === null, `compile accepted a definition validate refused: ${context}`);
  if (machine !== null) {
    const inputText = JSON.stringify(input);
    await executeSettled(machine, input, context);
    assert.is(JSON.stringify(input), inputText, `the execution changed its input: ${context}`);
  }
  assertPrototypesUnchanged(before);
  assert.is(codeRan(), undefined, `a definition ran code: ${context}`);
}

fuzz('mutated AWS-recorded definitions: compile succeeds or throws DefinitionError, executions settle', async () => {
  if (cases.length === 0) {
    console.log('  reliability: no conformance cases found; mutation fuzzing skipped');
    return;
  }
  let compiled = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.nat(cases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (index, mutations) => {
      const c = cases[index]!;
      const definition = mutated(c, mutations);
      runs++;
      if (validate(definition).length === 0) compiled++;
      await exercise(definition, json(JSON.stringify(c.input ?? {})), `${c.name} after ${JSON.stringify(mutations)}`);
    }),
    fuzzOptions(300),
  );
  // Mutations that break everything would test only validate; most must still run.
  assert.ok(compiled > runs / 10, `${compiled} of ${runs} mutated definitions were valid`);
});

fuzz('AWS-recorded definitions under random inputs with prototype keys settle', async () => {
  if (cases.length === 0) return;
  await fc.assert(
    fc.asyncProperty(fc.nat(cases.length - 1), hostileJson(), async (index, input) => {
      const c = cases[index]!;
      await exercise(json(JSON.stringify(c.definition)), input, c.name);
    }),
    fuzzOptions(200),
  );
});

fuzz('arbitrary values as definitions: validate answers, compile throws only DefinitionError', async () => {
  const anything = fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });
  const shaped = fc.record({ StartAt: anything, States: fc.dictionary(fc.string({ maxLength: 6 }), anything, { maxKeys: 4 }) });
  await fc.assert(
    fc.asyncProperty(fc.oneof(anything, shaped), async (definition) => {
      // fast-check reports the failing value itself.
      await exercise(definition, {}, 'an arbitrary definition');
    }),
    fuzzOptions(300),
  );
});

fuzz.run();
