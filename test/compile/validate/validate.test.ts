import { readdirSync, readFileSync } from 'node:fs';
import { loadCases } from '../../conformance/runner.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProblemCodes, type Problem } from '../../../src/asl/problems.js';
import { MAX_DEFINITION_DEPTH } from '../../../src/compile/validate/shape.js';
import { validate } from '../../../src/compile/validate/validate.js';

interface FixtureCase {
  name: string;
  definition: unknown;
  problems: { code: string; pointer: string }[];
}

const fixtureDir = new URL('./fixtures/', import.meta.url);
const fixtureFiles = readdirSync(fixtureDir).filter((file) => file.endsWith('.json'));
const knownCodes = new Set<string>(Object.values(ProblemCodes));

/** code + pointer, sorted, so a fixture's list compares regardless of order. */
function signature(problems: readonly { code: string; pointer: string }[]): string[] {
  return problems.map((p) => `${p.code} ${p.pointer}`).sort();
}

function problemAt(problems: readonly Problem[], pointer: string): Problem {
  const found = problems.find((p) => p.pointer === pointer);
  assert.ok(found, `no problem at ${pointer}: ${JSON.stringify(problems)}`);
  return found;
}

// ---------------------------------------------------------------------------------------------

const fixtures = suite('validate: fixtures');

for (const file of fixtureFiles) {
  const { cases } = JSON.parse(readFileSync(new URL(file, fixtureDir), 'utf8')) as { cases: FixtureCase[] };
  for (const testCase of cases) {
    fixtures(`${file}: ${testCase.name}`, () => {
      for (const expected of testCase.problems) assert.ok(knownCodes.has(expected.code), `fixture uses unknown code ${expected.code}`);
      const problems = validate(testCase.definition);
      assert.equal(signature(problems), signature(testCase.problems), JSON.stringify(problems, null, 1));
      for (const p of problems) assert.type(p.message, 'string');
    });
  }
}

fixtures.run();

// ---------------------------------------------------------------------------------------------

const conformance = suite('validate: every definition AWS accepted');

const cases = loadCases();

conformance('validate returns [] for each of them', () => {
  const rejected: string[] = [];
  for (const { name, definition } of cases) {
    const problems = validate(definition);
    if (problems.length > 0) rejected.push(`${name}: ${JSON.stringify(problems)}`);
  }
  assert.equal(rejected, []);
});

conformance.run();

// ---------------------------------------------------------------------------------------------

const messages = suite('validate: messages');

messages('an unknown Next suggests the closest state name', () => {
  const problems = validate({
    StartAt: 'Start',
    States: { Start: { Type: 'Pass', Next: 'Chek' }, Check: { Type: 'Succeed' }, Other: { Type: 'Fail' } },
  });
  const problem = problemAt(problems, '/States/Start/Next');
  assert.is(problem.code, ProblemCodes.UNKNOWN_STATE);
  assert.is(problem.message, "Next names 'Chek', which is not a state; did you mean 'Check'?");
});

messages('Default and Catch Next suggest too; nothing is suggested for a name unlike any state', () => {
  const problems = validate({
    StartAt: 'C',
    States: {
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'Task' }], Default: 'Fallbak' },
      Task: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'zzzzzzzzzz' }],
        End: true,
      },
      Fallback: { Type: 'Succeed' },
    },
  });
  assert.match(problemAt(problems, '/States/C/Default').message, "did you mean 'Fallback'?");
  const catchNext = problemAt(problems, '/States/Task/Catch/0/Next');
  assert.is(catchNext.code, ProblemCodes.UNKNOWN_STATE);
  assert.not.match(catchNext.message, 'did you mean');
});

messages('a branch moving to an outer state is told why', () => {
  const problems = validate({
    StartAt: 'P',
    States: {
      P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Done' } } }], Next: 'Done' },
      Done: { Type: 'Succeed' },
    },
  });
  assert.match(problemAt(problems, '/States/P/Branches/0/States/X/Next').message, 'can only move to its own states');
});

messages('unknown fields and values suggest the intended one', () => {
  const problems = validate({
    StartAt: 'A',
    States: { A: { Type: 'Pass', Resultpath: '$.x', QueryLanguage: 'JSONata ', End: true }, B: { Type: 'task' } },
  });
  assert.match(problemAt(problems, '/States/A/Resultpath').message, "did you mean 'ResultPath'?");
  assert.match(problemAt(problems, '/States/A/QueryLanguage').message, "did you mean 'JSONata'?");
  assert.match(problemAt(problems, '/States/B/Type').message, "did you mean 'Task'?");
});

