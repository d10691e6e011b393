/**
 * What the hostile-input properties share: the real definitions they start from, the
 * mutations they apply, the hostile values they plant, and the seeds and run counts.
 *
 * `STATEMILL_FUZZ_RUNS` multiplies every property's run count (e.g. 50 for a long search);
 * `STATEMILL_FUZZ_SEED` replaces the fixed seeds. A failure message names the seed and the
 * path fast-check prints, so a case found in a long search replays exactly.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCases, type ConformanceCase } from '../conformance/runner.js';
import { builtinWorkloads } from '../../workloads/index.js';

const runsFactor = Number(process.env.STATEMILL_FUZZ_RUNS ?? '1');
const seedOverride = process.env.STATEMILL_FUZZ_SEED === undefined ? null : Number(process.env.STATEMILL_FUZZ_SEED);

/** fast-check's parameters for one property: its fixed seed (or the override) and its run count times the factor. */
export function fuzzParameters(seed: number, numRuns: number): { seed: number; numRuns: number; includeErrorInReport: true } {
  const factor = Number.isFinite(runsFactor) && runsFactor > 0 ? runsFactor : 1;
  return { seed: seedOverride ?? seed, numRuns: Math.max(1, Math.round(numRuns * factor)), includeErrorInReport: true };
}

/** A real definition and where it came from. */
export interface Source {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly case?: ConformanceCase;
}

let conformance: ConformanceCase[] | null = null;
/** The AWS-recorded conformance cases ([] where ../shared is absent, which the runner reports). */
export function conformanceCases(): ConformanceCase[] {
  conformance ??= loadCases();
  return conformance;
}

/** The definitions of the conformance cases and of the built-in workloads. */
export function realDefinitions(): Source[] {
  const sources: Source[] = conformanceCases()
    .filter((c) => c.definition !== null && typeof c.definition === 'object')
    .map((c) => ({ name: c.name, definition: c.definition as Record<string, unknown>, case: c }));
  for (const workload of builtinWorkloads) {
    const folder = join(import.meta.dirname, '../../workloads', workload.name);
    for (const file of existsSync(folder) ? readdirSync(folder) : []) {
      if (file.endsWith('.asl.json')) sources.push({ name: `${workload.name}/${file}`, definition: JSON.parse(readFileSync(join(folder, file), 'utf8')) });
    }
  }
  return sources;
}

/**
 * The definitions of AWS's public sample collections mirrored beside the checkout
 * (`/work/.mirror/aws-samples+*`, bare repositories), for long searches; [] where absent.
 */
export function sampleDefinitions(mirror = process.env.STATEMILL_SAMPLES_MIRROR ?? '/work/.mirror'): Source[] {
  if (!existsSync(mirror)) return [];
  const sources: Source[] = [];
  for (const entry of readdirSync(mirror).filter((e) => e.startsWith('aws-samples+'))) {
    const gitDir = join(mirror, entry, 'repo');
    if (!existsSync(gitDir)) continue;
    const files = execFileSync('git', ['ls-tree', '-r', '--name-only', 'HEAD'], { cwd: gitDir, encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .filter((f) => /\.(asl\.)?json$/i.test(f) && !/node_modules|package(-lock)?\.json|tsconfig|cdk\.json/i.test(f));
    for (const file of files) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(execFileSync('git', ['show', `HEAD:${file}`], { cwd: gitDir, encoding: 'utf8', maxBuffer: 64 << 20 }));
      } catch {
        continue;
      }
      if (parsed !== null && typeof parsed === 'object' && 'StartAt' in parsed && 'States' in parsed) {
        sources.push({ name: `${entry}:${file}`, definition: parsed as Record<string, unknown> });
      }
    }
  }
  return sources;
}

/** Every `Resource` string in a definition. */
export function resourcesOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) resourcesOf(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Resource' && typeof v === 'string') out.add(v);
      else resourcesOf(v, out);
    }
  }
  return out;
}

/** Sets an own property, `__proto__` included (plain assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Strings nobody picks by hand: reserved keys, pointer characters, lone surrogates, NUL, very long text. */
export const hostileStrings = fc.constantFrom(
  '',
  ' ',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a/b~c',
  '~1',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '😀',
  'NaN',
  'Infinity',
  '-0',
  '1e999',
  'x'.repeat(81),
  'y'.repeat(70_000),
  '$',
  '$$',
  '$.',
  '$..a',
  '$.a[',
  '$.a[?(@.b)]',
  '$[-1]',
  '$$.Execution.Input',
  '$$.Map.Item.Value',
  '$$.Nope',
  '$.a.$b',
  "States.Format('{}', $.a)",
  'States.Format(',
  'States.ArrayRange(1, 1e9, 1)',
  'States.MathAdd($.a, 1e308)',
  'States.StringToJson($)',
  'States.Hash($.a, $.b)',
  'States.Nope()',
  '{% %}',
  '{% $ %}',
  '{% ( %}',
  '{% $states.input %}',
  '{% $nope( %}',
  '{% $x := 1 %}',
  '{% /a(/ %}',
  '{% $eval("1") %}',
  'States.ALL',
  'States.TaskFailed',
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
  'arn:aws:states:::states:startExecution.sync:2',
  'arn:aws:states:::aws-sdk:s3:listObjectsV2',
  'arn:aws:states:::s3:getObject',
  'arn:aws:states:us-east-1:123456789012:activity:a',
  'JSONata',
  'JSONPath',
  'DISTRIBUTED',
  'INLINE',
  '2016-03-14T01:59:00Z',
  '2016-13-45T99:99:99Z',
  'Pass',
  'Task',
  'Choice',
  'Map',
  'Parallel',
  'Bogus',
);

