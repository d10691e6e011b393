import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, ProblemCodes, validate, virtualClock } from '../../../src/index.js';
import { bracketNotation, compileSetter, parsePath, parseReferencePath, PathSyntaxError } from '../../../src/compile/jsonpath/paths.js';

/**
 * JSONPath forms and what Jayway JsonPath (the dialect AWS runs) gives for them: the examples
 * of Jayway's README over its store document, the forms from AWS's published samples that
 * issue 14 lists, names that need brackets and escapes, and forms Jayway refuses. Each path is
 * evaluated in every place a Path can be written: Parameters (`.$`), InputPath, the context
 * object (`$$.Execution.Input…`), a variable (`$doc…`), and a Choice rule's Variable.
 */
const paths = suite('JSONPath (Jayway)');

interface Case {
  path: string;
  expected?: unknown;
  missing?: true;
  refused?: true;
  source: string;
}
interface Table {
  name: string;
  document: unknown;
  cases: Case[];
}

const tables = JSON.parse(readFileSync(new URL('./paths.jayway.json', import.meta.url), 'utf8')) as Table[];

async function runDefinition(definition: unknown, input: unknown) {
  return compile(definition, { clock: virtualClock(0) }).execute(input);
}

const single = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { ...state, End: true } } });

/** The same path read from another root: `$$.Execution.Input…` or `$doc…`; null when a filter inside reads `$`. */
function rerooted(path: string, root: string): string | null {
  const trimmed = path.trim();
  if (trimmed.slice(1).includes('$')) return null;
  return root + trimmed.slice(1);
}

async function checkRead(label: string, state: Record<string, unknown>, document: unknown, c: Case, read: (output: unknown) => unknown) {
  const result = await runDefinition(single(state), document);
  if (c.missing) {
    assert.equal([result.status, result.error], ['FAILED', 'States.Runtime'], `${label} ${c.path}: ${result.cause}`);
  } else {
    assert.is(result.status, 'SUCCEEDED', `${label} ${c.path}: ${result.cause}`);
    assert.equal(read(result.output), c.expected, `${label} ${c.path} (${c.source})`);
  }
}

for (const table of tables) {
  for (const c of table.cases) {
    paths(`${table.name}: ${JSON.stringify(c.path)} — ${c.source}`, async () => {
      if (c.refused) {
        assert.throws(
          () => parsePath(c.path),
          (e: unknown) => e instanceof PathSyntaxError,
        );
        const problems = validate(single({ Type: 'Pass', Parameters: { 'v.$': c.path } }));
        assert.equal(
          problems.map((p) => p.code),
          [ProblemCodes.PATH_SYNTAX],
          c.path,
        );
        return;
      }
      const document = table.document;
      await checkRead('Parameters', { Type: 'Pass', Parameters: { 'v.$': c.path } }, document, c, (o) => (o as { v: unknown }).v);
      await checkRead('InputPath', { Type: 'Pass', InputPath: c.path }, document, c, (o) => o);
      const context = rerooted(c.path, '$$.Execution.Input');
      if (context !== null) {
        await checkRead('context', { Type: 'Pass', Parameters: { 'v.$': context } }, document, c, (o) => (o as { v: unknown }).v);
      }
      const variable = rerooted(c.path, '$doc');
      if (variable !== null) {
        const definition = {
          StartAt: 'A',
          States: { A: { Type: 'Pass', Assign: { 'doc.$': '$' }, Next: 'S' }, S: { Type: 'Pass', Parameters: { 'v.$': variable }, End: true } },
        };
        const result = await runDefinition(definition, document);
        if (c.missing) assert.is(result.error, 'States.Runtime', `variable ${variable}`);
        else assert.equal((result.output as { v: unknown }).v, c.expected, `variable ${variable}`);
      }
      if (parsePath(c.path).definite) {
        const choice = {
          StartAt: 'C',
          States: {
            C: { Type: 'Choice', Choices: [{ Variable: c.path, IsPresent: true, Next: 'Yes' }], Default: 'No' },
            Yes: { Type: 'Pass', Result: 'present', End: true },
            No: { Type: 'Pass', Result: 'absent', End: true },
          },
        };
        const result = await runDefinition(choice, document);
        assert.is(result.output, c.missing ? 'absent' : 'present', `Choice ${c.path}: ${result.cause}`);
      }
    });
  }
}

paths('Reference Paths (ResultPath, ItemsPath, *Path) take names and single indices, with the same escapes and trimming', async () => {
  for (const text of ['$.a.[0]', "$['it\\'s']", ' $.a ', '$.a["b"][-1]']) parseReferencePath(text);
  for (const text of ["$['a','b']", '$.a[0,1]', '$.a[*]', '$..a', '$.a[?(@.b)]', '$.a[1:]', '$.a.length()']) {
    assert.throws(
      () => parseReferencePath(text),
      (e: unknown) => e instanceof PathSyntaxError,
      text,
    );
  }
  const result = await runDefinition(single({ Type: 'Pass', Result: 'x', ResultPath: "$.list.[1]['it\\'s']" }), { list: [{}, { a: 1 }] });
  assert.equal(result.output, { list: [{}, { a: 1, "it's": 'x' }] });
  const items = await runDefinition(
    single({ Type: 'Map', ItemsPath: ' $.[0].items ', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } }),
    [{ items: [1, 2] }],
  );
  assert.equal(items.output, [1, 2]);
});

