import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CliError } from '../../src/cli/cli-error.js';
import { findStateMachines } from '../../src/cli/cloudformation.js';
import { loadDefinition } from '../../src/cli/definition-file.js';
import { parseYamlText } from '../../src/cli/yaml-text.js';
import { checkSupport, compile, DefinitionError, validate } from '../../src/index.js';
import { cli, fixtures } from './run-cli.js';
import { aliasBombLines } from './fixtures/alias-bomb.js';

/**
 * Templates as AWS's tooling reads them: lenient YAML, --param, names and types from the
 * template, activities and functions resolved to ARNs; and validate telling what run tells.
 */
const templates = suite('templates');

const lenientCases: Array<{ name: string; yaml: string; expected: unknown }> = [
  { name: 'a duplicate key keeps its last value', yaml: 'a: 1\nb: 2\na: 3\n', expected: { a: 3, b: 2 } },
  {
    name: 'a flow mapping may close left of its key',
    yaml: 'r:\n  p:\n    doc: {\n      "v": 1\n  }\n  q: 2\n',
    expected: { r: { p: { doc: { v: 1 } }, q: 2 } },
  },
  {
    name: "a double-quoted string may run over lines at its key's indentation",
    yaml: 'r:\n  a: "one\n  two"\n  b: 1\n',
    expected: { r: { a: 'one two', b: 1 } },
  },
  {
    name: 'short forms still expand in a leniently read file',
    yaml: 'a: !Ref X\nb: !GetAtt F.Arn\nc: !Sub ["${A}", {A: !Ref Y}]\nd: {\n  "e": !Join ["", [x]]\n }\nd: !Select [0, [z]]\n',
    expected: { a: { Ref: 'X' }, b: { 'Fn::GetAtt': ['F', 'Arn'] }, c: { 'Fn::Sub': ['${A}', { A: { Ref: 'Y' } }] }, d: { 'Fn::Select': [0, ['z']] } },
  },
];

for (const c of lenientCases) {
  templates(`YAML as lenient as AWS's tooling: ${c.name}`, () => {
    assert.equal(parseYamlText(c.yaml, 't.yaml'), c.expected);
  });
}

templates('YAML that AWS refuses too is still a syntax error with line and column', () => {
  for (const yaml of ['a: [1, 2\nb: 3\n', 'a: "open\n', 'a:\n\t- tab\n']) {
    assert.throws(
      () => parseYamlText(yaml, 'bad.yaml'),
      (e: unknown) => e instanceof CliError && e.code === 'ERR_CLI_YAML_SYNTAX' && /^bad\.yaml:\d+:\d+: /.test(e.message),
    );
  }
});

templates('an alias bomb is refused on the lenient path too', () => {
  const bomb = ['x: {\n  "y": 1\n }', ...aliasBombLines()];
  assert.throws(
    () => parseYamlText(bomb.join('\n'), 'bomb.yaml'),
    (e: unknown) => e instanceof CliError && e.code === 'ERR_CLI_YAML_SYNTAX',
  );
});

templates('a template with lenient YAML outside the state machine loads; name and type come from it', async () => {
  const loaded = await loadDefinition('lenient-template.yaml', fixtures);
  assert.equal([loaded.resource, loaded.name, loaded.type], ['Orders', 'orders-dev', 'EXPRESS']);
  // FunctionName is a !Sub: the ARN is built from what it resolves to.
  assert.is((loaded.definition as any).States.Charge.Resource, 'arn:aws:lambda:us-east-1:123456789012:function:statemill-charge-dev');
});

templates('--param fills template parameters, in !Sub and !Ref alike', async () => {
  const loaded = await loadDefinition('lenient-template.yaml', fixtures, undefined, new Map([['Stage', 'prod']]));
  assert.is(loaded.name, 'orders-prod');
  assert.is((loaded.definition as any).States.Charge.Resource, 'arn:aws:lambda:us-east-1:123456789012:function:statemill-charge-prod');
});

templates('--param fills DefinitionSubstitutions and placeholders the template leaves open; it wins over the template', () => {
  const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Result: { table: '${Table}', queue: '${Queue}', left: '${Left}' }, End: true } } };
  const template = {
    Resources: {
      M: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { Definition: definition, DefinitionSubstitutions: { Table: 'from-template', Queue: 'from-template' } },
      },
    },
  };
  const [found] = findStateMachines(
    template,
    new Map([
      ['Queue', 'given'],
      ['Left', 'filled'],
    ]),
  )!;
  const result = (found!.substitute((found!.source as { definition: unknown }).definition) as any).States.P.Result;
  assert.equal(result, { table: 'from-template', queue: 'given', left: 'filled' });
  const [bare] = findStateMachines(definition, new Map([['Table', 't']]))!;
  assert.equal((bare!.substitute(definition) as any).States.P.Result, { table: 't', queue: '${Queue}', left: '${Left}' });
});

