import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/**
 * --param Name=Value fills a plain ASL file's `${Name}` placeholders in its text, before it
 * is parsed, as AWS fills a DefinitionUri file: a placeholder where a number goes made the
 * JSON file unreadable and the YAML one hold a string.
 */
const params = suite('cli --param in a plain definition');

const work = mkdtempSync(join(tmpdir(), 'statemill-params-'));
params.after(() => rmSync(work, { recursive: true, force: true }));

const jsonText =
  '{"StartAt":"Tag","States":{"Tag":{"Type":"Pass","Result":{"stage":"${Stage}"},"Next":"Pause"},"Pause":{"Type":"Wait","Seconds":${Pause},"End":true}}}';
const yamlText =
  'StartAt: Tag\nStates:\n  Tag:\n    Type: Pass\n    Result:\n      stage: ${Stage}\n    Next: Pause\n  Pause:\n    Type: Wait\n    Seconds: ${Pause}\n    End: true\n';
writeFileSync(join(work, 'placeholders.asl.json'), jsonText);
writeFileSync(join(work, 'placeholders.asl.yaml'), yamlText);

const runs = [
  { file: 'placeholders.asl.json', args: ['--param', 'Stage=dev', '--param', 'Pause=0'], output: { stage: 'dev' } },
  { file: 'placeholders.asl.yaml', args: ['--param', 'Stage=dev', '--param', 'Pause=0'], output: { stage: 'dev' } },
  // A value that breaks the filled text (a quote in a JSON string) is filled into the parsed strings instead.
  { file: 'placeholders.asl.json', args: ['--param', 'Stage=a"b', '--param', 'Pause=0'], output: null },
];

for (const { file, args, output } of runs) {
  params(`${file} ${args.join(' ')} runs with the placeholders filled`, async () => {
    const r = await cli(['run', file, ...args, '--virtual-clock'], { cwd: work });
    if (output === null) {
      assert.is(r.code, 3, r.stderr);
      assert.ok(r.stderr.includes('[ERR_CLI_JSON_SYNTAX]'), r.stderr);
      return;
    }
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.json().output, output);
  });
}

params('a string-only placeholder whose value has a quote is filled into the parsed string', async () => {
  writeFileSync(join(work, 'string-only.asl.json'), '{"StartAt":"Tag","States":{"Tag":{"Type":"Pass","Result":"${Stage}-x","End":true}}}');
  const r = await cli(['run', 'string-only.asl.json', '--param', 'Stage=a"b'], { cwd: work });
  assert.is(r.code, 0, r.stderr);
  assert.is(r.json().output, 'a"b-x');
});

params('validate fills them too, and names the placeholders no --param fills', async () => {
  const filled = await cli(['validate', 'placeholders.asl.json', 'placeholders.asl.yaml', '--param', 'Stage=dev', '--param', 'Pause=5'], { cwd: work });
  assert.is(filled.code, 0, filled.stdout + filled.stderr);
  const open = await cli(['run', 'placeholders.asl.json', '--param', 'Stage=dev'], { cwd: work });
  assert.is(open.code, 3);
  assert.ok(open.stderr.includes('[ERR_CLI_JSON_SYNTAX]') && open.stderr.includes('placeholders nothing fills: ${Pause};'), open.stderr);
});

params.run();
