import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * The CLI is a user of the library: it imports only the public API (src/index.ts and the
 * statemill/cluster entry) and its own files, and loads the benchmark harness, which the
 * package does not ship, only through bench/command.ts where a checkout has it.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'src', 'cli');
const allowed = new Set([join(root, 'src', 'index.ts'), join(root, 'src', 'cluster', 'index.ts'), join(root, 'bench', 'command.ts')]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports, dynamic imports and import types. */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'(\.[^']*)'/g)].map((match) => match[1]!);
}

/** A relative import the CLI may have: one of its own files, the public API or the harness command. */
function outsideRule(file: string, specifier: string): boolean {
  const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
  return !target.startsWith(cli + sep) && !allowed.has(target);
}

test('src/cli imports only the public API, its own files and bench/command.ts', () => {
  const offending = sources(cli).flatMap((file) =>
    relativeImports(readFileSync(file, 'utf8'))
      .filter((specifier) => outsideRule(file, specifier))
      .map((specifier) => `${relative(root, file)}: ${specifier}`),
  );
  assert.equal(offending, []);
});

test('the rule sees static, dynamic and type imports that leave the public API', () => {
  const file = join(cli, 'commands', 'example.ts');
  const text = "import { compile } from '../../compile/machine.js';\nconst m = await import('../../run/trace.js');\ntype T = typeof import('../../pool/index.js');\nimport { ok } from '../../index.js';";
  assert.equal(
    relativeImports(text).filter((specifier) => outsideRule(file, specifier)),
    ['../../compile/machine.js', '../../run/trace.js', '../../pool/index.js'],
  );
});

test.run();
