import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cli } from './run-cli.js';

/** `statemill run --handlers <module>`: each mistake in the module named for what it is. */
const handlersModule = suite('cli handlers module');

const work = mkdtempSync(join(tmpdir(), 'statemill-handlers-module-'));
handlersModule.after(() => rmSync(work, { recursive: true, force: true }));
const definition = join(work, 'call.asl.json');
writeFileSync(definition, JSON.stringify({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'call', End: true } } }));
mkdirSync(join(work, 'handlers-folder.mjs'));

const cases = [
  {
    what: 'a `handlers` export that is null is a wrong value, not a missing export',
    module: 'null-handlers.mjs',
    source: 'export const handlers = null;',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'must be an object mapping each Task Resource to a function, not null',
  },
  {
    what: 'a `handlers` export that is an array is refused as one',
    module: 'array-handlers.mjs',
    source: 'export const handlers = [() => 1];',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'not an array',
  },
  {
    what: 'a module without the export lists what it exports',
    module: 'other-export.mjs',
    source: 'export const call = () => 1;',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'has no `handlers` export (its exports: call)',
  },
  {
    what: "a `handlers` export whose keys cannot be listed (a Proxy that throws) is the module's fault, not an internal error",
    module: 'proxy-handlers.mjs',
    source: 'export const handlers = new Proxy({}, { ownKeys() { throw new Error("no keys"); } });',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'reading it threw Error: no keys',
  },
  {
    what: "a `handlers` export with a getter that throws is the module's fault, not an internal error",
    module: 'getter-handlers.mjs',
    source: 'export const handlers = { get call() { throw new TypeError("not yet"); } };',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'reading it threw TypeError: not yet',
  },
  {
    what: "a default export whose `handlers` getter throws is the module's fault too",
    module: 'default-getter.mjs',
    source: 'export default { get handlers() { throw new Error("lazy"); } };',
    code: 'ERR_CLI_HANDLERS_EXPORT',
    says: 'reading it threw Error: lazy',
  },
  {
    what: 'a directory named as the module is said to be one, not missing',
    module: 'handlers-folder.mjs',
    source: null,
    code: 'ERR_CLI_FILE_UNREADABLE',
    says: 'handlers module handlers-folder.mjs is a directory',
  },
];

for (const { what, module, source, code, says } of cases) {
  handlersModule(what, async () => {
    if (source !== null) writeFileSync(join(work, module), source);
    const r = await cli(['run', definition, '--handlers', module], { cwd: work });
    assert.is(r.code, 3, r.stderr);
    assert.is(r.stdout, '');
    assert.ok(r.stderr.includes(`[${code}]`) && r.stderr.includes(says), r.stderr);
  });
}

handlersModule.run();
