import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, virtualClock } from '../../../src/index.js';

/**
 * A JSONPath Task skips the identity steps of its input and output processing (no
 * Parameters, InputPath `$`, a result that is the whole output): whichever fields are
 * given, absent or `$`, the handler must get and the state must give what AWS's
 * InputPath → Parameters → ResultSelector → ResultPath → OutputPath chain makes.
 */
const io = suite('task input and output processing');

const input = { a: { b: 1 }, keep: 'k' };
const answer = { x: { y: 2 }, z: 3 };

const rows: [string, Record<string, unknown>, unknown, unknown][] = [
  ['no fields: the input in, the result out', {}, input, answer],
  ['InputPath, ResultPath and OutputPath `$`', { InputPath: '$', ResultPath: '$', OutputPath: '$' }, input, answer],
  ['InputPath selects', { InputPath: '$.a' }, input.a, answer],
  ['Parameters build', { Parameters: { 'p.$': '$.a.b' } }, { p: 1 }, answer],
  ['InputPath then Parameters', { InputPath: '$.a', Parameters: { 'p.$': '$.b' } }, { p: 1 }, answer],
  ['ResultPath null keeps the input', { ResultPath: null }, input, input],
  ['ResultPath into the input', { ResultPath: '$.r' }, input, { ...input, r: answer }],
  ['OutputPath null', { OutputPath: null }, input, {}],
  ['ResultPath `$` and OutputPath null', { ResultPath: '$', OutputPath: null }, input, {}],
  ['OutputPath selects from the result', { OutputPath: '$.x' }, input, answer.x],
  ['ResultSelector', { ResultSelector: { 'w.$': '$.z' } }, input, { w: 3 }],
  ['ResultSelector beside the input, OutputPath selects', { ResultSelector: { 'w.$': '$.z' }, ResultPath: '$.r', OutputPath: '$.r' }, input, { w: 3 }],
];

for (const [name, fields, received, output] of rows) {
  io(name, async () => {
    let got: unknown;
    const handler = (value: unknown) => {
      got = value;
      return structuredClone(answer);
    };
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', ...fields, End: true } } };
    const result = await compile(definition, { handlers: { h: handler }, clock: virtualClock(0) }).execute(structuredClone(input));
    assert.is(result.status, 'SUCCEEDED', result.cause ?? '');
    assert.equal(got, received);
    assert.equal(result.output, output);
  });
}

io('without InputPath or Parameters the handler gets the state input itself, and its result is the output itself', async () => {
  const own = { n: 1 };
  let got: unknown;
  const returned = { m: 2 };
  const machine = compile(
    { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', InputPath: '$', End: true } } },
    { handlers: { h: (value: unknown) => ((got = value), returned) }, clock: virtualClock(0) },
  );
  const result = await machine.execute(own);
  assert.is(got, own);
  assert.is(result.output, returned);
});

io.run();
