import { readdirSync, readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

/**
 * compile builds, run executes: src/run/ depends on nothing of the compiler or the pool,
 * type imports included, so that the run side can be read (and changed) on its own.
 */
const layering = suite('layering');

const runDir = new URL('../../src/run/', import.meta.url);

/** Every module specifier a file imports or re-exports, type-only ones and dynamic import() included. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) found.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

layering('specifiers finds static, type-only, side-effect and dynamic imports and re-exports', () => {
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
});

layering('src/run/ imports nothing from elsewhere in src/ (packages and Node built-ins are fine)', () => {
  const outside: string[] = [];
  for (const file of readdirSync(runDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'))) {
    const fileUrl = new URL(file, runDir);
    for (const spec of specifiers(readFileSync(fileUrl, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      if (!new URL(spec, fileUrl).href.startsWith(runDir.href)) outside.push(`src/run/${file} imports ${spec}`);
    }
  }
  assert.equal(outside, []);
});

layering.run();