messages('an optimized integration offering no such action uses the AWS wording and names the aws-sdk form; suffixes are not the action', () => {
  const task = (Resource: string) => ({ StartAt: 'T', States: { T: { Type: 'Task', Resource, End: true } } });
  const problem = problemAt(validate(task('arn:aws:states:::dynamodb:query'), { workflowType: 'STANDARD' }), '/States/T/Resource');
  assert.is(problem.code, ProblemCodes.UNSUPPORTED_INTEGRATION);
  assert.match(problem.message, 'The resource provided arn:aws:states:::dynamodb:query is not recognized');
  assert.match(problem.message, 'arn:aws:states:::aws-sdk:dynamodb:query');
  assert.is(
    validate(task('arn:aws:states:::sqs:receiveMessage.waitForTaskToken'), { workflowType: 'STANDARD' })[0]?.code,
    ProblemCodes.UNSUPPORTED_INTEGRATION,
  );
  for (const ok of ['arn:aws:states:::states:startExecution.sync:2', 'arn:aws:states:::lambda:invoke.waitForTaskToken', 'arn:aws:states:::ecs:runTask.sync']) {
    assert.equal(validate(task(ok), { workflowType: 'STANDARD' }), [], ok);
  }
});

messages('a state machine field written inside States is told where it belongs', () => {
  const problems = validate({ StartAt: 'A', States: { QueryLanguage: 'JSONata', A: { Type: 'Succeed' } } });
  const problem = problemAt(problems, '/States/QueryLanguage');
  assert.is(problem.code, ProblemCodes.NOT_AN_OBJECT);
  assert.match(problem.message, 'QueryLanguage is a field of the state machine or of a state, not a state: move it out of States');
  assert.not.match(problemAt(validate({ StartAt: 'A', States: { A: { Type: 'Succeed' }, B: 'x' } }), '/States/B').message, 'move it out');
});

messages('Express refusals use the AWS wording', () => {
  const problems = validate({
    StartAt: 'A',
    States: {
      A: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', Next: 'B' },
      B: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:Approve', End: true },
    },
  });
  assert.match(problemAt(problems, '/States/A/Resource').message, "Express state machine does not support '.sync' service integration");
  assert.match(problemAt(problems, '/States/B/Resource').message, 'Express state machine does not support Activity ARN');
});

messages('messages name the field, what was expected and what was found', () => {
  const problems = validate({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 'ten', End: true } } });
  assert.is(problemAt(problems, '/States/W/Seconds').message, 'Seconds must be a non-negative integer; found the string "ten"');
});

messages.run();

// ---------------------------------------------------------------------------------------------

const robustness = suite('validate: never throws');

robustness('values that are not definitions', () => {
  for (const value of [null, undefined, [], 'x', 0, true, [{ StartAt: 'A' }]]) {
    const problems = validate(value);
    assert.equal(signature(problems), [`${ProblemCodes.NOT_AN_OBJECT} `], String(value));
  }
});

robustness('wrong types at every position', () => {
  const junk: unknown[] = [null, [], 'x', 1, true, {}];
  for (const value of junk) {
    const definition = {
      StartAt: value,
      States: {
        A: {
          Type: 'Task',
          Resource: value,
          Parameters: value,
          ResultSelector: { 'a.$': value, b: [value, { 'c.$': value }] },
          Retry: [value, { ErrorEquals: value, IntervalSeconds: value, BackoffRate: value }],
          Catch: [value, { ErrorEquals: [value], Next: value, ResultPath: value }],
          Assign: value,
          Next: value,
        },
        B: { Type: 'Choice', Choices: [value, { And: value, Next: value }, { Not: value }], Default: value },
        C: { Type: 'Parallel', Branches: [value, { StartAt: value, States: value }], End: value },
        D: { Type: 'Map', ItemProcessor: value, Iterator: { StartAt: 'X', States: { X: value } }, ItemReader: value, End: true },
        E: { Type: 'Wait', Seconds: value, Timestamp: value, End: true },
        F: { Type: 'Fail', Error: value, CausePath: value },
        G: value,
      },
    };
    const problems = validate(definition);
    assert.ok(problems.length > 0);
    for (const p of problems) assert.ok(knownCodes.has(p.code), p.code);
  }
});

robustness('a 10,000-level nested Parallel is refused with a problem, not a stack overflow', () => {
  let branch: Record<string, unknown> = { StartAt: 'Leaf', States: { Leaf: { Type: 'Succeed' } } };
  for (let i = 0; i < 10_000; i++) {
    branch = { StartAt: `P${i}`, States: { [`P${i}`]: { Type: 'Parallel', Branches: [branch], End: true } } };
  }
  const problems = validate(branch);
  assert.is(problems.length, 1);
  assert.is(problems[0]!.code, ProblemCodes.NESTING_TOO_DEEP);
  assert.ok(problems[0]!.pointer.startsWith('/States/P9999/Branches/0/States/P9998/'));
});

