import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, ExecutionNameError, executionNameProblem } from '../../src/index.js';

/** Execution names (AWS's InvalidName rules) and execution ARNs (`$$.Execution.Id`). */
const identity = suite('execution-identity');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const showsId = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name' }, End: true } } };

// AWS counts characters (code points): 80 emoji are 80 characters, though 160 UTF-16 units.
const valid: string[] = ['a', 'order-42_retry.3', 'x'.repeat(80), 'naïve-café', 'emoji-😀', 'a+b=c@d!', "it's(1)", '😀'.repeat(80), `${'x'.repeat(79)}😀`];
const invalid: [label: string, name: unknown][] = [
  ['empty', ''],
  ['81 characters', 'x'.repeat(81)],
  ['200 characters', 'y'.repeat(200)],
  ['81 emoji', '😀'.repeat(81)],
  ['80 characters and an emoji', `${'x'.repeat(80)}😀`],
  ['a space', 'has space'],
  ['a tab', 'tab\there'],
  ['a no-break space', 'no\u00a0break'],
  ['a line separator', 'line\u2028sep'],
  ...[...'<>{}[]?*"#%\\^|~`$&,;:/'].map((c): [string, string] => [`'${c}'`, `a${c}b`]),
  ['a control character', 'bell\u0007'],
  ['DEL', 'del\u007f'],
  ['a C1 control character', 'c1\u0085'],
  ['U+FFFE', 'nonchar\ufffe'],
  ['U+FFFF', 'nonchar\uffff'],
  ['U+10FFFF', 'max\u{10ffff}'],
  ['a lone high surrogate', 'half\ud83d'],
  ['a lone low surrogate', '\ude00half'],
  ['a number', 42],
  ['null', null],
  ['an object', { name: 'x' }],
  ['an array', ['x']],
];

identity('valid execution names run and show as $$.Execution.Name', async () => {
  const m = compile(showsId);
  for (const name of valid) {
    assert.is(executionNameProblem(name), null, name);
    const r = await m.execute({}, { name });
    assert.is(r.name, name);
    assert.is((r.output as { name: string }).name, name);
  }
});

for (const [label, name] of invalid) {
  identity(`an execution name with ${label} is refused before anything runs`, async () => {
    let calls = 0;
    const m = compile({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'h', End: true } } }, { handlers: { h: () => calls++ } });
    assert.type(executionNameProblem(name), 'string');
    try {
      m.run({}, { name: name as string });
      assert.unreachable('run() must throw');
    } catch (e) {
      assert.instance(e, ExecutionNameError);
      assert.is((e as ExecutionNameError).code, 'ERR_EXECUTION_NAME');
    }
    const rejected = await m.execute({}, { name: name as string }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.instance(rejected, ExecutionNameError);
    assert.is(calls, 0);
  });
}

identity('an Express execution ARN ends in a UUID of its own; $$.Execution.Id is that ARN', async () => {
  const m = compile(showsId, { stateMachineName: 'orders', region: 'eu-west-1', accountId: '111122223333' });
  const first = await m.execute({}, { name: 'same' });
  const second = await m.execute({}, { name: 'same' });
  for (const r of [first, second]) {
    const prefix = 'arn:aws:states:eu-west-1:111122223333:express:orders:same:';
    assert.ok(r.executionArn.startsWith(prefix), r.executionArn);
    assert.match(r.executionArn.slice(prefix.length), UUID);
    assert.is((r.output as { id: string }).id, r.executionArn);
  }
  assert.is.not(first.executionArn, second.executionArn);
  const unnamed = await m.execute({});
  assert.match(unnamed.name, UUID);
  assert.match(unnamed.executionArn, new RegExp(`:express:orders:${unnamed.name}:[0-9a-f-]{36}$`));
});

identity('the executionId option ends the ARN; a Standard execution ARN has no UUID', async () => {
  const given = await compile(showsId).execute({}, { name: 'n', executionId: '0f0e0d0c-0b0a-4908-8706-050403020100' });
  assert.is(given.executionArn, 'arn:aws:states:us-east-1:123456789012:express:statemill:n:0f0e0d0c-0b0a-4908-8706-050403020100');
  const standard = await compile(showsId, { workflowType: 'STANDARD' }).execute({}, { name: 'n' });
  assert.is(standard.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:statemill:n');
  assert.is((standard.output as { id: string }).id, standard.executionArn);
});

identity('default names and ARN ids are distinct UUIDs', () => {
  const m = compile(showsId);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const r = m.run({}) as { name: string; executionArn: string };
    assert.match(r.name, UUID);
    seen.add(r.name);
    seen.add(r.executionArn.slice(-36));
  }
  assert.is(seen.size, 4000);
});

identity.run();
