import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createService, type StepFunctionsService } from '../../src/service/index.js';
import { ServiceError } from '../../src/service/errors.js';

/**
 * Replays the AWS-recorded API call sequences of ../shared/conformance-api (format in its
 * README) against a fresh createService() per case, and says for each whether every call
 * answered as AWS did.
 */

export const apiCasesDir = resolve(process.env.STATEMILL_CONFORMANCE_API_DIR ?? join(import.meta.dirname, '../../../shared/conformance-api/cases'));

interface Reference {
  $fromCall: number;
  path: string;
}

interface Call {
  op: string;
  request: Record<string, unknown>;
  via?: string;
  expected?: {
    response?: unknown;
    ignorePaths?: string[];
    jsonTextPaths?: string[];
    error?: { type: string | null; message: string | null; messageTemplate?: string };
  };
}

export interface ApiCase {
  name: string;
  calls: Call[];
  features: string[];
  recordedAt: string;
}

export interface ApiOutcome {
  name: string;
  passed: boolean;
  detail: string;
}

export function loadApiCases(dir = apiCasesDir): ApiCase[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ApiCase);
}

/**
 * AWS added `encryptionConfiguration` to DescribeStateMachine(ForExecution) answers with
 * customer managed keys; the first recording that shows it dates from 2024-11-20. The
 * service answers as AWS does today, so older recordings are compared without it.
 */
const encryptionShownSince = '2024-11-20';

/**
 * AWS added redrive (and the `redriveCount`, `redriveStatus`, `redriveStatusReason` members of
 * execution answers) on 2023-11-15; older recordings are compared without them.
 */
const redriveShownSince = '2023-11-15';
const redriveMembers = ['redriveCount', 'redriveStatus', 'redriveStatusReason'];

function withoutRedrive(answer: Record<string, unknown>): void {
  for (const member of redriveMembers) delete answer[member];
  for (const list of ['executions']) {
    const items = answer[list];
    if (Array.isArray(items)) for (const item of items) if (item !== null && typeof item === 'object') withoutRedrive(item as Record<string, unknown>);
  }
}

/**
 * What a case is replayed against: the service itself, or anything that answers `send()`
 * and `describeExecution()` as it does (the HTTP endpoint through the SDK, in test/serve).
 */
export type ApiTarget = Pick<StepFunctionsService, 'send' | 'describeExecution' | 'close'>;

export const inProcessTarget = (options: { region: string; accountId: string }): ApiTarget => createService(options);

export async function runApiCase(
  c: ApiCase,
  open: (options: { region: string; accountId: string }) => ApiTarget | Promise<ApiTarget> = inProcessTarget,
): Promise<ApiOutcome> {
  const service = await open({ region: 'us-east-1', accountId: '000000000000' });
  const answers: unknown[] = [];
  try {
    for (const [i, call] of c.calls.entries()) {
      const request = resolveReferences(call.request, answers) as Record<string, unknown>;
      // The recording replaced page tokens irreversibly (`nextToken: null` where the test
      // passed the token of the page before): pass the one the service gave.
      if ('nextToken' in request && request.nextToken === null) request.nextToken = lastNextToken(c.calls.slice(0, i), answers, call.op);
      if (call.via !== undefined) {
        await awaitCondition(service, call, request);
        answers.push(await service.send(commandOf(call.op, request)).catch(() => undefined));
        continue;
      }
      let answer: unknown;
      let refusal: unknown = null;
      try {
        answer = await service.send(commandOf(call.op, request));
      } catch (thrown) {
        refusal = thrown;
      }
      answers.push(answer);
      const problem = judge(c, call, answer, refusal);
      if (problem !== null) return { name: c.name, passed: false, detail: `call ${i} ${call.op}: ${problem}` };
    }
    return { name: c.name, passed: true, detail: '' };
  } finally {
    await service.close();
  }
}

function lastNextToken(calls: readonly Call[], answers: readonly unknown[], op: string): unknown {
  for (let i = calls.length - 1; i >= 0; i--) {
    const token = (answers[i] as { nextToken?: unknown } | undefined)?.nextToken;
    if (calls[i]!.op === op && token !== undefined) return token;
  }
  return null;
}

/** A stand-in for an SDK command: send() reads only the class name and `.input`. */
function commandOf(op: string, input: unknown): { input: unknown } {
  const Command = {
    [`${op}Command`]: class {
      constructor(readonly input: unknown) {}
    },
  }[`${op}Command`]!;
  return new Command(input);
}

