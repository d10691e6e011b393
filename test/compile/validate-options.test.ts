import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkSupport, OptionError, validate } from '../../src/index.js';

/**
 * validate() and checkSupport() options: checked as compile()'s are (a misspelt or lower-case
 * workflowType judged a Standard machine as Express's, without a word), and checkSupport()
 * judges the language by the workflow type it is given.
 */
const options = suite('validate and checkSupport options');

const callback = {
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

const mistakes: Array<{ what: string; call: () => unknown; name: string; option: string }> = [
  {
    what: "validate() with workflowType 'standard'",
    call: () => validate(callback, { workflowType: 'standard' as never }),
    name: 'validate()',
    option: 'workflowType',
  },
  {
    what: 'validate() with workflowtype misspelt',
    call: () => validate(callback, { workflowtype: 'STANDARD' } as never),
    name: 'validate()',
    option: 'workflowtype',
  },
  { what: 'validate() with options that are a string', call: () => validate(callback, 'STANDARD' as never), name: 'validate()', option: 'options' },
  { what: 'checkSupport() with options that are a string', call: () => checkSupport(callback, 'STANDARD' as never), name: 'checkSupport()', option: 'options' },
  {
    what: 'checkSupport() with a bad workflowType',
    call: () => checkSupport(callback, { workflowType: 1 as never }),
    name: 'checkSupport()',
    option: 'workflowType',
  },
];

for (const { what, call, name, option } of mistakes) {
  options(`${what} throws an OptionError from ${name} naming '${option}'`, () => {
    try {
      call();
    } catch (error) {
      assert.instance(error, OptionError);
      assert.is((error as OptionError).option, option);
      assert.ok((error as Error).message.startsWith(`${name}: `), (error as Error).message);
      return;
    }
    assert.unreachable('no error');
  });
}

options('a definition that is not an object is still a problem, not a throw', () => {
  assert.equal(
    validate('{}' as never).map((p) => p.code),
    ['ERR_ASL_NOT_AN_OBJECT'],
  );
});

options("checkSupport() of a Standard machine's .waitForTaskToken: valid ASL that compile() does not run without integrations", () => {
  assert.equal(validate(callback, { workflowType: 'STANDARD' }), []);
  assert.equal(
    checkSupport(callback, { workflowType: 'STANDARD' }).map((p) => [p.code, p.pointer]),
    [['ERR_ASL_UNSUPPORTED_INTEGRATION', '/States/Ask/Resource']],
  );
  // As Express, it is a language problem: checkSupport() says nothing until those are gone.
  assert.equal(checkSupport(callback), []);
});

options.run();
