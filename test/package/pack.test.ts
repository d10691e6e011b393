import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { examples, missingLines } from './examples.js';

/**
 * The packed tarball works as a dependency of a fresh ESM project: the API, the type
 * declarations (ASL definition types included), the `statemill` executable and every
 * example. Slow (it builds, packs and installs), so it runs only with STATEMILL_PACK_TEST=1
 * or in CI.
 */
const pack = suite('package');

const enabled = process.env.STATEMILL_PACK_TEST === '1' || Boolean(process.env.CI);
const root = fileURLToPath(new URL('../../', import.meta.url));
const typescript = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

function sh(command: string, args: string[], options: SpawnSyncOptions): Ran {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000, ...options });
  return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const definition = {
  StartAt: 'Double',
  States: {
    Double: { Type: 'Task', Resource: 'double', ResultPath: '$.doubled', Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

const consumer = `import { compile, validate, virtualClock, DefinitionError } from 'statemill';
const definition = ${JSON.stringify(definition)};
if (validate(definition).length !== 0) throw new Error('expected a valid definition');
const machine = compile(definition, { handlers: { double: (input) => input.n * 2 }, clock: virtualClock() });
const result = await machine.execute({ n: 21 });
let refused = null;
try { compile({ StartAt: 'X', States: {} }); } catch (e) { refused = e instanceof DefinitionError && e.problems.length > 0 ? e.code : String(e); }
console.log(JSON.stringify({ status: result.status, output: result.output, refused }));
`;

const typed = `import { compile, type StateMachineDefinition, type TaskState, type Handlers, type ExecutionResult } from 'statemill';
const task: TaskState = { Type: 'Task', Resource: 'double', End: true };
const definition: StateMachineDefinition = { StartAt: 'Double', States: { Double: task } };
const handlers: Handlers = { double: (input: { n: number }) => input.n * 2 };
const result: ExecutionResult = await compile(definition, { handlers }).execute({ n: 1 });
const status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' = result.status;
// @ts-expect-error: a Task state needs a Resource
const broken: TaskState = { Type: 'Task', End: true };
export { status, broken };
`;

pack('npm pack yields a package a fresh project can install, import, type-check and run', () => {
  if (!enabled) {
    console.log('  (skipped: set STATEMILL_PACK_TEST=1 to build, pack and install the package)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'statemill-pack-'));
  try {
    const packed = sh(npm, ['pack', '--json', '--pack-destination', work], { cwd: root });
    assert.is(packed.status, 0, packed.stderr);
    const tarball = join(work, JSON.parse(packed.stdout)[0].filename);

    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'statemill-consumer', private: true, type: 'module' }));
    // better-sqlite3, optional (only `--store` uses it), compiles from source where no prebuilt
    // binary can be fetched: minutes on a busy machine, and nothing this test looks at.
    const installed = sh(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional', tarball], { cwd: app });
    assert.is(installed.status, 0, installed.stderr);

    writeFileSync(join(app, 'consumer.mjs'), consumer);
    const used = sh(process.execPath, ['consumer.mjs'], { cwd: app });
    assert.is(used.status, 0, used.stderr);
    assert.equal(JSON.parse(used.stdout), { status: 'SUCCEEDED', output: { n: 21, doubled: 42 }, refused: 'ERR_ASL_INVALID_DEFINITION' });

    writeFileSync(join(app, 'typed.ts'), typed);
    const checked = sh(
      process.execPath,
      [
        typescript,
        '--noEmit',
        '--strict',
        '--target',
        'es2022',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        '--typeRoots',
        join(root, 'node_modules', '@types'),
        '--types',
        'node',
        'typed.ts',
      ],
      { cwd: app },
    );
    assert.is(checked.status, 0, checked.stdout + checked.stderr);

    writeFileSync(join(app, 'double.asl.json'), JSON.stringify(definition));
    writeFileSync(join(app, 'handlers.mjs'), 'export const handlers = { double: (input) => input.n * 2 };');
    const bin = join(app, 'node_modules', '.bin', 'statemill');
    const ran = sh(bin, ['run', 'double.asl.json', '--handlers', './handlers.mjs', '--input-json', '{"n": 4}'], { cwd: app });
    assert.is(ran.status, 0, ran.stderr);
    assert.equal(JSON.parse(ran.stdout).output, { n: 4, doubled: 8 });
    const validated = sh(bin, ['validate', 'double.asl.json'], { cwd: app });
    assert.equal([validated.status, validated.stdout], [0, 'double.asl.json: valid\n']);
    // The benchmark harness needs a source checkout; the installed executable says so.
    const bench = sh(bin, ['bench', '--help'], { cwd: app });
    assert.is(bench.status, 2, bench.stdout + bench.stderr);
    assert.match(bench.stderr, /the benchmark harness ships with statemill's repository, not with the npm package.*\[ERR_CLI_BENCH_UNAVAILABLE\]/);

    cpSync(join(root, 'examples'), join(app, 'examples'), { recursive: true });
    for (const example of examples) {
      const r = sh(process.execPath, [join('examples', example.file)], { cwd: app });
      assert.is(r.status, 0, `${example.file}: ${r.stderr}`);
      assert.equal(missingLines(r.stdout, example.lines), [], r.stdout);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

pack.run();
