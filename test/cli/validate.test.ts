import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/** `statemill validate`: readable and JSON problem listings, templates, and exit codes. */
const validate = suite('cli validate');

validate('valid definitions exit 0, JSON and YAML alike', async () => {
  const r = await cli(['validate', 'order.asl.json', 'order.asl.yaml']);
  assert.is(r.code, 0, r.stdout);
  assert.is(r.stdout, 'order.asl.json: valid\norder.asl.yaml: valid\n');
});

validate('problems are listed with pointer, state, message, code and hint, and exit 4', async () => {
  const r = await cli(['validate', 'broken.asl.json']);
  assert.is(r.code, 4);
  const lines = r.stdout.split('\n');
  assert.is(lines[0], 'broken.asl.json: 3 problems');
  const first = r.stdout.indexOf('/States/Charge/Next  (state "Charge")');
  assert.ok(first > 0, r.stdout);
  assert.ok(r.stdout.includes('[ERR_ASL_UNKNOWN_STATE]') && r.stdout.includes('[ERR_ASL_UNKNOWN_FIELD]'), r.stdout);
  assert.ok(r.stdout.includes('/States/Ship/Retries  (state "Ship")'), r.stdout);
  assert.ok(r.stdout.includes('hint: '), r.stdout);
});

validate('--json gives every problem as data', async () => {
  const r = await cli(['validate', 'broken.asl.json', 'order.asl.json', '--json']);
  assert.is(r.code, 4);
  const report = r.json();
  assert.is(report.valid, false);
  assert.equal(
    report.definitions.map((d: any) => [d.file, d.resource, d.valid]),
    [
      ['broken.asl.json', null, false],
      ['order.asl.json', null, true],
    ],
  );
  const problem = report.definitions[0].problems.find((p: any) => p.pointer === '/States/Charge/Next');
  assert.equal(Object.keys(problem), ['code', 'pointer', 'state', 'message', 'hint']);
  assert.equal([problem.code, problem.state], ['ERR_ASL_UNKNOWN_STATE', 'Charge']);
  assert.type(problem.hint, 'string');
});

validate('every state machine of a template is validated', async () => {
  const r = await cli(['validate', 'two-machines.yaml', '--json']);
  assert.is(r.code, 4);
  const report = r.json();
  assert.equal(
    report.definitions.map((d: any) => [d.resource, d.valid]),
    [
      ['First', true],
      ['Second', false],
    ],
  );
  assert.equal(
    report.definitions[1].problems.map((p: any) => [p.code, p.pointer]),
    [
      ['ERR_ASL_UNKNOWN_STATE', '/States/A/Next'],
      ['ERR_ASL_NO_TERMINAL_STATE', ''],
    ],
  );
});

validate('templates: SAM Definition, CloudFormation DefinitionString, CDK Fn::Join, SAM DefinitionUri, describe-state-machine output', async () => {
  const files = ['sam-template.yaml', 'cfn-template.json', 'cdk-template.json', 'sam-uri.yaml', 'describe-state-machine.json'];
  const r = await cli(['validate', ...files]);
  assert.is(r.code, 0, r.stdout);
  assert.equal(r.stdout.trim().split('\n'), [
    'sam-template.yaml (OrderStateMachine): valid',
    'cfn-template.json (Greeter): valid',
    'cdk-template.json (OrderFlowDEF456): valid',
    'sam-uri.yaml (Orders) → order.asl.json: valid',
    'describe-state-machine.json: valid',
  ]);
});

validate('a file that cannot be read exits 3, even beside files with problems', async () => {
  const r = await cli(['validate', 'broken.asl.json', 'missing.json', '--json']);
  assert.is(r.code, 3);
  const missing = r.json().definitions[1];
  assert.equal([missing.file, missing.valid, missing.error.code], ['missing.json', false, 'ERR_CLI_FILE_NOT_FOUND']);
});

validate('malformed JSON is reported with line and column', async () => {
  const r = await cli(['validate', 'malformed.json']);
  assert.is(r.code, 3);
  assert.ok(r.stdout.includes('malformed.json:4:41: JSON does not allow a trailing comma'), r.stdout);
  assert.ok(r.stdout.includes('4 |     "A": { "Type": "Pass", "End": true, }'), r.stdout);
});

validate('a file with no state machine in it exits 3', async () => {
  const r = await cli(['validate', 'not-a-machine.json', '--json']);
  assert.is(r.code, 3);
  assert.is(r.json().definitions[0].error.code, 'ERR_CLI_NO_STATE_MACHINE');
});

validate('no file at all is a usage error', async () => {
  assert.is((await cli(['validate'])).code, 2);
});

validate('a file that cannot be validated has its code at the end of its first line, before the code frame (it came after the frame)', async () => {
  const r = await cli(['validate', 'pass.asl.json', 'malformed.json']);
  assert.is(r.code, 3);
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith('malformed.json: cannot be validated'));
  assert.ok(lines[at + 1]!.startsWith('  malformed.json:4:41:') && lines[at + 1]!.endsWith('  [ERR_CLI_JSON_SYNTAX]'), r.stdout);
  assert.is(r.stdout.split('[ERR_CLI_JSON_SYNTAX]').length, 2, r.stdout);
});

validate.run();