templates('machine name and type: Name/Type (SAM), StateMachineName/StateMachineType (CloudFormation), else the logical id and STANDARD', () => {
  const definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
  const found = findStateMachines({
    Resources: {
      Sam: { Type: 'AWS::Serverless::StateMachine', Properties: { Name: 'sam-name', Type: 'EXPRESS', Definition: definition } },
      Cfn: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'cfn-name', StateMachineType: 'EXPRESS', Definition: definition } },
      Plain: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Definition: definition } },
    },
  })!;
  assert.equal(
    found.map((f) => [f.resource, f.name, f.type]),
    [
      ['Sam', 'sam-name', 'EXPRESS'],
      ['Cfn', 'cfn-name', 'EXPRESS'],
      ['Plain', 'Plain', 'STANDARD'],
    ],
  );
  assert.equal(
    findStateMachines(definition)!.map((f) => [f.name, f.type]),
    [[null, null]],
  );
});

templates('activities resolve to activity ARNs: !Ref is the ARN, !GetAtt .Name the name (the logical id without one)', async () => {
  const loaded = await loadDefinition('activity-template.yaml', fixtures);
  const ask = (loaded.definition as any).States.Ask;
  assert.is(ask.Resource, 'arn:aws:states:us-east-1:123456789012:activity:approve-order');
  assert.equal(ask.Parameters, { who: 'Review', review: 'arn:aws:states:us-east-1:123456789012:activity:Review' });
  assert.equal([loaded.name, loaded.type], ['approvals', 'EXPRESS']);
  const r = await cli(['validate', 'activity-template.yaml']);
  assert.is(r.code, 4);
  assert.ok(r.stdout.includes('activity:approve-order') && r.stdout.includes('[ERR_ASL_UNSUPPORTED_INTEGRATION]'), r.stdout);
});

templates('DefinitionUri text is substituted before it is parsed, as AWS does: "Seconds": ${WaitSeconds} becomes a number', async () => {
  const loaded = await loadDefinition('standard-template.yaml', fixtures);
  assert.is((loaded.definition as any).States.Later.Seconds, 400);
  assert.equal([loaded.name, loaded.type], ['Reminder', 'STANDARD']);
  const given = await loadDefinition('standard-template.yaml', fixtures, undefined, new Map([['WaitSeconds', '5']]));
  assert.is((given.definition as any).States.Later.Seconds, 5);
});

templates('a placeholder left open in definition text that then does not parse is named, with --param as the way out', async () => {
  const template =
    'Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: \'{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${Delay}, "End": true}}}\'\n';
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'statemill-templates-'));
  writeFileSync(join(dir, 'open.yaml'), template);
  const r = await cli(['validate', join(dir, 'open.yaml')]);
  assert.is(r.code, 3);
  assert.ok(r.stdout.includes('${Delay}') && r.stdout.includes('--param Name=Value'), r.stdout);
  const filled = await cli(['validate', join(dir, 'open.yaml'), '--param', 'Delay=3']);
  assert.is(filled.code, 0, filled.stdout);
});

// compile() now refuses a state machine name AWS would refuse; a template's name with an open placeholder must not stop `run`.
templates('a template name AWS would refuse (an open ${Stage}, a space) runs under the logical id, said on stderr; --param fills the placeholder', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'statemill-templates-'));
  const template = (name: string) =>
    'Parameters:\n  Stage:\n    Type: String\nResources:\n  Orders:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n' +
    `      Name: ${name}\n      Type: EXPRESS\n` +
    "      Definition:\n        StartAt: P\n        States:\n          P: { Type: Pass, Parameters: { 'name.$': '$$.StateMachine.Name' }, End: true }\n";
  writeFileSync(join(dir, 'open.yaml'), template('!Sub "${Stage}-orders"'));
  writeFileSync(join(dir, 'spaced.yaml'), template('"my orders"'));
  const cases: [args: string[], name: string, note: RegExp | null][] = [
    [[join(dir, 'open.yaml')], 'Orders', /'\$\{Stage\}-orders' is not one AWS takes .*--param Name=Value.*'Orders', its logical id/],
    [[join(dir, 'open.yaml'), '--param', 'Stage=prod'], 'prod-orders', null],
    [[join(dir, 'spaced.yaml')], 'Orders', /'my orders' is not one AWS takes \(a state machine name cannot contain U\+0020/],
  ];
  for (const [args, name, note] of cases) {
    const r = await cli(['run', ...args]);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.equal([r.json().output.name, r.json().stateMachineArn.split(':').pop()], [name, name], args.join(' '));
    if (note === null) assert.is(r.stderr, '', args.join(' '));
    else assert.match(r.stderr, note);
  }
});

