import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ServiceError } from '../../src/service/errors.js';
import { testState, type TestStateRequest } from '../../src/service/test-state/index.js';
import { inspectionTextStages } from '../../src/service/test-state/test-helper.js';
import { handlersFor, withoutPaths, type ConformanceCase } from '../conformance/runner.js';

/**
 * Replays the AWS-recorded TestState cases (../shared/conformance-teststate, format and
 * checking rules in its README) through testState() and says, for each, whether statemill
 * answered as AWS did.
 */
export interface TestStateCase {
  name: string;
  request: Omit<TestStateRequest, 'definition'> & { definition: unknown };
  resources?: ConformanceCase['resources'];
  expected: ExpectedResponse | { error: ExpectedRefusal };
  ignorePaths: string[];
  features: string[];
}

interface ExpectedRefusal {
  type: string;
  message: string | null;
  messageTemplate?: string;
}

interface ExpectedResponse {
  status: string;
  output?: unknown;
  error?: string;
  cause?: unknown;
  causeTemplate?: string;
  nextState?: string;
  inspectionData?: Record<string, unknown>;
}

export interface TestStateCaseOutcome {
  name: string;
  passed: boolean;
  detail: string;
}

export const testStateCasesDir = resolve(process.env.STATEMILL_TESTSTATE_DIR ?? join(import.meta.dirname, '../../../shared/conformance-teststate/cases'));

/** The cases, or null when the folder is absent (a plain clone has no ../shared). */
export function loadTestStateCases(dir = testStateCasesDir): TestStateCase[] | null {
  if (!existsSync(dir)) return null;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as TestStateCase);
}

export async function runTestStateCase(c: TestStateCase): Promise<TestStateCaseOutcome> {
  const outcome = (passed: boolean, detail: string): TestStateCaseOutcome => ({ name: c.name, passed, detail });
  const request = { ...c.request, definition: JSON.stringify(c.request.definition) } as TestStateRequest;
  let response: Awaited<ReturnType<typeof testState>> | null = null;
  let refusal: ServiceError | null = null;
  try {
    response = await testState(request, { handlers: handlersFor(c.resources), region: 'us-east-1', accountId: '000000000000' });
  } catch (error) {
    if (!(error instanceof ServiceError)) return outcome(false, `threw ${(error as Error).stack}`);
    refusal = error;
  }
  if ('error' in c.expected && typeof c.expected.error === 'object' && c.expected.error !== null) {
    const expected = c.expected.error;
    if (refusal === null) return outcome(false, `answered ${JSON.stringify(response).slice(0, 300)}, expected refusal ${expected.type}: ${expected.message}`);
    if (refusal.name !== expected.type) return outcome(false, `refused ${refusal.name}: ${refusal.message}, expected ${expected.type}: ${expected.message}`);
    if (expected.message !== null && refusal.message !== expected.message)
      return outcome(false, `message ${JSON.stringify(refusal.message)}, expected ${JSON.stringify(expected.message)}`);
    if (expected.message === null && expected.messageTemplate !== undefined && !matchesTemplate(refusal.message, expected.messageTemplate)) {
      return outcome(false, `message ${JSON.stringify(refusal.message)} does not match ${JSON.stringify(expected.messageTemplate)}`);
    }
    return outcome(true, '');
  }
  const expected = c.expected as ExpectedResponse;
  if (refusal !== null) return outcome(false, `refused ${refusal.name}: ${refusal.message}, expected status ${expected.status}`);
  const r = response!;
  for (const member of ['status', 'error', 'nextState'] as const) {
    if ((r[member] ?? undefined) !== (expected[member] ?? undefined))
      return outcome(false, `${member} ${r[member]} expected ${expected[member]} (error ${r.error}: ${r.cause})`);
  }
  const cause = r.cause === undefined ? undefined : parseText(r.cause);
  if (!('cause' in expected) || expected.cause === undefined) {
    if (cause !== undefined) return outcome(false, `cause ${JSON.stringify(r.cause)}, expected none`);
  } else if (expected.cause === null) {
    if (cause === undefined) return outcome(false, 'no cause, expected one');
    if (expected.causeTemplate !== undefined && !matchesTemplate(r.cause!, expected.causeTemplate))
      return outcome(false, `cause ${JSON.stringify(r.cause)} does not match ${expected.causeTemplate}`);
  } else if (typeof expected.cause === 'string' ? r.cause !== expected.cause : !isDeepStrictEqual(cause, expected.cause)) {
    return outcome(false, `cause ${JSON.stringify(r.cause)} expected ${JSON.stringify(expected.cause)}`);
  }
  const actualData: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r.inspectionData ?? {}))
    actualData[key] = inspectionTextStages.has(key) && typeof value === 'string' ? parseText(value) : value;
  const actual = { output: r.output === undefined ? undefined : parseText(r.output), inspectionData: r.inspectionData === undefined ? undefined : actualData };
  const wanted = { output: expected.output, inspectionData: expected.inspectionData };
  for (const member of ['output', 'inspectionData'] as const) {
    if ((actual[member] === undefined) !== (wanted[member] === undefined)) {
      return outcome(
        false,
        `${member} ${actual[member] === undefined ? 'absent' : JSON.stringify(actual[member]).slice(0, 300)}, expected ${wanted[member] === undefined ? 'none' : JSON.stringify(wanted[member]).slice(0, 300)}`,
      );
    }
  }
  const a = withoutPaths(actual, c.ignorePaths);
  const e = withoutPaths(wanted, c.ignorePaths);
  if (!isDeepStrictEqual(a, e)) return outcome(false, `got ${JSON.stringify(a).slice(0, 600)} expected ${JSON.stringify(e).slice(0, 600)}`);
  return outcome(true, '');
}

/** JSON text as its value; a string that is not JSON text is the value itself. */
function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function matchesTemplate(text: string, template: string): boolean {
  const pattern = template
    .split(/<[^<>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(text);
}
