import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { findStateMachines } from '../../src/cli/cloudformation.js';
import { parseYamlText } from '../../src/cli/yaml-text.js';
import { CliError } from '../../src/cli/cli-error.js';
import { aliasBombLines } from './fixtures/alias-bomb.js';

/** Finding and resolving the ASL inside CloudFormation, SAM and CDK documents. */
const cfn = suite('cloudformation');

/** The definitions a document yields, with substitutions applied. */
function definitions(document: unknown): unknown[] {
  return (findStateMachines(document) ?? []).map((found) => {
    const source = found.source;
    if (source.kind === 'object') return found.substitute(source.definition);
    if (source.kind === 'text') return JSON.parse(found.substituteText(source.text));
    return source;
  });
}

const pass = (result: unknown) => ({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });
const machine = (properties: Record<string, unknown>) => ({ Type: 'AWS::StepFunctions::StateMachine', Properties: properties });

cfn('a plain ASL definition is itself', () => {
  assert.equal(definitions(pass(1)), [pass(1)]);
});

cfn('documents without a state machine give null', () => {
  for (const document of [null, [], 'x', {}, { Resources: { Q: { Type: 'AWS::SQS::Queue' } } }]) assert.is(findStateMachines(document), null);
});

cfn('YAML short forms become intrinsic functions', () => {
  const parsed = parseYamlText('a: !Ref Thing\nb: !GetAtt Fn.Arn\nc: !Sub "x-${Y}"\nd: !Join ["-", [a, !Ref B]]\ne: !GetAtt [Fn, Arn]\n', 't.yaml');
  assert.equal(parsed, {
    a: { Ref: 'Thing' },
    b: { 'Fn::GetAtt': ['Fn', 'Arn'] },
    c: { 'Fn::Sub': 'x-${Y}' },
    d: { 'Fn::Join': ['-', ['a', { Ref: 'B' }]] },
    e: { 'Fn::GetAtt': ['Fn', 'Arn'] },
  });
});

cfn('YAML keeps __proto__ an own key and refuses alias bombs', () => {
  const parsed = parseYamlText('__proto__: { polluted: true }\n', 't.yaml') as Record<string, unknown>;
  assert.is(Object.getPrototypeOf(parsed), Object.prototype);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  const bomb = aliasBombLines();
  assert.throws(
    () => parseYamlText(bomb.join('\n'), 'bomb.yaml'),
    (e: unknown) => e instanceof CliError && e.code === 'ERR_CLI_YAML_SYNTAX',
  );
});

cfn('Definition objects resolve Ref, GetAtt, Sub and pseudo parameters', () => {
  const template = {
    Parameters: { Stage: { Type: 'String', Default: 'dev' }, NoDefault: { Type: 'String' } },
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'charge-fn' } },
      Anon: { Type: 'AWS::Serverless::Function', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue' },
      M: machine({
        Definition: pass({
          fnArn: { 'Fn::GetAtt': ['Fn', 'Arn'] },
          fnName: { Ref: 'Fn' },
          anonArn: { 'Fn::GetAtt': 'Anon.Arn' },
          stage: { Ref: 'Stage' },
          noDefault: { Ref: 'NoDefault' },
          queue: { Ref: 'Queue' },
          queueArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          sub: { 'Fn::Sub': ['${AWS::Region}/${AWS::AccountId}/${Local}/${!Kept}', { Local: { Ref: 'Stage' } }] },
          select: { 'Fn::Select': [1, ['a', 'b']] },
          other: { 'Fn::If': ['Cond', 'a', 'b'] },
        }),
      }),
    },
  };
  assert.equal(definitions(template), [
    pass({
      fnArn: 'arn:aws:lambda:us-east-1:123456789012:function:charge-fn',
      fnName: 'charge-fn',
      anonArn: 'arn:aws:lambda:us-east-1:123456789012:function:Anon',
      stage: 'dev',
      noDefault: '${NoDefault}',
      queue: 'Queue',
      queueArn: '${Queue.Arn}',
      sub: 'us-east-1/123456789012/dev/${Kept}',
      select: 'b',
      other: '${Fn::If}',
    }),
  ]);
});

cfn('DefinitionSubstitutions fill ${Name} placeholders in every string; unknown ones stay', () => {
  const template = {
    Resources: {
      Fn: { Type: 'AWS::Lambda::Function' },
      M: machine({
        DefinitionSubstitutions: { FnArn: { 'Fn::GetAtt': ['Fn', 'Arn'] }, Literal: 'x' },
        Definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: '${FnArn}', Parameters: { v: 'a-${Literal}-${Unknown}' }, End: true } } },
      }),
    },
  };
  assert.equal(definitions(template), [
    {
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Fn', Parameters: { v: 'a-x-${Unknown}' }, End: true } },
    },
  ]);
});

cfn('DefinitionString: plain text, Fn::Sub and CDK-style Fn::Join', () => {
  const text = JSON.stringify(pass('plain'));
  const template = {
    Resources: {
      A: machine({ DefinitionString: text }),
      B: machine({ DefinitionString: { 'Fn::Sub': JSON.stringify(pass('${AWS::Partition}')) } }),
      C: machine({
        DefinitionString: { 'Fn::Join': ['', ['{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"', { Ref: 'AWS::Region' }, '","End":true}}}']] },
      }),
    },
  };
  assert.equal(definitions(template), [pass('plain'), pass('aws'), pass('us-east-1')]);
  assert.equal(
    findStateMachines(template)!.map((m) => m.resource),
    ['A', 'B', 'C'],
  );
});

cfn('a definition elsewhere is a file to read (DefinitionUri) or unusable (S3)', () => {
  const template = {
    Resources: {
      Local: { Type: 'AWS::Serverless::StateMachine', Properties: { DefinitionUri: 'statemachine/order.asl.json' } },
      S3: { Type: 'AWS::Serverless::StateMachine', Properties: { DefinitionUri: { Bucket: 'b', Key: 'k' } } },
      S3Text: { Type: 'AWS::Serverless::StateMachine', Properties: { DefinitionUri: 's3://b/k.json' } },
      Cfn: machine({ DefinitionS3Location: { Bucket: 'b', Key: 'k' } }),
      Nothing: machine({}),
    },
  };
  assert.equal(
    findStateMachines(template)!.map((m) => m.source.kind),
    ['file', 'unusable', 'unusable', 'unusable', 'unusable'],
  );
  assert.equal(findStateMachines(template)![0]!.source, { kind: 'file', path: 'statemachine/order.asl.json' });
});

cfn('a bare Properties object and describe-state-machine output are recognised', () => {
  assert.equal(definitions({ Definition: pass(1), RoleArn: 'r' }), [pass(1)]);
  assert.equal(definitions({ stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:S', definition: JSON.stringify(pass(2)) }), [pass(2)]);
});

cfn('keys such as __proto__ inside a resolved definition stay own keys', () => {
  const definition = JSON.parse('{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"__proto__":{"polluted":true},"r":{"Ref":"AWS::Region"}},"End":true}}}');
  const [resolved] = definitions({ Resources: { M: machine({ Definition: definition, DefinitionSubstitutions: { X: 'y' } }) } }) as any[];
  const result = resolved.States.P.Result;
  assert.ok(Object.prototype.hasOwnProperty.call(result, '__proto__'));
  assert.is(result.r, 'us-east-1');
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

cfn.run();