robustness('nesting just under the limit is validated in full', () => {
  // Each Parallel level is four JSON levels: state, Branches, branch, States.
  const levels = Math.floor((MAX_DEFINITION_DEPTH - 2) / 4) - 1;
  let branch: Record<string, unknown> = { StartAt: 'Leaf', States: { Leaf: { Type: 'Succeed' } } };
  for (let i = 0; i < levels; i++) {
    branch = { StartAt: `P${i}`, States: { [`P${i}`]: { Type: 'Parallel', Branches: [branch], End: true } } };
  }
  assert.equal(validate(branch), []);
  const top = branch as { States: Record<string, { Branches: { States: Record<string, { Next?: string }> }[] }> };
  const inner = top.States[`P${levels - 1}`]!.Branches[0]!.States[`P${levels - 2}`]!;
  inner.Next = 'Nowhere';
  assert.equal(
    validate(branch).map((p) => p.code),
    [ProblemCodes.UNKNOWN_STATE, ProblemCodes.NEXT_AND_END],
  );
});

robustness('deeply nested Parameters and Choice rules are refused with a problem', () => {
  let template: Record<string, unknown> = { 'x.$': '$' };
  for (let i = 0; i < 5000; i++) template = { nested: template };
  let rule: Record<string, unknown> = { Variable: '$.x', IsPresent: true };
  for (let i = 0; i < 5000; i++) rule = { Not: rule };
  const problems = validate({
    StartAt: 'A',
    States: {
      A: { Type: 'Pass', Parameters: template, Next: 'C' },
      C: { Type: 'Choice', Choices: [{ ...rule, Next: 'D' }] },
      D: { Type: 'Succeed' },
    },
  });
  assert.equal(
    problems.map((p) => p.code),
    [ProblemCodes.NESTING_TOO_DEEP],
  );
});

robustness('a machine with 10,000 states', () => {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) states[`S${i}`] = { Type: 'Pass', Next: i === 9_999 ? 'Done' : `S${i + 1}` };
  states.Done = { Type: 'Succeed' };
  assert.equal(validate({ StartAt: 'S0', States: states }), []);
});

robustness('10,000 states whose every Next is wrong: all reported, quickly', () => {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < 10_000; i++) states[`State number ${i}`] = { Type: 'Pass', Next: `State numbr ${i + 1}` };
  states.Done = { Type: 'Succeed' };
  const problems = validate({ StartAt: 'State number 0', States: states });
  const unknown = problems.filter((p) => p.code === ProblemCodes.UNKNOWN_STATE);
  assert.is(unknown.length, 10_000);
  assert.is(problems.filter((p) => p.code === ProblemCodes.UNREACHABLE_STATE).length, 10_000);
});

robustness('an object that contains itself is endlessly deep', () => {
  const parameters: Record<string, unknown> = {};
  parameters.self = parameters;
  const problems = validate({ StartAt: 'A', States: { A: { Type: 'Pass', Parameters: parameters, End: true } } });
  assert.is(problems.length, 1);
  assert.is(problems[0]!.code, ProblemCodes.NESTING_TOO_DEEP);
  assert.ok(problems[0]!.pointer.startsWith('/States/A/Parameters/self/self/self'));
});

robustness('objects shared between states (built in code) are fine', () => {
  const retry = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }];
  const task = (next: string | null) => ({
    Type: 'Task',
    Resource: 'arn:aws:lambda:us-east-1:000000000000:function:f',
    Retry: retry,
    ...(next === null ? { End: true } : { Next: next }),
  });
  assert.equal(validate({ StartAt: 'A', States: { A: task('B'), B: task(null) } }), []);
});

robustness('keys such as __proto__ never reach a prototype', () => {
  const definition = JSON.parse(
    '{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"__proto__":{"polluted.$":"$"},"constructor.$":"$.x"},"Assign":{"__proto__":1},"End":true}}}',
  ) as unknown;
  const problems = validate(definition);
  assert.equal(signature(problems), []);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

/** The value a JSON pointer names, or `missing` when it names nothing. */
const missing = Symbol('missing');
function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let at: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (at === null || typeof at !== 'object' || !Object.prototype.hasOwnProperty.call(at, token)) return missing;
    at = (at as Record<string, unknown>)[token];
  }
  return at;
}

robustness('mangled conformance definitions: no throw, and every pointer names a value in the definition', () => {
  const junk: unknown[] = [null, 'x', '$.a[', 'States.Nope(', -1, 1.5, true, [], {}, [null], { '.$': 1 }, '{% x %}'];
  let seed = 42;
  function random(): number {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  }
  function mangle(value: unknown): unknown {
    if (random() < 0.08) return junk[Math.floor(random() * junk.length)];
    if (Array.isArray(value)) return value.map(mangle);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        if (random() < 0.02) continue;
        Object.defineProperty(out, random() < 0.02 ? `${key}x` : key, { value: mangle(child), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }
  if (cases.length === 0) return;
  let checked = 0;
  for (const { name, definition } of cases) {
    const mangled = mangle(definition);
    for (const p of validate(mangled)) {
      assert.ok(knownCodes.has(p.code), p.code);
      assert.ok(resolvePointer(mangled, p.pointer) !== missing, `${name}: ${p.code} at ${p.pointer} names nothing`);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} problems found`);
});

robustness.run();