paths('intrinsic arguments read the same forms', async () => {
  const result = await runDefinition(
    single({ Type: 'Pass', Parameters: { 'n.$': "States.ArrayLength($.items[*]['bucket','key'])", 'q.$': "States.Format('{}', $['it\\'s'])" } }),
    { items: [{ bucket: 'b', key: 'k' }, { bucket: 'c' }], "it's": 'yes' },
  );
  assert.equal(result.output, { n: 2, q: 'yes' });
});

paths('a filter comparing with an unquoted word compares with that string, as AWS runs the public samples that write it', async () => {
  const definition = single({
    Type: 'Pass',
    Parameters: { 'receipt.$': '$.Labels[?(@.Name==Receipt)]', 'spanish.$': '$.Translations[?(@.TargetLanguageCode==es)].TranslatedText' },
  });
  assert.equal(validate(definition), []);
  const result = await runDefinition(definition, {
    Labels: [{ Name: 'Receipt', Confidence: 99 }, { Name: 'Invoice' }],
    Translations: [
      { TargetLanguageCode: 'fr', TranslatedText: 'bonjour' },
      { TargetLanguageCode: 'es', TranslatedText: 'hola' },
    ],
  });
  assert.equal(result.output, { receipt: [{ Name: 'Receipt', Confidence: 99 }], spanish: ['hola'] });
});

paths('a missing definite path is named in bracket notation in the cause', () => {
  assert.is(bracketNotation("$.a.[0]['it\\'s']"), "$['a'][0]['it's']");
  assert.is(bracketNotation(' $.a '), "$['a']");
});

paths('InputPath/OutputPath finding nothing: a member missing before the last step is "Missing property in path" up to it, as Jayway and AWS say', async () => {
  const prefix = "An error occurred while executing the state 'S' (entered at the event id #2). ";
  // The first row is AWS-recorded (case test_catch_states_runtime, an OutputPath over a Task result).
  const cases: { field: string; path: string; input: unknown; detail: string }[] = [
    { field: 'OutputPath', path: '$.no.such.result.path', input: {}, detail: "Missing property in path $['no']" },
    { field: 'InputPath', path: '$.a.b.c', input: { a: {} }, detail: "Missing property in path $['a']['b']" },
    { field: 'InputPath', path: '$.a[1].b.c', input: { a: [0, {}] }, detail: "Missing property in path $['a'][1]['b']" },
    { field: 'InputPath', path: '$.a[-1].b.c', input: { a: [{}] }, detail: "Missing property in path $['a'][-1]['b']" },
    { field: 'InputPath', path: '$.NoSuchInputPath', input: { x: 0 }, detail: "No results for path: $['NoSuchInputPath']" },
    { field: 'InputPath', path: '$.a.b', input: { a: {} }, detail: "No results for path: $['a']['b']" },
    { field: 'InputPath', path: '$.a[3].b', input: { a: [] }, detail: "No results for path: $['a'][3]['b']" },
  ];
  for (const { field, path, input, detail } of cases) {
    const result = await runDefinition(single({ Type: 'Pass', [field]: path }), input);
    assert.is(result.error, 'States.Runtime', path);
    assert.is(result.cause, `${prefix}Invalid path '${path}' : ${detail}`, path);
  }
});

paths('a Map ItemsPath finding nothing is worded as Jayway words it, in bracket notation', async () => {
  const prefix = "An error occurred while executing the state 'S' (entered at the event id #2). ";
  const cases: { path: string; input: unknown; detail: string }[] = [
    { path: '$.items', input: {}, detail: "No results for path: $['items']" },
    { path: '$.a.items', input: {}, detail: "Missing property in path $['a']" },
  ];
  for (const { path, input, detail } of cases) {
    const map = { Type: 'Map', ItemsPath: path, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } } };
    const result = await runDefinition(single(map), input);
    assert.is(result.error, 'States.Runtime', path);
    assert.is(result.cause, `${prefix}Invalid path '${path}' : ${detail}`, path);
  }
});

paths('a ResultPath write copies the document, sets the member and leaves the original as it was; a non-object on the way is no match', () => {
  const cases: { path: string; document: unknown; value: unknown; expected: unknown }[] = [
    { path: '$.r', document: { a: 1 }, value: 2, expected: { a: 1, r: 2 } },
    { path: '$.a', document: { a: 1, b: 2 }, value: { x: 1 }, expected: { a: { x: 1 }, b: 2 } },
    { path: '$.r', document: {}, value: null, expected: { r: null } },
    { path: '$.r.s', document: { a: 1 }, value: 2, expected: { a: 1, r: { s: 2 } } },
    { path: '$.r.s', document: { r: { t: 1 } }, value: 2, expected: { r: { t: 1, s: 2 } } },
    { path: '$.r', document: [1, 2], value: 2, expected: undefined },
    { path: '$.r', document: 'text', value: 2, expected: undefined },
    { path: '$.r', document: null, value: 2, expected: undefined },
    { path: '$.r.s', document: { r: 5 }, value: 2, expected: undefined },
    { path: '$.r', document: { a: 1 }, value: undefined, expected: undefined },
    { path: '$.r.s', document: { a: 1 }, value: undefined, expected: undefined },
  ];
  for (const { path, document, value, expected } of cases) {
    const before = JSON.stringify(document);
    assert.equal(compileSetter(path)(document, value), expected, `${path} on ${before}`);
    assert.is(JSON.stringify(document), before, `${path} left ${before} unchanged`);
  }
  const written = compileSetter("$['__proto__']")({ a: 1 }, { polluted: true }) as Record<string, unknown>;
  assert.ok(Object.prototype.hasOwnProperty.call(written, '__proto__'), 'an own member named __proto__');
  assert.is(Object.getPrototypeOf(written), Object.prototype);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

paths.run();
