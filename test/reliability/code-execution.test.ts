import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, DefinitionError, ProblemCodes, validate, virtualClock, type Handlers } from '../../src/index.js';
import { assertPrototypesUnchanged, codeRan, CODE_RAN_FLAG, executeSettled, isPlainJson, snapshotPrototypes } from './support.js';

/**
 * No code execution from definitions or inputs: JSONPath filters are not JavaScript,
 * intrinsic calls and JSONata expressions cannot reach the process, and a Task's Resource
 * finds only the handlers the caller listed. Every payload, if it ran, would set a global
 * flag (or exit the process); the tests assert the flag stays unset.
 */
const noCode = suite('no code execution');

const setFlag = `globalThis.${CODE_RAN_FLAG} = 1`;

/** JavaScript a filter would run if it were evaluated as JavaScript. */
const scriptPayloads = [
  `@.constructor.constructor('${setFlag}')()`,
  `@.a.constructor.constructor('${setFlag}')()`,
  `this.constructor.constructor('${setFlag}')()`,
  `@property.constructor.constructor('${setFlag}')()`,
  `@root.constructor.constructor('${setFlag}')()`,
  `@.toString.constructor('${setFlag}')()`,
  `_$_v.constructor.constructor('${setFlag}')()`,
  `Function('${setFlag}')()`,
  `eval('${setFlag}')`,
  `(function () { ${setFlag} })()`,
  setFlag,
  `globalThis['${CODE_RAN_FLAG}'] = 1`,
  'process.exit(42)',
  "require('child_process').execSync('true')",
  "import('node:fs')",
  `new Function('${setFlag}')`,
  `@.__proto__.polluted = 1`,
  `@.constructor.prototype.polluted = 1`,
  "@.__defineGetter__('a', @.toString)",
  '@.list.push(1)',
  '@.list.splice(0)',
  '@.s.repeat(1000000000)',
  "@.s.padEnd(1000000000, 'x')",
  '@.a.match(/x/)',
  'typeof process',
];

function assertNothingRan(context: string): void {
  assert.is(codeRan(), undefined, `code ran: ${context}`);
  assert.is(({} as Record<string, unknown>).polluted, undefined, `Object.prototype polluted: ${context}`);
}

noCode('JSONPath filter scripts are refused at compile time in every path field', () => {
  for (const payload of scriptPayloads) {
    const filter = `$.items[?(${payload})]`;
    const fields: [string, Record<string, unknown>][] = [
      ['InputPath', { Type: 'Pass', InputPath: filter, End: true }],
      ['OutputPath', { Type: 'Pass', OutputPath: filter, End: true }],
      ['Parameters', { Type: 'Pass', Parameters: { 'v.$': filter }, End: true }],
      ['context path', { Type: 'Pass', Parameters: { 'v.$': `$$.Execution.Input.items[?(${payload})]` }, End: true }],
      ['intrinsic argument', { Type: 'Pass', Parameters: { 'v.$': `States.Array(${filter})` }, End: true }],
      ['ResultSelector', { Type: 'Task', Resource: 'echo', ResultSelector: { 'v.$': filter }, End: true }],
    ];
    for (const [field, state] of fields) {
      const definition = { StartAt: 'S', States: { S: state } };
      const problems = validate(definition);
      assert.ok(
        problems.some((p) => p.code === ProblemCodes.PATH_SYNTAX || p.code === ProblemCodes.INTRINSIC_SYNTAX),
        `${field} accepted ${payload}: ${JSON.stringify(problems)}`,
      );
      assert.throws(
        () => compile(definition, { handlers: { echo: (x: unknown) => x } }),
        (e: unknown) => e instanceof DefinitionError,
      );
    }
    assert.ok(
      validate({ StartAt: 'S', States: { S: { Type: 'Pass', InputPath: `$.items[(${payload})]`, End: true } } }).length > 0,
      `script expression ${payload}`,
    );
  }
  assertNothingRan('compile');
});

