import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createService, DefinitionError, ProblemCodes, ServiceError, validate, virtualClock } from '../../src/index.js';
import { pointerResolves } from '../hostile/support.js';

/**
 * Hostile definition texts through every door (validate, compile, CreateStateMachine,
 * ValidateStateMachineDefinition): each is refused with a typed problem, its code and a JSON
 * pointer to the place, never a RangeError or TypeError, and never run as something else.
 */
const hostile = suite('compile: hostile definitions');

const ROLE = 'arn:aws:iam::123456789012:role/r';
const pass = (state: object) => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true, ...state } } });
const parallelsDeep = (depth: number) =>
  '{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":['.repeat(depth) +
  '{"StartAt":"Q","States":{"Q":{"Type":"Pass","End":true}}}' +
  ']}}}'.repeat(depth);
const notsDeep = (depth: number) =>
  `{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"E","Choices":[${'{"Not":'.repeat(depth)}{"Variable":"$.x","IsPresent":true}${'}'.repeat(depth)}]},"E":{"Type":"Succeed"}}}`;

const cases: [what: string, text: string, code: string, pointer: string][] = [
  [
    '1e999 in a Pass Result (JSON.parse reads Infinity)',
    pass({ Result: { a: 1 } }).replace('"a":1', '"a":1e999'),
    ProblemCodes.NOT_JSON_DATA,
    '/States/P/Result/a',
  ],
  ['-1e999 in Parameters', pass({ Parameters: { n: 1 } }).replace('"n":1', '"n":-1e999'), ProblemCodes.NOT_JSON_DATA, '/States/P/Parameters/n'],
  [
    '1e999 under a key holding ~ and /',
    pass({ Result: { 'a/b~c': [1] } }).replace('[1]', '[0,1e999]'),
    ProblemCodes.NOT_JSON_DATA,
    '/States/P/Result/a~1b~0c/1',
  ],
  ['1e999 as Wait Seconds', '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1e999,"End":true}}}', ProblemCodes.NOT_JSON_DATA, '/States/W/Seconds'],
  ['10,000 nested Parallels', parallelsDeep(10_000), ProblemCodes.NESTING_TOO_DEEP, '/States/P/Branches/0'.repeat(250)],
  ['20,000 nested Not rules', notsDeep(20_000), ProblemCodes.NESTING_TOO_DEEP, `/States/C/Choices/0${'/Not'.repeat(996)}`],
  [
    'a cycle of Next with no end',
    '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}',
    ProblemCodes.NO_TERMINAL_STATE,
    '',
  ],
  [
    'a Next to "__proto__", which is no state',
    '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"__proto__"},"B":{"Type":"Succeed"}}}',
    ProblemCodes.UNKNOWN_STATE,
    '/States/A/Next',
  ],
  ['StartAt "constructor", which is no state', '{"StartAt":"constructor","States":{"A":{"Type":"Succeed"}}}', ProblemCodes.UNKNOWN_STATE, '/StartAt'],
  [
    'a state named with ~ and / whose Next is missing',
    '{"StartAt":"a/b~c","States":{"a/b~c":{"Type":"Pass","Next":"gone"}}}',
    ProblemCodes.UNKNOWN_STATE,
    '/States/a~1b~0c/Next',
  ],
  ['an unclosed JSONPath bracket', pass({ Parameters: { 'x.$': '$.a[' } }), ProblemCodes.PATH_SYNTAX, '/States/P/Parameters/x.$'],
  ['an unknown intrinsic function', pass({ Parameters: { 'x.$': 'States.Eval($)' } }), ProblemCodes.INTRINSIC_SYNTAX, '/States/P/Parameters/x.$'],
  [
    'JSONata that does not parse',
    JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $x( %}', End: true } } }),
    ProblemCodes.JSONATA_SYNTAX,
    '/States/P/Output',
  ],
  [
    'a state name of 100,000 characters',
    JSON.stringify({ StartAt: 'x'.repeat(100_000), States: { ['x'.repeat(100_000)]: { Type: 'Succeed' } } }),
    ProblemCodes.STATE_NAME,
    `/States/${'x'.repeat(100_000)}`,
  ],
];

let service: ReturnType<typeof createService>;
hostile.before(() => {
  service = createService({ clock: virtualClock(0) });
});
hostile.after(() => service.close());

