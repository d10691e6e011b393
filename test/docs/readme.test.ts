import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../src/cli/program.js';
import { codeBlocks, commandLines, helpExamples, shownValues } from './readme-blocks.js';

/**
 * Every code block of README.md and every example of `statemill --help` runs as written:
 * JavaScript blocks against the source tree (`statemill` resolves to src/index.ts), with
 * each value a `// →` comment shows checked against what the code returns; shell blocks
 * line by line, `statemill` being the CLI from source, exiting 0 unless the line ends in
 * `# exit N`. A block preceded by `<!-- readme-test: skip -->` is not run (installing,
 * benchmarking, the test suite itself).
 */
const readme = suite('README and --help examples');

const root = fileURLToPath(new URL('../../', import.meta.url));
const markdown = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = codeBlocks(markdown);
const work = mkdtempSync(join(tmpdir(), 'statemill-readme-'));
readme.after(() => rmSync(work, { recursive: true, force: true }));

/** `statemill` on PATH: the CLI from source, through tsx. */
const bin = join(work, 'bin');
mkdirSync(bin);
writeFileSync(
  join(bin, 'statemill'),
  `#!/bin/sh\nexec "${process.execPath}" --import "${pathToFileURL(join(root, 'node_modules/tsx/dist/esm/index.mjs')).href}" "${join(root, 'src/cli/main.ts')}" "$@"\n`,
);
chmodSync(join(bin, 'statemill'), 0o755);

function shell(line: string, cwd: string): { status: number | null; output: string } {
  // `npx statemill` of a checkout is the package's own bin, which needs a build: run the source's instead.
  const r = spawnSync('bash', ['-c', line.replace(/^npx statemill\b/, 'statemill')], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

readme('the README has code blocks, and every one is run or marked to skip', () => {
  assert.ok(blocks.length >= 6, `${blocks.length} blocks`);
  for (const block of blocks) {
    // A block of another language (boto3's Python) is run by its own test, and marked to skip here.
    assert.ok(block.skip || ['js', 'sh'].includes(block.lang), `README.md:${block.line}: a \`${block.lang}\` block: give it js or sh, or mark it to skip`);
  }
});

readme('every JavaScript block runs against the source tree, and shows what it returns', () => {
  // The examples' files beside the blocks, so blocks can read them as ./order.asl.json etc.
  const dir = join(work, 'js');
  mkdirSync(dir);
  for (const file of ['order.asl.json', 'handlers.mjs', 'MockConfigFile.json']) copyFileSync(join(root, 'examples', file), join(dir, file));
  writeFileSync(join(dir, 'readme-shown.mjs'), SHOWN_HELPER);
  const files: string[] = [];
  for (const block of blocks.filter((b) => b.lang === 'js' && !b.skip)) {
    const file = join(dir, `readme-${block.line}.mjs`);
    writeFileSync(file, `import { shown } from './readme-shown.mjs';\n${shownValues(block.code, block.line)}`);
    files.push(file);
  }
  assert.ok(files.length >= 4, `${files.length} JavaScript blocks`);
  // One process runs them all in README order, each as its own module.
  const runner = join(dir, 'run-all.mjs');
  writeFileSync(runner, `for (const file of ${JSON.stringify(files)}) {\n  console.log('block ' + file);\n  await import(file);\n}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', '--import', './test/package/statemill-from-source.mjs', runner], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.is(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

readme('every statemill command line of the README runs from the repository root with the exit code it shows', () => {
  const lines = blocks.filter((b) => b.lang === 'sh' && !b.skip).flatMap((b) => commandLines(b.code, b.line));
  assert.ok(lines.length >= 3, `${lines.length} command lines`);
  for (const { command, exit, line } of lines) {
    const r = shell(command, root);
    assert.is(r.status, exit, `README.md:${line}: ${command}\n${r.output}`);
  }
});

readme('every example of statemill --help runs in a folder holding the files it names', async () => {
  const dir = join(work, 'help');
  mkdirSync(join(dir, 'statemachines'), { recursive: true });
  for (const file of ['order.asl.json', 'handlers.mjs', 'MockConfigFile.json']) copyFileSync(join(root, 'examples', file), join(dir, file));
  copyFileSync(join(root, 'examples', 'order.asl.json'), join(dir, 'statemachines', 'order.json'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify({ orderId: 'o-2', amount: 30 }));
  writeFileSync(
    join(dir, 'template.yaml'),
    'Transform: AWS::Serverless-2016-10-31\nParameters:\n  Stage:\n    Type: String\nResources:\n  OrderStateMachine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Name: !Sub "orders-${Stage}"\n      DefinitionUri: order.asl.json\n',
  );
  const help: string[] = [];
  for (const argv of [['--help'], ['run', '--help'], ['validate', '--help']]) {
    let text = '';
    const io = { stdout: { write: (t: string) => (text += t) }, stderr: { write: () => true }, stdin: Object.assign([], { isTTY: true }), cwd: dir };
    assert.is(await runCli(argv, io as never), 0);
    help.push(text);
  }
  const examples = help.flatMap(helpExamples);
  assert.ok(examples.length >= 8, `${examples.length} examples`);
  for (const command of new Set(examples)) {
    const r = shell(command, dir);
    assert.is(r.status, 0, `statemill --help example: ${command}\n${r.output}`);
  }
});

readme.run();

/**
 * `shown(actual, expected, where)`: what a `// →` comment shows must be in the value. Objects
 * may have more keys than shown (a comment shows the ones that matter); arrays must have
 * exactly the items shown, so a listing that leaves one out fails.
 */
const SHOWN_HELPER = `
import { isDeepStrictEqual } from 'node:util';
function contains(actual, expected, path) {
  if (expected === null || typeof expected !== 'object') {
    if (!isDeepStrictEqual(actual, expected)) throw new Error(path + ': shown ' + JSON.stringify(expected) + ', got ' + JSON.stringify(actual));
    return;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) throw new Error(path + ': shown ' + expected.length + ' items, got ' + JSON.stringify(actual));
    expected.forEach((item, i) => contains(actual[i], item, path + '/' + i));
    return;
  }
  if (actual === null || typeof actual !== 'object') throw new Error(path + ': shown an object, got ' + JSON.stringify(actual));
  for (const key of Object.keys(expected)) contains(actual[key], expected[key], path + '/' + key);
}
export function shown(actual, expected, where) {
  contains(actual, expected, where);
}
`;