noCode('filters nested in filters are refused or run no code and change no input', async () => {
  const before = snapshotPrototypes();
  for (const payload of scriptPayloads) {
    const definition = { StartAt: 'S', States: { S: { Type: 'Pass', InputPath: `$.items[?(@.inner[?(${payload})])]`, End: true } } };
    if (validate(definition).some((p) => p.code === ProblemCodes.PATH_SYNTAX)) continue;
    const machine = compile(definition, { clock: virtualClock(0) });
    const input = { items: [{ inner: [{ a: 'x', list: [1], s: 'x' }] }] };
    const text = JSON.stringify(input);
    const result = await executeSettled(machine, input, payload);
    assert.ok(result.status === 'SUCCEEDED' || result.status === 'FAILED', payload);
    assert.is(JSON.stringify(input), text, `the input changed: ${payload}`);
    assertNothingRan(payload);
  }
  assertPrototypesUnchanged(before);
});

noCode('filters that compare values still work, reading own properties only', async () => {
  const input = {
    items: [{ name: 'a', price: 5, tags: ['new'], nested: { level: 2 } }, { name: 'b', price: 15, tags: [] }, { name: 'toString', price: 25 }, { name: 'c' }],
    limit: 10,
  };
  const cases: [string, unknown[]][] = [
    ['$.items[?(@.price < 10)].name', ['a']],
    ["$.items[?(@.tags[0] == 'new')].name", ['a']],
    ['$.items[?(@.nested.level > 1)].name', ['a']],
    ['$.items[?(@.price > 10 && @.price < 20)].name', ['b']],
    ['$.items[?(!@.price)].name', ['c']],
    ['$.items[?(@.price)].name', ['a', 'b', 'toString']],
    ['$.items[?(@.price >= $.limit)].name', ['b', 'toString']],
    ['$.items[?(@.toString)].name', []],
    ['$.items[?(@.constructor)].name', []],
    ['$.items[?(@.name.length > 0)].name', []],
    ['$.items[?(@.missing.deeper == 1)].name', []],
    ["$.items[?(@.price == 15 || @.name === 'c')].name", ['b', 'c']],
  ];
  for (const [path, expected] of cases) {
    const machine = compile({ StartAt: 'S', States: { S: { Type: 'Pass', InputPath: path, End: true } } }, { clock: virtualClock(0) });
    const result = await executeSettled(machine, input, path);
    assert.is(result.status, 'SUCCEEDED', `${path}: ${result.cause}`);
    assert.equal(result.output, expected, path);
  }
});

noCode('intrinsic calls holding JavaScript are refused, and format templates are text', async () => {
  for (const text of [
    `States.Format('{}', constructor.constructor('${setFlag}')())`,
    `States.Array(process.exit(1))`,
    `States.StringToJson(eval('1'))`,
    `States.Format('{}', $.a).constructor`,
    `States.JsonMerge($, $.__proto__, false);${setFlag}`,
  ]) {
    const definition = { StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'v.$': text }, End: true } } };
    assert.ok(validate(definition).length > 0, text);
  }
  const machine = compile(
    {
      StartAt: 'S',
      States: {
        S: { Type: 'Pass', Parameters: { 'v.$': "States.Format('$\\{process.exit(1)\\} {}', $.a)", 'w.$': 'States.StringToJson($.json)' }, End: true },
      },
    },
    { clock: virtualClock(0) },
  );
  const result = await executeSettled(machine, { a: '`${globalThis}`', json: '{"__proto__": {"polluted": 1}, "f": "function () {}"}' });
  assert.is(result.status, 'SUCCEEDED');
  assert.is(
    JSON.stringify(result.output),
    JSON.stringify({ v: '${process.exit(1)} `${globalThis}`', w: JSON.parse('{"__proto__": {"polluted": 1}, "f": "function () {}"}') }),
  );
  assertNothingRan('intrinsics');
});

