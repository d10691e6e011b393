import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/** `statemill run`: the result as JSON, exit codes by status, and every way its inputs can be wrong. */
const run = suite('cli run');

const order = ['run', 'order.asl.json', '--handlers', './handlers.mjs'];

run('a SUCCEEDED execution prints status and output and exits 0', async () => {
  const r = await cli([...order, '--input-json', '{"orderId": "o-1", "amount": 20}', '--name', 'first-order']);
  assert.is(r.code, 0, r.stderr);
  const result = r.json();
  assert.equal(Object.keys(result).slice(0, 2), ['status', 'output']);
  assert.is(result.status, 'SUCCEEDED');
  assert.equal(result.output, { orderId: 'o-1', amount: 20, payment: { approved: true }, shipment: { tracking: 'T-o-1' } });
  assert.is(result.name, 'first-order');
  assert.match(result.executionArn, /:express:statemill:first-order:[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(result.startDate)) && !Number.isNaN(Date.parse(result.stopDate)));
});

run('a FAILED execution prints error and cause and exits 1', async () => {
  const r = await cli([...order, '--input-json', '{"orderId": "o-2", "amount": 500}']);
  assert.is(r.code, 1);
  const result = r.json();
  assert.equal([result.status, result.error, result.cause, 'output' in result], ['FAILED', 'Payment.Declined', 'The card was declined.', false]);
});

run('a YAML definition runs like its JSON twin', async () => {
  const r = await cli(['run', 'order.asl.yaml', '--handlers', './handlers.mjs', '--input-json', '{"orderId": "y", "amount": 1}']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.json().output.shipment, { tracking: 'T-y' });
});

run('the input comes from --input <file>', async () => {
  const r = await cli([...order, '--input', 'input.json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.json().output.orderId, 'o-7');
});

run('the input comes from piped stdin, or from stdin named with --input -', async () => {
  for (const extra of [[], ['--input', '-']]) {
    const r = await cli([...order, ...extra], { stdin: '{"orderId": "piped", "amount": 3}\n' });
    assert.is(r.code, 0, r.stderr);
    assert.is(r.json().output.orderId, 'piped');
  }
});

run('without input, or with an empty pipe, the input is {}', async () => {
  const definition = ['run', 'describe-state-machine.json'];
  for (const options of [{}, { stdin: '  \n' }]) {
    const r = await cli(definition, options);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.json().output, 'hi');
  }
});

run('malformed input JSON says where: file, line and column', async () => {
  const r = await cli([...order, '--input', 'input-malformed.json']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('input-malformed.json:4:3:'), r.stderr);
  assert.ok(r.stderr.includes('[ERR_CLI_JSON_SYNTAX]'), r.stderr);
  const inline = await cli([...order, '--input-json', '{"a": 1,}']);
  assert.is(inline.code, 3);
  assert.ok(inline.stderr.includes('--input-json:1:9:'), inline.stderr);
  const piped = await cli(order, { stdin: '[1, 2' });
  assert.ok(piped.stderr.includes('<stdin>:1:6:'), piped.stderr);
});

run('--input and --input-json together are a usage error', async () => {
  const r = await cli([...order, '--input', 'input.json', '--input-json', '{}']);
  assert.is(r.code, 2);
});

run('an invalid --name is a usage error (exit 2, ERR_CLI_USAGE) naming the rule it breaks', async () => {
  for (const name of ['has space', 'a:b', 'x'.repeat(81), '']) {
    const r = await cli([...order, '--input-json', '{}', '--name', name]);
    assert.is(r.code, 2, name);
    assert.ok(r.stderr.includes('--name') && r.stderr.includes('[ERR_CLI_USAGE]'), r.stderr);
  }
});

run('a missing definition file exits 3 and names the path', async () => {
  const r = await cli(['run', 'no-such.asl.json']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_FILE_NOT_FOUND]') && r.stderr.includes('no-such.asl.json'), r.stderr);
});

run('a malformed definition says where', async () => {
  const json = await cli(['run', 'malformed.json']);
  assert.is(json.code, 3);
  assert.ok(json.stderr.includes('malformed.json:4:41:') && json.stderr.includes('[ERR_CLI_JSON_SYNTAX]'), json.stderr);
  const yaml = await cli(['run', 'malformed.yaml']);
  assert.is(yaml.code, 3);
  assert.ok(yaml.stderr.includes('malformed.yaml:') && yaml.stderr.includes('[ERR_CLI_YAML_SYNTAX]'), yaml.stderr);
});

run('an invalid definition exits 4 and lists its problems on stderr', async () => {
  const r = await cli(['run', 'broken.asl.json']);
  assert.is(r.code, 4);
  assert.is(r.stdout, '');
  assert.ok(r.stderr.includes('/States/Charge/Next') && r.stderr.includes('ERR_ASL_UNKNOWN_STATE'), r.stderr);
});

run('a Resource without a handler exits 4, naming the state, the resource and how to provide one', async () => {
  const r = await cli(['run', 'order.asl.json', '--handlers', './sam-handlers.mjs']);
  assert.is(r.code, 4);
  assert.ok(r.stderr.includes('/States/Ship/Resource') && r.stderr.includes('(state "Ship")'), r.stderr);
  assert.ok(r.stderr.includes('[ERR_ASL_NO_HANDLER]') && r.stderr.includes('--handlers'), r.stderr);
});

run('a handlers module without a `handlers` export exits 3 and lists what it does export', async () => {
  const r = await cli(['run', 'order.asl.json', '--handlers', './handlers-no-export.mjs']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_HANDLERS_EXPORT]') && r.stderr.includes('charge, default'), r.stderr);
});

run('a handlers export with a value that is not a function names the key', async () => {
  const r = await cli(['run', 'order.asl.json', '--handlers', './handlers-not-functions.mjs']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_HANDLERS_EXPORT]') && r.stderr.includes("'ship'"), r.stderr);
});

run('a handlers module that throws while loading exits 3 with its error', async () => {
  const r = await cli(['run', 'order.asl.json', '--handlers', './handlers-throws.mjs']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_HANDLERS_MODULE]') && r.stderr.includes('payment sandbox'), r.stderr);
});

run('JSON text given to --input (a file option) exits 3 and points to --input-json', async () => {
  const r = await cli([...order, '--input', '{"orderId": "o-1"}']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_FILE_NOT_FOUND]'), r.stderr);
  assert.ok(r.stderr.includes(`--input-json '{"orderId": "o-1"}'`), r.stderr);
});

run('a missing handlers module exits 3', async () => {
  const r = await cli(['run', 'order.asl.json', '--handlers', './nope.mjs']);
  assert.is(r.code, 3);
  assert.ok(r.stderr.includes('[ERR_CLI_FILE_NOT_FOUND]'), r.stderr);
});

run('a SAM template runs: !GetAtt Fn.Arn substitutions become Lambda ARNs found by function name', async () => {
  const r = await cli(['run', 'sam-template.yaml', '--handlers', './sam-handlers.mjs', '--input-json', '{"orderId": "sam"}']);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.json().output, { orderId: 'sam', payment: { approved: true }, shipment: { tracking: 'T-sam' } });
});

