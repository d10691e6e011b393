import { readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as assert from 'uvu/assert';
import { compile, virtualClock, type Handlers } from '../../src/index.js';

/**
 * Runs the AWS-recorded conformance cases (../shared/conformance, format in its README)
 * through the public API and says, for each, whether statemill matched AWS.
 */
export interface ConformanceCase {
  name: string;
  definition: unknown;
  input: unknown;
  resources?: Record<string, { behavior: 'echo' | 'return' | 'throw'; functionName: string; value?: unknown; error?: string; cause?: string }>;
  expected: { status: 'SUCCEEDED' | 'FAILED'; output?: unknown; error?: string | null; cause?: string | null };
  ignorePaths: string[];
  features: string[];
  stateMachineType?: 'EXPRESS' | 'STANDARD';
}

export interface CaseOutcome {
  name: string;
  features: string[];
  passed: boolean;
  /** Why it failed: what differed. */
  detail: string;
}

/** The shared corpus beside the checkout, whose cases passing.txt lists. */
export const sharedConformanceDir = resolve(import.meta.dirname, '../../../shared/conformance/cases');

/** Where the cases are read from: `STATEMILL_CONFORMANCE_DIR` names another folder of cases in the same format. */
export const conformanceDir = resolve(process.env.STATEMILL_CONFORMANCE_DIR ?? sharedConformanceDir);

const absencesReported = new Set<string>();

/**
 * Says plainly, once per run and folder, that a corpus of AWS-recorded cases was not found,
 * so a run of zero cases is never mistaken for a pass. The tests that run a corpus fail in
 * CI (CI set) when it is absent.
 */
export function reportMissingCorpus(what: string, dir: string, variable: string): void {
  if (absencesReported.has(dir)) return;
  absencesReported.add(dir);
  process.stderr.write(
    `\nNOTE: the ${what} were not found at ${dir}, so none of them ran. They live in ../shared beside the checkout; ${variable} points elsewhere.\n\n`,
  );
}

/** What the floor check needs of a case's outcome. */
export interface FloorOutcome {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** The names of the cases that pass. */
export function passingNames(outcomes: readonly FloorOutcome[]): Set<string> {
  return new Set(outcomes.filter((o) => o.passed).map((o) => o.name));
}

/** Which of the floor's cases count, and whether the floor may be rewritten. */
export interface FloorOptions {
  /** Only the floor's cases among `outcomes` count (the corpus may be another set than the one the floor lists). */
  readonly presentOnly?: boolean;
  /** `STATEMILL_UPDATE_CONFORMANCE=1` rewrites the floor (default true). */
  readonly mayRewrite?: boolean;
}

/**
 * The floor in `floorFile` holds: every case it lists passes still, and no fewer pass than it
 * lists (the floor only goes up). `STATEMILL_UPDATE_CONFORMANCE=1` first rewrites it to the
 * cases that pass now, where `options` allow.
 */
export function assertFloorHolds(outcomes: readonly FloorOutcome[], passing: ReadonlySet<string>, floorFile: string, options: FloorOptions = {}): void {
  if (process.env.STATEMILL_UPDATE_CONFORMANCE === '1' && options.mayRewrite !== false) writeFileSync(floorFile, [...passing].sort().join('\n') + '\n');
  const present = options.presentOnly === true ? new Set(outcomes.map((o) => o.name)) : null;
  const floor = readFileSync(floorFile, 'utf8')
    .split('\n')
    .filter((name) => name !== '' && (present === null || present.has(name)));
  const regressed = outcomes.filter((o) => !o.passed && floor.includes(o.name));
  assert.equal(
    regressed.map((o) => `${o.name}: ${o.detail}`),
    [],
    'cases that passed before fail now',
  );
  assert.ok(passing.size >= floor.length, `${passing.size} passing, floor ${floor.length}`);
}

/** The cases, or [] when the directory is absent (a plain clone has no ../shared), which is reported. */
export function loadCases(dir = conformanceDir): ConformanceCase[] {
  if (!existsSync(dir)) {
    reportMissingCorpus('AWS-recorded conformance cases', dir, 'STATEMILL_CONFORMANCE_DIR');
    return [];
  }
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ConformanceCase);
}

/** The Lambda functions a case may call, as handlers keyed by ARN and by short name. */
export function handlersFor(resources: ConformanceCase['resources']): Handlers {
  const handlers: Record<string, (input: unknown) => unknown> = {};
  for (const [arn, r] of Object.entries(resources ?? {})) {
    let fn: (input: unknown) => unknown;
    if (r.behavior === 'echo') fn = (input) => input;
    else if (r.behavior === 'return') fn = () => structuredClone(r.value);
    else {
      fn = () => {
        const error = new Error(r.cause ?? '');
        error.name = r.error ?? 'Error';
        throw error;
      };
    }
    handlers[arn] = fn;
    handlers[r.functionName] = fn;
  }
  return handlers;
}

export async function runCase(c: ConformanceCase): Promise<CaseOutcome> {
  const outcome = (passed: boolean, detail: string): CaseOutcome => ({ name: c.name, features: c.features, passed, detail });
  let machine;
  try {
    machine = compile(c.definition, {
      handlers: handlersFor(c.resources),
      clock: virtualClock(),
      stateMachineName: 'conformance',
      workflowType: c.stateMachineType ?? 'STANDARD',
    });
  } catch (e) {
    return outcome(false, `rejected at compile: ${(e as Error).message.split('\n').slice(0, 3).join(' ')}`);
  }
  const result = await machine.execute(c.input);
  if (result.status !== c.expected.status) {
    return outcome(false, `status ${result.status} (${result.error}: ${result.cause}), expected ${c.expected.status}`);
  }
  if (c.expected.status === 'SUCCEEDED') {
    const actual = withoutPaths(result.output, c.ignorePaths);
    const expected = withoutPaths(c.expected.output, c.ignorePaths);
    if (!isDeepStrictEqual(actual, expected)) {
      return outcome(false, `output ${JSON.stringify(actual)?.slice(0, 300)} expected ${JSON.stringify(expected)?.slice(0, 300)}`);
    }
    return outcome(true, '');
  }
  if (result.error !== c.expected.error) return outcome(false, `error ${result.error} expected ${c.expected.error} (cause ${result.cause})`);
  if (c.expected.cause !== null && c.expected.cause !== undefined && result.cause !== c.expected.cause) {
    return outcome(false, `cause ${JSON.stringify(result.cause)} expected ${JSON.stringify(c.expected.cause)}`);
  }
  return outcome(true, '');
}

/** A deep copy of `value` without the values at the given ignore paths (`$`, `.k`, `['k']`, `[n]`). */
export function withoutPaths(value: unknown, paths: string[]): unknown {
  let copy = value === undefined ? undefined : structuredClone(value);
  for (const path of paths) {
    const segments = parseIgnorePath(path);
    if (segments.length === 0) {
      copy = undefined;
      continue;
    }
    let target: unknown = copy;
    for (let i = 0; i < segments.length - 1 && target !== undefined && target !== null; i++) {
      target = (target as Record<string | number, unknown>)[segments[i]!];
    }
    if (target !== null && typeof target === 'object') delete (target as Record<string | number, unknown>)[segments[segments.length - 1]!];
  }
  return copy;
}

function parseIgnorePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      out.push(path.slice(i + 1, j));
      i = j;
    } else if (path[i] === '[') {
      if (path[i + 1] === "'") {
        let key = '';
        let j = i + 2;
        while (j < path.length && path[j] !== "'") {
          if (path[j] === '\\') j++;
          key += path[j];
          j++;
        }
        out.push(key);
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        out.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      }
    } else i++;
  }
  return out;
}