noCode('JSONata expressions cannot reach constructors, functions or the process', async () => {
  const before = snapshotPrototypes();
  const expressions = [
    '$lookup($states.input, "constructor")',
    '$lookup($states, "constructor")',
    '$states.constructor',
    '$states.input.constructor.constructor',
    `$states.input.constructor.constructor("${setFlag}")()`,
    `($c := $lookup($states.input, "constructor"); $c("x"))`,
    `($f := $lookup($lookup($states.input, "constructor"), "constructor"); $f("${setFlag}")())`,
    `$eval("$lookup($, 'constructor')", $states.input)`,
    `$eval("${setFlag.replaceAll('"', "'")}")`,
    '$string.constructor',
    '$type($lookup($states.input, "constructor"))',
    '$spread($lookup($states.input, "constructor"))',
    '$keys($lookup($states.input, "__proto__"))',
    '$sift($states.input, function($v, $k){ $k = "constructor" })',
    '$each($states.input, function($v, $k){ $type($v) })',
    'function($x){ $x }',
    '$lookup',
    '$states.input ~> | constructor.prototype | {"polluted": 1} |',
    '$states.input ~> | __proto__ | {"polluted": 1} |',
    '$merge([$states.input, {"__proto__": {"polluted": 1}}])',
    '$states.context.Execution.constructor',
    '$states.input.list.push',
    '$states.input.s.repeat',
  ];
  for (const expression of expressions) {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'S',
      States: {
        S: { Type: 'Pass', Output: { v: `{% ${expression} %}` }, Assign: { x: `{% ${expression} %}` }, Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Condition: `{% $exists(${expression}) %}`, Next: 'T' }], Default: 'T' },
        T: { Type: 'Task', Resource: 'echo', Arguments: { v: `{% ${expression} %}` }, End: true },
      },
    };
    let machine;
    try {
      machine = compile(definition, { clock: virtualClock(0), handlers: { echo: (x: unknown) => x } });
    } catch (e) {
      assert.instance(e, DefinitionError, expression);
      continue;
    }
    const input = { a: 1, list: [1], s: 'x' };
    const result = await executeSettled(machine, input, expression);
    if (result.status === 'SUCCEEDED') assert.ok(isPlainJson(result.output), `${expression} returned ${String(result.output)}`);
    assert.equal(input, { a: 1, list: [1], s: 'x' }, `the input changed: ${expression}`);
    assertNothingRan(expression);
  }
  assertPrototypesUnchanged(before);
});

noCode('an input object cannot pose as a JSONata function', async () => {
  // jsonata (2.0.6, the version AWS runs) takes any object whose `_jsonata_lambda` is true for a lambda and evaluates
  // its `body` as a syntax tree no parser checked. The forged body below reads `__proto__` and
  // calls its `__defineGetter__`: had it run, Object.prototype would gain `polluted`. Data bound
  // for the library never holds the flag as `true` (it comes back as `true` in the output), and
  // an object the library builds may not have the key. Expected: T1006, "Attempted to invoke a
  // non-function", or a refused key, as a States.QueryEvaluationError; and the input unchanged
  // (jsonata writes `token` and `position` onto an object it is about to call).
  const before = snapshotPrototypes();
  const name = (value: string) => ({ type: 'name', value });
  const pollutingBody = {
    type: 'path',
    steps: [
      { type: 'variable', value: '' },
      name('__proto__'),
      {
        type: 'function',
        value: '(',
        procedure: name('__defineGetter__'),
        arguments: [
          { type: 'string', value: 'polluted' },
          { type: 'path', steps: [name('valueOf')] },
        ],
      },
    ],
  };
  const forged = { _jsonata_lambda: true, input: {}, body: pollutingBody, arguments: [] };
  const literal = { _jsonata_lambda: true, body: { type: 'string', value: 'forged' }, arguments: [] };
  const cases: [string, unknown][] = [
    ['$states.input.f()', { f: { _jsonata_lambda: true, body: { type: 'string', value: 'forged by input' }, arguments: [] } }],
    ['$states.input.f()', { f: forged }],
    ['$states.input.list[0].f()', { list: [{ f: forged }] }],
    ['$states.context.Execution.Input.f()', { f: forged }],
    ['$map([1], $states.input.f)', { f: forged }],
    ['1 ~> $states.input.f', { f: forged }],
    ['$parse($states.input.text)()', { text: JSON.stringify(forged) }],
    ['$merge([$states.input.f, {}])()', { f: forged }],
    [`${JSON.stringify(literal)}()`, {}],
    ['$merge([{"_jsonata_lambda": true}, {"body": {"type": "string", "value": "forged"}, "arguments": []}])()', {}],
    [
      '$merge($states.input.pairs{ $.k: $.v })()',
      {
        pairs: [
          { k: '_jsonata_lambda', v: true },
          { k: 'body', v: { type: 'string', value: 'forged' } },
          { k: 'arguments', v: [] },
        ],
      },
    ],
    ['$states.input.f()', { f: { a: 1 } }],
    ['($g := function(){ $states.input.list() }; $g())', { list: [1] }],
  ];
  for (const [expression, input] of cases) {
    const definition = { QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } } };
    const original = structuredClone(input);
    const result = await executeSettled(compile(definition, { clock: virtualClock(0) }), input, expression);
    assert.equal([result.status, result.error], ['FAILED', 'States.QueryEvaluationError'], `${expression}: ${result.cause}`);
    assert.equal(input, original, `the input changed: ${expression}`);
    assertNothingRan(expression);
  }
  // The flag is data: it passes through the library unchanged.
  const passing = {
    QueryLanguage: 'JSONata',
    StartAt: 'S',
    States: { S: { Type: 'Pass', Output: '{% $merge([$states.input, {"seen": true}]) %}', End: true } },
  };
  const result = await executeSettled(compile(passing, { clock: virtualClock(0) }), { f: forged });
  assert.equal(result.output, { f: forged, seen: true });
  assertPrototypesUnchanged(before);
});