/** Numbers at the edges: huge, negative, fractional, unsafe integers, -0. */
export const hostileNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  0.5,
  1.5,
  -2.5,
  1e-320,
  2 ** 31,
  2 ** 32 + 1,
  2 ** 53 + 2,
  -(2 ** 53),
  99_999_999,
  1e21,
  1e308,
  -1e308,
);

/** Any value a definition's field might wrongly hold. */
export function hostileValue(depth = 2): fc.Arbitrary<unknown> {
  const leaves = fc.oneof(hostileStrings, hostileNumbers, fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }), fc.integer());
  if (depth <= 0) return leaves;
  return fc.oneof(
    { weight: 4, arbitrary: leaves },
    { weight: 1, arbitrary: fc.array(hostileValue(depth - 1), { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.oneof(hostileStrings, fc.string({ maxLength: 6 })), hostileValue(depth - 1), { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.integer({ min: 200, max: 1100 }).map((depth) => new Nested(depth)) },
  );
}

/**
 * Stands for `depth` arrays and objects inside each other until planted: fast-check prints
 * and shrinks the marker, not the deep value (printing that would overflow its stack).
 */
export class Nested {
  constructor(readonly depth: number) {}
  [fc.toStringMethod](): string {
    return `new Nested(${this.depth})`;
  }
}

/** `depth` arrays or objects inside each other. */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

/** A location inside a JSON value, as keys from the root. */
export type Location = (string | number)[];

/** Every location of an object member or array element inside `value` (the root excluded). */
export function locationsOf(value: unknown, at: Location = [], out: Location[] = []): Location[] {
  if (out.length > 5000) return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...at, i]);
      locationsOf(v, [...at, i], out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([...at, k]);
      locationsOf(v, [...at, k], out);
    }
  }
  return out;
}

/** The value holding `location`'s last key. */
function parentOf(root: unknown, location: Location): Record<string | number, unknown> | null {
  let at = root as Record<string | number, unknown>;
  for (const key of location.slice(0, -1)) {
    const next = at[key];
    if (next === null || typeof next !== 'object') return null;
    at = next as Record<string | number, unknown>;
  }
  return at;
}

/** One change to a definition, applied to a deep copy. */
export type Mutation =
  | { kind: 'drop'; pick: number }
  | { kind: 'replace'; pick: number; value: unknown }
  | { kind: 'rename'; pick: number; name: string }
  | { kind: 'add'; pick: number; name: string; value: unknown }
  | { kind: 'duplicate'; pick: number; other: number }
  | { kind: 'state'; pick: number; field: string; value: unknown }
  | { kind: 'renameState'; pick: number; name: string; follow: boolean }
  | { kind: 'next'; pick: number; other: number }
  | { kind: 'wrap'; pick: number; times: number };

const fieldNames = fc.constantFrom(
  'Type',
  'Next',
  'End',
  'Default',
  'Choices',
  'Parameters',
  'Arguments',
  'ResultSelector',
  'ResultPath',
  'InputPath',
  'OutputPath',
  'Output',
  'Assign',
  'Result',
  'Resource',
  'Seconds',
  'SecondsPath',
  'Timestamp',
  'TimestampPath',
  'Retry',
  'Catch',
  'Branches',
  'Iterator',
  'ItemProcessor',
  'ItemsPath',
  'Items',
  'ItemSelector',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'MaxConcurrency',
  'MaxConcurrencyPath',
  'ToleratedFailurePercentage',
  'TimeoutSeconds',
  'TimeoutSecondsPath',
  'HeartbeatSeconds',
  'HeartbeatSecondsPath',
  'Credentials',
  'QueryLanguage',
  'Comment',
  'Error',
  'Cause',
  'ErrorPath',
  'CausePath',
  'Condition',
  'Variable',
  'StringEquals',
  'NumericGreaterThan',
  'TimestampLessThanPath',
  'IsPresent',
  'And',
  'Not',
  'ErrorEquals',
  'IntervalSeconds',
  'MaxAttempts',
  'BackoffRate',
  'MaxDelaySeconds',
  'JitterStrategy',
  'ProcessorConfig',
  'Mode',
  'ExecutionType',
  'StartAt',
  'States',
  'Version',
  'x.$',
  '__proto__',
);

