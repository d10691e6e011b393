import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createCluster, createClusterWorker } from '../../src/cluster/index.js';
import { checkSupport, compile, createPool, createService, mockHandlers, operations, testState, testStateOf, validate } from '../../src/index.js';
import { markdownSection } from './readme-blocks.js';

/**
 * The options the README documents for each call of the public API are the options the call
 * takes: each call is asked with a key it cannot know, and its refusal ("known: a, b, …")
 * says which it takes; the README's list for that call, read from where the README gives it,
 * must name the same ones. An option added without a README entry, or a README entry left
 * behind (or misspelt), fails here; so does a service operation the README's table of
 * operations leaves out.
 */
const options = suite('README options of the public API');

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const definition = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

const section = (heading: string): string => markdownSection(readme, heading);

/** The names of a section's option bullets: `- \`name\` …`, `- \`a\`, \`b\` …`, `- \`options.name\` …`. */
function bullets(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line) => /^- ((?:`[\w.]+`(?:, )?)+)/.exec(line)?.[1]?.match(/[\w.]+/g) ?? [])
    .map((name) => name.replace(/^options\./, ''));
}

/** The names a text writes as `options.name`. */
function dotted(text: string): string[] {
  return [...text.matchAll(/`options\.(\w+)`/g)].map((m) => m[1]!);
}

/** The keys of the object in a signature the README writes as `call(…{ a, b?, c })`. */
function signature(text: string, call: string): string[] {
  const at = text.indexOf(call);
  assert.ok(at >= 0, `the README writes ${call}`);
  const object = /\{ ([^}]*) \}/.exec(text.slice(at));
  assert.ok(object !== null, `${call} is followed by { … }`);
  return object[1]!.split(',').map((key) => key.trim().replace(/\?$/, ''));
}

/** The option names in the first column of the table whose header row starts `| option |`. */
function tableRows(text: string): string[] {
  const table = text.slice(text.indexOf('| option |')).split('\n\n')[0]!;
  return table.split('\n').flatMap((row) => /^\| ((?:`\w+`(?:, )?)+) \|/.exec(row)?.[1]?.match(/\w+/g) ?? []);
}

/** The lower-camel names in backticks between two phrases of a sentence. */
function named(text: string, from: string, to: string): string[] {
  const start = text.indexOf(from);
  assert.ok(start >= 0, `the README says ${from}`);
  const between = text.slice(start + from.length, text.indexOf(to, start));
  return [...between.matchAll(/`([a-z]\w*)`/g)].map((m) => m[1]!);
}

/** The keys a call takes, from its refusal of a key it cannot know. */
async function known(call: () => unknown): Promise<string[]> {
  try {
    await call();
  } catch (error) {
    const list = /known: (.*)$/.exec((error as Error).message);
    assert.ok(list !== null, `the refusal lists the known keys: ${(error as Error).message}`);
    return list[1]!.split(', ');
  }
  throw new Error('an unknown key was taken');
}

const pool = createPool({ threads: 1 });
pool.register('p', { definition });
options.after(() => pool.close());

const unknown = { zzz: 1 } as never;
const compileSection = section('### `compile(');
const poolSection = section('## The worker pool');
const clusterSection = section('## Running on many hosts');
const testStateSection = section('## TestState');

/** Each call, what the README documents of its options, and the options it takes but the README need not list, with why. */
const calls: readonly { call: string; documented: () => string[]; takes: () => Promise<string[]>; internal?: Record<string, string> }[] = [
  { call: 'validate()', documented: () => dotted(section('### `validate(')), takes: () => known(() => validate(definition, unknown)) },
  {
    call: 'compile()',
    documented: () => bullets(compileSection),
    takes: () => known(() => compile(definition, unknown)),
    internal: { mapExecutor: 'set by the pool and the cluster for the Maps that fan out' },
  },
  {
    call: 'compile() limits',
    documented: () => named(compileSection, '- `limits`', '\n- '),
    takes: () => known(() => compile(definition, { limits: unknown })),
  },
  {
    call: 'checkSupport(), whose options are compile()’s',
    documented: () => bullets(compileSection),
    takes: () => known(() => checkSupport(definition, unknown)),
    internal: { mapExecutor: 'as for compile()' },
  },
  { call: 'execute()', documented: () => bullets(section('### `machine.execute(')), takes: () => known(() => compile(definition).execute({}, unknown)) },
  { call: 'createService()', documented: () => tableRows(section('## Service API')), takes: () => known(() => createService(unknown)) },
  { call: 'createPool()', documented: () => signature(poolSection, '`createPool('), takes: () => known(() => createPool(unknown)) },
  {
    call: 'pool.register()',
    documented: () => signature(poolSection, '`pool.register('),
    takes: () => known(() => pool.register('q', { definition, ...(unknown as object) })),
  },
  {
    call: 'pool.register() options',
    documented: () => named(poolSection, '`options` takes', 'as `compile()` takes them'),
    takes: () => known(() => pool.register('q', { definition, options: unknown })),
  },
  { call: 'pool.execute()', documented: () => signature(poolSection, '`pool.execute('), takes: () => known(() => pool.execute('p', {}, unknown)) },
  { call: 'pool.load()', documented: () => signature(poolSection, '`pool.load('), takes: () => known(() => pool.load('p', unknown)) },
  { call: 'createCluster()', documented: () => signature(clusterSection, '`createCluster('), takes: () => known(() => createCluster(unknown)) },
  {
    call: 'createClusterWorker()',
    documented: () => signature(clusterSection, '`createClusterWorker('),
    takes: () => known(() => createClusterWorker(unknown)),
  },
  {
    call: 'mockHandlers()',
    documented: () => signature(section('## Mocks'), '`mockHandlers('),
    takes: () => known(() => mockHandlers(definition, {} as never, { testCase: 't', zzz: 1 } as never)),
  },
  { call: 'testState()', documented: () => signature(testStateSection, '`options`: `{'), takes: () => known(() => testState({} as never, unknown)) },
  {
    call: 'testStateOf()',
    documented: () => signature(section('### Unit tests with `testStateOf()`'), '`options` takes'),
    takes: () => known(() => testStateOf(definition, 'P', unknown)),
  },
];

for (const { call, documented, takes, internal = {} } of calls) {
  options(`the README documents exactly the options ${call} takes`, async () => {
    const taken = (await takes()).filter((key) => !(key in internal)).sort();
    assert.equal([...new Set(documented())].sort(), taken);
  });
}

options("the README's table of service operations names every operation the service answers", () => {
  const text = section('## Service API');
  const table = text.slice(text.indexOf('| group | operations |')).split('\n\n')[0]!;
  assert.equal(
    Object.values(operations).filter((method) => !table.includes(`\`${method}\``)),
    [],
  );
});

options.run();