run('CDK output runs: DefinitionString built with Fn::Join', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-cli-'));
  try {
    writeFileSync(join(dir, 'h.mjs'), 'export const handlers = { ChargeFnABC123: (e) => ({ charged: e.amount }) };');
    const r = await cli(['run', 'cdk-template.json', '--handlers', join(dir, 'h.mjs'), '--input-json', '{"amount": 4}']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.json().output, { charged: 4 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

run('a template with several state machines needs --resource', async () => {
  const ambiguous = await cli(['run', 'two-machines.yaml']);
  assert.is(ambiguous.code, 3);
  assert.ok(ambiguous.stderr.includes('[ERR_CLI_AMBIGUOUS_STATE_MACHINE]') && ambiguous.stderr.includes('First, Second'), ambiguous.stderr);
  const chosen = await cli(['run', 'two-machines.yaml', '--resource', 'First']);
  assert.is(chosen.code, 0, chosen.stderr);
  assert.is(chosen.json().output, 'first');
  const unknown = await cli(['run', 'two-machines.yaml', '--resource', 'Third']);
  assert.is(unknown.code, 3);
  assert.ok(unknown.stderr.includes('[ERR_CLI_NO_STATE_MACHINE]'), unknown.stderr);
});

run('a timed-out execution exits 5', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-cli-'));
  try {
    const definition = { TimeoutSeconds: 1, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 5, End: true } } };
    writeFileSync(join(dir, 'slow.json'), JSON.stringify(definition));
    const r = await cli(['run', join(dir, 'slow.json'), '--virtual-clock']);
    assert.is(r.code, 5);
    assert.equal([r.json().status, r.json().error], ['TIMED_OUT', 'States.Timeout']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

run('an execution aborted through the signal (Ctrl-C) exits 6', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-cli-'));
  try {
    const definition = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } };
    writeFileSync(join(dir, 'wait.json'), JSON.stringify(definition));
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(new Error('Interrupted (Ctrl-C).')), 20);
    const r = await cli(['run', join(dir, 'wait.json')], { signal: interrupt.signal });
    assert.is(r.code, 6);
    assert.is(r.json().status, 'ABORTED');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

run.run();