for (const [what, text, code, pointer] of cases) {
  hostile(`${what}: ${code} at '${(pointer || '/').slice(0, 40)}' through validate, compile and the service`, async () => {
    const problems = validate(JSON.parse(text));
    assert.ok(
      problems.some((p) => p.code === code && p.pointer === pointer),
      JSON.stringify(problems.map((p) => [p.code, p.pointer.slice(0, 60)])),
    );

    let thrown: unknown = null;
    try {
      compile(JSON.parse(text));
    } catch (error) {
      thrown = error;
    }
    assert.instance(thrown, DefinitionError);
    assert.ok((thrown as DefinitionError).problems.some((p) => p.code === code && p.pointer === pointer));

    const verdict = await service.validateStateMachineDefinition({ definition: text });
    assert.is(verdict.result, 'FAIL');
    assert.ok(verdict.diagnostics.some((d) => d.location === (pointer || '/')) || pointer === '');

    let refused: unknown = null;
    try {
      await service.createStateMachine({ name: 'hostile', definition: text, roleArn: ROLE });
    } catch (error) {
      refused = error;
    }
    assert.instance(refused, ServiceError);
    assert.is((refused as ServiceError).name, 'InvalidDefinition');
  });
}

hostile('a number within the double range, however large, stays a number', async () => {
  const machine = compile(JSON.parse(pass({ Result: { big: 1.7e308, small: -5e-324 } })));
  const result = await machine.execute({});
  assert.equal(result.output, { big: 1.7e308, small: -5e-324 });
});

hostile('NaN and Infinity in a definition built in code are refused where they are', () => {
  for (const [value, pointer] of [
    [NaN, '/States/P/Result'],
    [-Infinity, '/States/P/Result'],
  ] as const) {
    const problems = validate({ StartAt: 'P', States: { P: { Type: 'Pass', Result: value, End: true } } });
    assert.equal(
      problems.map((p) => [p.code, p.pointer]),
      [[ProblemCodes.NOT_JSON_DATA, pointer]],
    );
  }
});

const hostileNames = fc.constantFrom(
  'A',
  'B',
  'a/b',
  'c~d',
  '~0',
  '~1',
  '/',
  '__proto__',
  'constructor',
  'toString',
  '😀',
  'x'.repeat(81),
  '',
  ' ',
  'a\u0000b',
  '$.x',
);
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  hostileNames,
  fc.constantFrom('$', '$.a[', '$$.Execution', "States.Format('{}', $)", 'States.Nope()', '{% $ %}', '{% ( %}', 1e308, 'arn:aws:states:::lambda:invoke'),
);
const fieldName = fc.constantFrom(
  'Type',
  'Next',
  'End',
  'Default',
  'Choices',
  'Parameters',
  'ResultPath',
  'Result',
  'Resource',
  'Seconds',
  'Retry',
  'Catch',
  'Branches',
  'Output',
  'a/b',
  '~x',
  '__proto__',
  'x.$',
);
const hostileState = fc
  .tuple(
    fc.constantFrom('Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map', 'Bogus'),
    fc.dictionary(fieldName, fieldValue, { maxKeys: 4 }),
    fc.option(hostileNames),
  )
  .map(([Type, fields, next]) => ({ Type, ...(next === null ? { End: true } : { Next: next }), ...fields }));
const hostileMachine = fc
  .tuple(hostileNames, fc.dictionary(hostileNames, hostileState, { minKeys: 1, maxKeys: 4 }))
  .map(([StartAt, States]) => ({ StartAt, States }));

hostile('generated hostile definitions: every problem has a code and a pointer that resolves; compile and validate agree', () => {
  const codes = new Set<string>(Object.values(ProblemCodes));
  fc.assert(
    fc.property(hostileMachine, (built) => {
      const definition = JSON.parse(JSON.stringify(built)) as unknown;
      const problems = validate(definition);
      for (const p of problems) {
        assert.ok(codes.has(p.code), p.code);
        assert.ok(pointerResolves(definition, p.pointer), `${p.code} at ${JSON.stringify(p.pointer)} in ${JSON.stringify(definition)}`);
      }
      try {
        compile(definition);
        assert.is(problems.length, 0, 'compile built what validate refused');
      } catch (error) {
        assert.instance(error, DefinitionError);
      }
    }),
    { numRuns: 3000, seed: 20261207 },
  );
});

hostile.run();