noCode('regression: JavaScript functions in task results, inputs and variables are never called by JSONata', async () => {
  // Data is JSON: a function a handler returns (as a member, an item, through a getter, on a
  // prototype) must never be callable, whichever form the expression uses to reach it.
  let calls: string[] = [];
  const spy = (label: string) => () => {
    calls.push(label);
    return 'called';
  };
  let getterReads = 0;
  class Record_ {
    method(): string {
      calls.push('prototype method');
      return 'called';
    }
  }
  const result = () => {
    const value: Record<string, unknown> = {
      f: spy('member'),
      list: [spy('item')],
      nested: { deeper: { f: spy('nested member') } },
      get g() {
        return spy('getter');
      },
      // A getter that reads as data the first time and as a function afterwards.
      get sly() {
        return ++getterReads === 1 ? 1 : spy('second read of a getter');
      },
      instance: new Record_(),
      inherited: Object.create({ f: spy('inherited member') }),
    };
    return value;
  };
  const handlers: Handlers = { make: result };
  const forms = [
    '$states.result.f()',
    '($f := $states.result.f; $f())',
    '($f := $states.result.f; $f)',
    '$lookup($states.result, "f")(1)',
    '$lookup($states.result.nested.deeper, "f")()',
    '1 ~> $states.result.f',
    '1 ~> $states.result.nested.deeper.f',
    '$map([1], $states.result.f)',
    '$map([1], $states.result.list[0])',
    '$states.result.list ~> $map(function($g){ $g() })',
    '$each({"a": 1}, $states.result.f)',
    '$sift({"a": 1}, $states.result.f)',
    '$filter([1], $states.result.f)',
    '$reduce([1, 2], $states.result.f)',
    '$reduce([1, 2], $states.result.f, 0)',
    '$sort([2, 1], $states.result.f)',
    '$single([1], $states.result.f)',
    '$states.result.list[0](1)',
    '$states.result.g()',
    '$states.result.sly',
    '($states.result.sly; $states.result.sly())',
    '$states.result.instance.method()',
    '$lookup($states.result.instance, "method")()',
    '$states.result.inherited.f()',
    '1 ~> $states.result.inherited.f',
    '$states.result.f',
    '$states.result.nested.deeper.f',
    '$states.result.instance.method',
    '$type($states.result.f)',
    '$string($states.result.f)',
    '$states.result.f = $states.result.f',
    '$spread($states.result.nested.deeper).f ~> $map(function($h){ $h() })',
    '$merge([$states.result.nested.deeper]).f()',
    '$each($states.result.nested.deeper, function($v){ $v() })',
    '$sift($states.result.nested.deeper, function($v){ $v() })',
    '$states.result.*[0]()',
    '($x := $states.result.**.f; $x())',
  ];
  const before = snapshotPrototypes();
  for (const expression of forms) {
    calls = [];
    getterReads = 0;
    const definition = { QueryLanguage: 'JSONata', StartAt: 'T', States: { T: { Type: 'Task', Resource: 'make', Output: `{% ${expression} %}`, End: true } } };
    const outcome = await executeSettled(compile(definition, { handlers, clock: virtualClock(0) }), {}, expression);
    assert.equal(calls, [], `${expression} called ${calls.join(', ')}`);
    if (outcome.status === 'SUCCEEDED') assert.ok(isPlainJson(outcome.output), `${expression} returned ${String(outcome.output)}`);
    else assert.is(outcome.error, 'States.QueryEvaluationError', `${expression}: ${outcome.cause}`);
  }
  // The same through the input, the context object and a variable.
  const viaOtherRoutes = [
    ['$states.input.f()', { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $states.input.f() %}', End: true } } }],
    [
      '$map([1], $states.context.Execution.Input.f)',
      { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', Output: '{% $map([1], $states.context.Execution.Input.f) %}', End: true } } },
    ],
    [
      'a variable',
      {
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Assign: { v: '{% $states.input %}' }, Next: 'B' },
          B: { Type: 'Pass', Output: '{% [$v.f(), 1 ~> $v.f, $map([1], $v.list[0])] %}', End: true },
        },
      },
    ],
  ] as const;
  for (const [label, definition] of viaOtherRoutes) {
    calls = [];
    const outcome = await executeSettled(compile(definition, { clock: virtualClock(0) }), result(), label);
    assert.equal(calls, [], `${label} called ${calls.join(', ')}`);
    assert.is(outcome.error, 'States.QueryEvaluationError', `${label}: ${outcome.cause}`);
  }
  // Data stays data: the other members read as they are, a function member is simply absent.
  const fine = {
    QueryLanguage: 'JSONata',
    StartAt: 'T',
    States: {
      T: {
        Type: 'Task',
        Resource: 'make',
        Output: '{% [$keys($states.result.nested.deeper), $exists($states.result.f), $count($states.result.list)] %}',
        End: true,
      },
    },
  };
  const outcome = await executeSettled(compile(fine, { handlers, clock: virtualClock(0) }), {});
  assert.equal(calls, []);
  assertPrototypesUnchanged(before);
  assertNothingRan('functions in data');
  assert.is(outcome.status, 'SUCCEEDED', outcome.cause ?? undefined);
});

