import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/**
 * Malformed and hostile definition files given to `statemill validate` and `statemill run`:
 * each exits with the code its kind of fault has, says what is wrong in the CLI's own words
 * (a stable code, the file, where in it), prints no result and no stray process warning.
 */
const hostile = suite('cli: hostile definition files');

let dir = '';
hostile.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'statemill-hostile-'));
  mkdirSync(join(dir, 'a-directory.json'));
});
hostile.after(() => rmSync(dir, { recursive: true, force: true }));

const PASS = '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}';

const cases: [name: string, file: string, content: string | Buffer | null, exit: number, expected: RegExp][] = [
  ['an empty file', 'empty.json', '', 3, /empty\.json:1:1: .*empty.*\[ERR_CLI_JSON_SYNTAX\]/s],
  ['a byte-order mark and nothing else', 'bom-only.json', '\ufeff', 3, /\[ERR_CLI_JSON_SYNTAX\]/],
  ['binary bytes', 'binary.json', Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]), 3, /binary\.json:1:1: .*\[ERR_CLI_JSON_SYNTAX\]/s],
  ['text after the JSON value', 'trailing.json', `${PASS} trailing`, 3, /trailing\.json:1:\d+: unexpected text after the end/],
  ['JSON null', 'null.json', 'null', 3, /\[ERR_CLI_NO_STATE_MACHINE\]/],
  ['a JSON array', 'array.json', '[1,2]', 3, /\[ERR_CLI_NO_STATE_MACHINE\]/],
  ['a directory', 'a-directory.json', null, 3, /is a directory.*\[ERR_CLI_FILE_UNREADABLE\]/],
  [
    'two YAML documents',
    'two.yaml',
    'StartAt: P\nStates:\n  P: {Type: Pass, End: true}\n---\nx: 1\n',
    3,
    /two\.yaml:4:1: the file holds more than one YAML document.*\[ERR_CLI_YAML_SYNTAX\]/s,
  ],
  ['a YAML mapping used as a key', 'complex-key.yaml', '? [a, b]\n: 1\n', 3, /\[ERR_CLI_NO_STATE_MACHINE\]/],
  [
    'a number beyond the double range in JSON',
    'huge.json',
    PASS.replace('"End":true', '"End":true,"Result":1e999'),
    3,
    /huge\.json:1:\d+: 1e999 is a number beyond ±1\.8e308.*\[ERR_CLI_JSON_SYNTAX\]/s,
  ],
  ['YAML .nan', 'nan.yaml', 'StartAt: P\nStates:\n  P: {Type: Pass, End: true, Result: .nan}\n', 4, /\/States\/P\/Result.*\[ERR_ASL_NOT_JSON_DATA\]/s],
  ['an input nested 100,000 levels deep', 'deep.json', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000), 3, /\[ERR_CLI_NO_STATE_MACHINE\]/],
];

for (const [name, file, content, exit, expected] of cases) {
  hostile(`${name}: validate and run exit ${exit} with a clear message`, async () => {
    if (content !== null) writeFileSync(join(dir, file), content);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      for (const command of ['validate', 'run']) {
        const r = await cli([command, join(dir, file)]);
        assert.is(r.code, exit, `${command}: ${r.stderr}`);
        // validate reports on stdout (its report is its output); run on stderr.
        assert.match(command === 'validate' ? r.stdout : r.stderr, expected, `${command}: ${r.stdout}${r.stderr}`);
        if (command === 'run') assert.is(r.stdout, '');
      }
    } finally {
      await new Promise((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
    }
    assert.equal(warnings, []);
  });
}

hostile('regression: an input number beyond the double range exits 3 saying where, instead of running as null', async () => {
  writeFileSync(join(dir, 'pass.json'), PASS);
  const r = await cli(['run', join(dir, 'pass.json'), '--input-json', '{"amount": 1e999}']);
  assert.is(r.code, 3);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /--input-json:1:12: 1e999 is a number beyond ±1\.8e308.*\[ERR_CLI_JSON_SYNTAX\]/s);
});

hostile.run();
