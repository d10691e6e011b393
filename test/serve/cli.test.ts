import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from '../cli/run-cli.js';

/** `statemill serve` refuses bad options before it listens: usage errors (exit 2) naming the option. */
const options = suite('serve: command-line options');

const refusals: Array<{ args: string[]; message: RegExp }> = [
  { args: ['--port', '70000'], message: /--port must be a port number from 0 to 65535, not "70000"/ },
  { args: ['--port', 'http'], message: /--port must be a port number/ },
  { args: ['--account-id', '1234'], message: /--account-id must be 12 digits, not "1234"/ },
  { args: ['--region', 'mars'], message: /--region must be a region name such as us-east-1, not "mars"/ },
  { args: ['--retain-executions', '-1'], message: /--retain-executions must be a whole number, not "-1"/ },
  { args: ['--lambda-endpoint', 'localhost:3001'], message: /the Lambda endpoint must be an http\(s\) URL/ },
  { args: ['--log-level', 'loud'], message: /Allowed choices are silent, error, warn, info, debug/ },
];

for (const c of refusals) {
  options(`refused: ${c.args.join(' ')}`, async () => {
    const run = await cli(['serve', '--port', '0', ...c.args]);
    assert.is(run.code, 2, run.stderr);
    assert.match(run.stderr, c.message);
    assert.is(run.stdout, '', 'nothing is served');
  });
}

options('a handlers module that does not exist is a file error (exit 3)', async () => {
  const run = await cli(['serve', '--port', '0', '--handlers', './no-such-handlers.mjs']);
  assert.is(run.code, 3);
  assert.match(run.stderr, /handlers module not found: \.\/no-such-handlers\.mjs/);
});

options('SFN_MOCK_CONFIG is read as --mocks, as Step Functions Local reads it', async () => {
  process.env.SFN_MOCK_CONFIG = 'no-such-MockConfigFile.json';
  try {
    const run = await cli(['serve', '--port', '0']);
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, /no-such-MockConfigFile\.json/);
  } finally {
    delete process.env.SFN_MOCK_CONFIG;
  }
});

options('--help lists every option with the examples', async () => {
  const run = await cli(['serve', '--help']);
  assert.is(run.code, 0);
  for (const flag of [
    '--port',
    '--host',
    '--handlers',
    '--mocks',
    '--lambda-endpoint',
    '--region',
    '--account-id',
    '--virtual-clock',
    '--store',
    '--retain-executions',
    '--log-level',
  ])
    assert.ok(run.stdout.includes(flag), flag);
  assert.match(run.stdout, /SigV4 signatures are accepted and not checked/);
});

options.run();