templates("a STANDARD machine runs with Standard's one-year limit and says so; --type EXPRESS brings back five minutes", async () => {
  const standard = await cli(['run', 'standard-template.yaml', '--virtual-clock']);
  assert.is(standard.code, 0, standard.stdout + standard.stderr);
  const result = standard.json();
  assert.is(result.status, 'SUCCEEDED');
  assert.ok(result.executionArn.includes(':execution:Reminder:') && result.stateMachineArn.endsWith(':stateMachine:Reminder'), result.executionArn);
  assert.ok(standard.stderr.includes('STANDARD'), standard.stderr);
  const express = await cli(['run', 'standard-template.yaml', '--virtual-clock', '--type', 'EXPRESS']);
  assert.is(express.code, 5, express.stdout);
  assert.is(express.json().status, 'TIMED_OUT');
});

templates('--param without = is a usage error', async () => {
  const r = await cli(['run', 'standard-template.yaml', '--param', 'WaitSeconds']);
  assert.is(r.code, 2);
  assert.ok(r.stderr.includes('[ERR_CLI_USAGE]'), r.stderr);
});

templates('validate and run agree: a Distributed Map with an S3 ItemReader is valid and runs once S3 has a handler', async () => {
  const v = await cli(['validate', 'distributed-map.asl.json']);
  assert.is(v.code, 0, v.stdout);
  const json = (await cli(['validate', 'distributed-map.asl.json', '--json'])).json();
  const [only] = json.definitions;
  assert.equal([json.valid, only.valid, only.problems, only.runs, only.engineProblems], [true, true, [], true, []]);
  // Like any Task without a handler, the reader needs one for S3: run says which, and how.
  const r = await cli(['run', 'distributed-map.asl.json']);
  assert.is(r.code, 4);
  assert.ok(r.stderr.includes('/States/EachRow/ItemReader/Resource') && r.stderr.includes('[ERR_ASL_NO_HANDLER]'), r.stderr);
  assert.ok(r.stderr.includes('s3FolderHandlers'), r.stderr);
});

templates('the library: validate() checks the language, checkSupport() what compile() refuses besides', async () => {
  const { readFileSync } = await import('node:fs');
  const definition = JSON.parse(readFileSync(`${fixtures}distributed-map.asl.json`, 'utf8'));
  assert.equal(validate(definition), []);
  assert.equal(checkSupport(definition), []);
  try {
    compile(definition);
    assert.unreachable('compile() must ask for an S3 handler');
  } catch (error) {
    assert.instance(error, DefinitionError);
    assert.equal(
      (error as DefinitionError).problems.map((p) => [p.code, p.pointer]),
      [['ERR_ASL_NO_HANDLER', '/States/EachRow/ItemReader/Resource']],
    );
  }
  compile(definition, { handlers: { 'arn:aws:states:::s3:getObject': () => ({ Body: '' }) } });
  // Missing handlers are not a definition's problem: checkSupport leaves them to compile().
  assert.equal(checkSupport({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', End: true } } }), []);
  assert.equal(checkSupport({ StartAt: 'Nowhere', States: {} }), []);
});

templates(
  "a template's STANDARD machine with .waitForTaskToken is valid and runs in statemill serve (it was called invalid, then 'cannot run'); run without mocks refuses it",
  async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const work = mkdtempSync(join(tmpdir(), 'statemill-standard-'));
    const definition = {
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          Parameters: { QueueUrl: 'q', 'MessageBody.$': '$$.Task.Token' },
          End: true,
        },
      },
    };
    const template = { Resources: { Orders: { Type: 'AWS::Serverless::StateMachine', Properties: { Type: 'STANDARD', Definition: definition } } } };
    writeFileSync(join(work, 'callback.json'), JSON.stringify(template));
    try {
      const json = (await cli(['validate', 'callback.json', '--json'], { cwd: work })).json();
      const [only] = json.definitions;
      assert.equal([json.valid, only.valid, only.problems, only.runs, only.engineProblems], [true, true, [], true, []]);
      const text = await cli(['validate', 'callback.json'], { cwd: work });
      assert.is(text.code, 0);
      assert.ok(text.stdout.includes("Tasks ('Ask') run in statemill serve"), text.stdout);
      const run = await cli(['run', 'callback.json'], { cwd: work });
      assert.is(run.code, 4);
      assert.ok(run.stderr.includes('valid ASL, but statemill cannot run it') && run.stderr.includes('[ERR_ASL_UNSUPPORTED_INTEGRATION]'), run.stderr);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);

templates.run();