noCode('a Task Resource never finds a property of the handlers object prototype', () => {
  const inherited = Object.create({ evil: () => 'inherited', constructor: () => 'ctor' }) as Handlers;
  const handlerSets: [string, Handlers][] = [
    ['a plain object', { echo: (x: unknown) => x }],
    ['an object with a prototype of handlers', inherited],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { echo: (x: unknown) => x }) as Handlers],
    ['non-function entries', { evil: 'not a function', constructor: 42 } as unknown as Handlers],
  ];
  const resources = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'evil'];
  for (const [label, handlers] of handlerSets) {
    for (const resource of [...resources, ...resources.map((r) => `arn:aws:lambda:us-east-1:123456789012:function:${r}`)]) {
      const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } };
      try {
        compile(definition, { handlers });
        assert.unreachable(`${label}: Resource ${resource} found a handler`);
      } catch (e) {
        assert.instance(e, DefinitionError, `${label} ${resource}`);
        assert.equal(
          (e as DefinitionError).problems.map((p) => p.code),
          [ProblemCodes.NO_HANDLER],
          `${label} ${resource}`,
        );
      }
    }
  }
});

noCode('lambda:invoke FunctionName never finds a property of the handlers object prototype', async () => {
  const handlers = Object.create({ evil: () => 'inherited' }) as Record<string, unknown>;
  handlers.known = () => 'known';
  for (const name of [
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'evil',
    'arn:aws:lambda:us-east-1:123456789012:function:constructor',
    'function:__proto__:$LATEST',
  ]) {
    const definition = {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.name', Payload: {} }, End: true } },
    };
    const machine = compile(definition, { handlers: handlers as Handlers, clock: virtualClock(0) });
    const result = await executeSettled(machine, { name }, name);
    assert.equal([result.status, result.error], ['FAILED', 'Lambda.ResourceNotFoundException'], name);
  }
  const known = await executeSettled(
    compile(
      {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'known' }, OutputPath: '$.Payload', End: true } },
      },
      {
        handlers: handlers as Handlers,
        clock: virtualClock(0),
      },
    ),
    {},
  );
  assert.equal([known.status, known.output], ['SUCCEEDED', 'known']);
});

noCode.run();