/** A polling helper's condition: the execution has ended (the service needs no more waiting than that). */
async function awaitCondition(service: ApiTarget, call: Call, request: Record<string, unknown>): Promise<void> {
  if (!call.via!.startsWith('await_execution') || typeof request.executionArn !== 'string') return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const described = await service.describeExecution({ executionArn: request.executionArn }).catch(() => null);
    if (described === null || described.status !== 'RUNNING') return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function judge(c: ApiCase, call: Call, answer: unknown, refusal: unknown): string | null {
  const expected = call.expected;
  if (expected?.error !== undefined) {
    if (refusal === null) return `expected ${expected.error.type ?? 'a refusal'}, got ${JSON.stringify(answer)}`;
    if (!(refusal instanceof ServiceError))
      return `refused with a ${String((refusal as Error)?.name)} that is not a ServiceError: ${String((refusal as Error)?.message)}`;
    if (expected.error.type !== null && refusal.name !== expected.error.type) return `expected ${expected.error.type}, got ${refusal.name}: ${refusal.message}`;
    if (expected.error.message !== null && refusal.message !== expected.error.message)
      return `message ${JSON.stringify(refusal.message)}, AWS: ${JSON.stringify(expected.error.message)}`;
    if (expected.error.message === null && expected.error.messageTemplate !== undefined && !templateMatches(expected.error.messageTemplate, refusal.message)) {
      return `message ${JSON.stringify(refusal.message)} does not match ${JSON.stringify(expected.error.messageTemplate)}`;
    }
    return null;
  }
  if (refusal !== null) return `refused: ${(refusal as Error)?.name}: ${(refusal as Error)?.message}`;
  if (expected?.response === undefined) return null;
  const actual = JSON.parse(JSON.stringify(answer ?? {})) as Record<string, unknown>;
  const wanted = structuredClone(expected.response) as Record<string, unknown>;
  for (const path of expected.jsonTextPaths ?? []) {
    const text = getPath(actual, path);
    if (typeof text === 'string') setPath(actual, path, JSON.parse(text));
  }
  for (const path of expected.ignorePaths ?? []) {
    deletePath(actual, path);
    deletePath(wanted, path);
  }
  if (c.recordedAt < encryptionShownSince && !('encryptionConfiguration' in wanted) && call.op.startsWith('DescribeStateMachine'))
    delete actual.encryptionConfiguration;
  if (c.recordedAt < redriveShownSince && (call.op === 'DescribeExecution' || call.op === 'ListExecutions')) withoutRedrive(actual);
  const difference = differ(actual, wanted, '$');
  return difference === null ? null : `answer differs at ${difference}`;
}

function templateMatches(template: string, message: string): boolean {
  const pattern = template
    .split(/<[^>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(message);
}

function resolveReferences(value: unknown, answers: unknown[]): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, answers));
  if (value === null || typeof value !== 'object') return value;
  const ref = value as Partial<Reference>;
  if (typeof ref.$fromCall === 'number' && typeof ref.path === 'string') return getPath(answers[ref.$fromCall], ref.path);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, answers)]));
}

/** `$.a.b[0].c` → ['a', 'b', 0, 'c']. */
function tokens(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.slice(1).matchAll(/\.([^.[]+)|\[(\d+)\]/g)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

function getPath(root: unknown, path: string): unknown {
  return walk(root, tokens(path));
}

/** The value `steps` lead to from `root`; undefined where one leads through something that is not an object or array. */
function walk(root: unknown, steps: readonly (string | number)[]): unknown {
  let at: any = root;
  for (const t of steps) {
    if (at === null || typeof at !== 'object') return undefined;
    at = at[t];
  }
  return at;
}

function setPath(root: unknown, path: string, value: unknown): void {
  const steps = tokens(path);
  const parent: any = walk(root, steps.slice(0, -1));
  if (parent !== null && typeof parent === 'object') parent[steps[steps.length - 1]!] = value;
}

function deletePath(root: unknown, path: string): void {
  const steps = tokens(path);
  const parent: any = walk(root, steps.slice(0, -1));
  if (parent !== null && typeof parent === 'object') delete parent[steps[steps.length - 1]!];
}

/** Where two JSON values differ (object key order ignored), or null. */
function differ(actual: unknown, wanted: unknown, at: string): string | null {
  if (wanted === null || typeof wanted !== 'object') {
    return actual === wanted ? null : `${at}: ${JSON.stringify(actual)} ≠ AWS ${JSON.stringify(wanted)}`;
  }
  if (Array.isArray(wanted)) {
    if (!Array.isArray(actual)) return `${at}: ${JSON.stringify(actual)} ≠ AWS array`;
    if (actual.length !== wanted.length) return `${at}: ${actual.length} items ≠ AWS ${wanted.length}: ${JSON.stringify(actual).slice(0, 300)}`;
    for (let i = 0; i < wanted.length; i++) {
      const d = differ(actual[i], wanted[i], `${at}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${at}: ${JSON.stringify(actual)} ≠ AWS object`;
  const a = actual as Record<string, unknown>;
  const w = wanted as Record<string, unknown>;
  for (const key of Object.keys(a)) if (!(key in w)) return `${at}.${key}: AWS did not return it (${JSON.stringify(a[key]).slice(0, 120)})`;
  for (const key of Object.keys(w)) {
    if (!(key in a)) return `${at}.${key}: missing (AWS: ${JSON.stringify(w[key]).slice(0, 120)})`;
    const d = differ(a[key], w[key], `${at}.${key}`);
    if (d !== null) return d;
  }
  return null;
}