/** An arbitrary mutation; `pick` and `other` choose among the locations (or states) modulo their count. */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: hostileValue() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), name: fc.oneof(hostileStrings, fieldNames) }),
  fc.record({ kind: fc.constant('add' as const), pick: fc.nat(), name: fc.oneof(fieldNames, hostileStrings), value: hostileValue() }),
  fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('state' as const), pick: fc.nat(), field: fieldNames, value: hostileValue() }),
  fc.record({ kind: fc.constant('renameState' as const), pick: fc.nat(), name: hostileStrings, follow: fc.boolean() }),
  fc.record({ kind: fc.constant('next' as const), pick: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('wrap' as const), pick: fc.nat(), times: fc.integer({ min: 1, max: 3 }) }),
);

/** Every (States object, state name) pair in a definition, nested ones included. */
function statesOf(root: unknown): [Record<string, unknown>, string][] {
  const found: [Record<string, unknown>, string][] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'States' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
          for (const name of Object.keys(v)) found.push([v as Record<string, unknown>, name]);
        }
        walk(v);
      }
    }
  };
  walk(root);
  return found;
}

/** Renames key `from` to `to` in `object`, keeping the order of its keys. */
function renameKey(object: Record<string, unknown>, from: string, to: string): void {
  const entries = Object.entries(object);
  for (const key of Object.keys(object)) delete object[key];
  for (const [k, v] of entries) setOwn(object, k === from ? to : k, v);
}

/** A deep copy of a JSON value that keeps `__proto__` keys as own keys. */
export function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `definition` (copied) with the mutations applied; values are planted as copies. */
export function mutate(definition: unknown, mutations: readonly Mutation[]): unknown {
  const root = copyJson(definition);
  for (const m of mutations) {
    if (m.kind === 'state' || m.kind === 'renameState' || m.kind === 'next') {
      const states = statesOf(root);
      if (states.length === 0) continue;
      const [owner, name] = states[m.pick % states.length]!;
      const state = owner[name];
      if (m.kind === 'state') {
        if (state !== null && typeof state === 'object' && !Array.isArray(state)) setOwn(state as Record<string, unknown>, m.field, plant(m.value));
      } else if (m.kind === 'renameState') {
        renameKey(owner, name, m.name);
        if (m.follow) retarget(root, name, m.name);
      } else if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
        const names = Object.keys(owner);
        const target = names[m.other % names.length]!;
        const fields = state as Record<string, unknown>;
        delete fields.End;
        setOwn(fields, 'Next', target);
      }
      continue;
    }
    const locations = locationsOf(root);
    if (locations.length === 0) continue;
    const location = locations[m.pick % locations.length]!;
    const parent = parentOf(root, location);
    if (parent === null) continue;
    const key = location[location.length - 1]!;
    switch (m.kind) {
      case 'drop':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        break;
      case 'replace':
        if (Array.isArray(parent)) parent[key as number] = plant(m.value);
        else setOwn(parent, String(key), plant(m.value));
        break;
      case 'rename':
        if (!Array.isArray(parent)) renameKey(parent as Record<string, unknown>, String(key), m.name);
        break;
      case 'add': {
        const target = parent[key];
        if (Array.isArray(target)) target.push(plant(m.value));
        else if (target !== null && typeof target === 'object') setOwn(target as Record<string, unknown>, m.name, plant(m.value));
        break;
      }
      case 'duplicate': {
        const other = locations[m.other % locations.length]!;
        const value = parentOf(root, other)?.[other[other.length - 1]!];
        if (value === undefined) break;
        if (Array.isArray(parent)) parent.splice(key as number, 0, copyJson(value));
        else setOwn(parent, String(key), copyJson(value));
        break;
      }
      case 'wrap': {
        let value = parent[key];
        for (let i = 0; i < m.times; i++) value = i % 2 === 0 ? [value] : { [String(key)]: value };
        if (Array.isArray(parent)) parent[key as number] = value;
        else setOwn(parent, String(key), value);
        break;
      }
    }
  }
  return root;
}

/** A copy of a generated value with its Nested markers expanded and its undefined members left out, so one value planted twice is two values. */
export function plant(value: unknown): unknown {
  if (value instanceof Nested) return deeplyNested(value.depth);
  if (Array.isArray(value)) return value.map(plant);
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) setOwn(copy, k, plant(v));
    return copy;
  }
  return value === undefined ? null : value;
}

/** Points every Next, Default and StartAt that named `from` at `to`. */
function retarget(value: unknown, from: string, to: string): void {
  if (Array.isArray(value)) for (const v of value) retarget(v, from, to);
  else if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(object)) {
      if ((k === 'Next' || k === 'Default' || k === 'StartAt') && v === from) setOwn(object, k, to);
      else retarget(v, from, to);
    }
  }
}

/** True when every token of `pointer` but the last names an own key on the way down (the last may name a missing field). */
export function pointerResolves(root: unknown, pointer: string): boolean {
  if (pointer === '') return true;
  if (!pointer.startsWith('/')) return false;
  const tokens = pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  let at = root;
  for (let i = 0; i < tokens.length; i++) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, tokens[i]!)) return i === tokens.length - 1;
    at = (at as Record<string, unknown>)[tokens[i]!];
  }
  return true;
}

/** A short, printable account of a value for failure messages. */
export function brief(value: unknown, length = 600): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > length ? `${text.slice(0, length)}… (${text.length} chars)` : text;
}
