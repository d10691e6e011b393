/**
 * Which real definitions of a public sample collection compile: once as an Express machine
 * (compile() with handlers for every Resource) and once as a Standard one (with the
 * Standard integrations). Prints the counts and each remaining refusal with its reason.
 *
 *   node --import tsx/esm bench/standalone/sample-definitions.ts <git dir of aws-samples/step-functions-workflows-collection>
 *
 * Reads the files of the repository's HEAD commit (a bare clone or a checkout).
 */
import { execFileSync } from 'node:child_process';
import { parse as parseYaml } from 'yaml';
import { compile, DefinitionError, StandardExecutions, type Handler } from '../../src/index.js';

const root = process.argv[2];
if (root === undefined) {
  console.error('usage: sample-definitions.ts <git dir>');
  process.exit(2);
}
const files = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(json|ya?ml)$/i.test(f) && !/node_modules|package(-lock)?\.json|tsconfig|cdk\.json|example-workflow\.json/i.test(f));

/** Every Resource in the definition, and each one without its pattern suffix. */
function resources(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) resources(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Resource' && typeof v === 'string') {
        out.add(v);
        out.add(v.replace(/\.(waitForTaskToken|sync(:\d+)?)$/, ''));
      } else resources(v, out);
    }
  }
  return out;
}

function definitionsIn(file: string): unknown[] {
  const text = execFileSync('git', ['show', `HEAD:${file}`], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? parseYaml(text, { logLevel: 'silent' }) : JSON.parse(text);
  } catch {
    return [];
  }
  const found: unknown[] = [];
  const walk = (v: unknown, depth: number) => {
    if (depth > 12 || v === null || typeof v !== 'object') return;
    if (!Array.isArray(v) && 'StartAt' in v && 'States' in v) {
      found.push(v);
      return;
    }
    for (const child of Object.values(v)) walk(child, depth + 1);
  };
  walk(parsed, 0);
  return found;
}

function refusal(definition: unknown, standard: boolean): string | null {
  const handlers: Record<string, Handler> = Object.fromEntries([...resources(definition, new Set())].map((r) => [r, () => ({})]));
  for (const s3 of ['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:listObjectsV2', 'arn:aws:states:::s3:putObject']) handlers[s3] = () => '[]';
  try {
    if (standard) new StandardExecutions({ handlers }).createStateMachine('sample', definition);
    else compile(definition, { handlers });
    return null;
  } catch (thrown) {
    if (thrown instanceof DefinitionError) return thrown.problems.map((p) => `${p.pointer}: ${p.message} (${p.code})`).join('; ');
    return String(thrown);
  }
}

let total = 0;
let refusedExpress = 0;
let standardStandardOnly = 0;
const remaining: string[] = [];
const standardOnly = /waitForTaskToken|\.sync|activity|ItemReader|ResultWriter|Express state machine/;
for (const file of files) {
  for (const definition of definitionsIn(file)) {
    total++;
    const express = refusal(definition, false);
    if (express === null) continue;
    refusedExpress++;
    const standard = refusal(definition, true);
    if (standard === null) {
      if (standardOnly.test(express)) standardStandardOnly++;
      continue;
    }
    remaining.push(`${file}\n    ${standard}`);
  }
}
console.log(`definitions: ${total}`);
console.log(`refused by compile() (Express): ${refusedExpress}`);
console.log(
  `of those, compile in the Standard service now: ${refusedExpress - remaining.length} (${standardStandardOnly} refused for Standard-only constructs)`,
);
console.log(`still refused: ${remaining.length}`);
for (const line of remaining) console.log(`  ${line}`);
