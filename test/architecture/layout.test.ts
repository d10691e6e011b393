import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The layout is the architecture (README, "Layout"): these rules say which folder may depend
 * on which, so a misplaced import fails here instead of quietly blurring the design.
 * src/json.ts, the own-property helpers every layer shares, depends on nothing and is open to all.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

/** Longest a source file may grow before it is split along its jobs. */
const MAX_LINES = 600;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a text imports or re-exports: type-only, side-effect and dynamic imports included. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

const toSrc = (path: string) => relative(src, path).split(sep).join('/');

/** Every relative import edge of src/, both ends as paths relative to src/ ('../bench/…' leaves it). */
const edges = sourceFiles(src).flatMap((file) =>
  specifiers(readFileSync(file, 'utf8'))
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({ from: toSrc(file), to: toSrc(resolve(dirname(file), specifier)) })),
);

function offending(rule: (from: string, to: string) => boolean): string[] {
  return edges.filter(({ from, to }) => rule(from, to)).map(({ from, to }) => `${from} → ${to}`);
}

test('the scan finds static, type-only, side-effect and dynamic imports and re-exports', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from '../compile/b.js';",
    "import {\n  c,\n  type D,\n} from '../pool/c.js';",
    "export { e } from './e.js';",
    "export type * from '../asl/types.js';",
    "import './side.js';",
    "const f = await import('../compile/f.js');",
  ].join('\n');
  assert.equal(specifiers(text).sort(), ['../asl/types.js', '../compile/b.js', '../compile/f.js', '../pool/c.js', './a.js', './e.js', './side.js'].sort());
  assert.ok(edges.length > 300, `only ${edges.length} import edges found in src/`);
});

test('src/asl/ is the language as data: it imports nothing from src/compile/', () => {
  assert.equal(
    offending((from, to) => from.startsWith('asl/') && to.startsWith('compile/')),
    [],
  );
});

test('src/run/ imports nothing from elsewhere in src/ but json.ts', () => {
  assert.equal(
    offending((from, to) => from.startsWith('run/') && !to.startsWith('run/') && to !== 'json.js'),
    [],
  );
});

test("the pool's main-thread files import nothing from src/pool/worker/", () => {
  assert.equal(
    offending((from, to) => from.startsWith('pool/') && !from.startsWith('pool/worker/') && to.startsWith('pool/worker/')),
    [],
  );
});

test('src/cli/ imports only the public entries (index, cluster/index), json.ts and its own files', () => {
  const open = new Set(['index.js', 'cluster/index.js', 'json.js', '../bench/command.js']);
  assert.equal(
    offending((from, to) => from.startsWith('cli/') && !to.startsWith('cli/') && !open.has(to)),
    [],
  );
});

test("nothing in src/ imports the benchmark harness, but the CLI's bench command where a checkout has it", () => {
  assert.equal(
    offending((from, to) => to.startsWith('../') && !(from === 'cli/program.ts' && to === '../bench/command.js')),
    [],
  );
});

test(`no file in src/ is longer than ${MAX_LINES} lines`, () => {
  const long = sourceFiles(src)
    .map((file) => ({ file: toSrc(file), lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ lines }) => lines > MAX_LINES)
    .map(({ file, lines }) => `${file}: ${lines} lines`);
  assert.equal(long, []);
});

test.run();
