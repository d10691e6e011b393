/**
 * The floor of account-opening's JSONata twin (workloads/account-opening/definition.jsonata.asl.json):
 * the twin written by hand doing what AWS's semantics oblige of it and nothing else, so that
 * engine ÷ floor says what the engine's generality costs and floor ÷ baseline what the
 * semantics cost over plain code (issue 20, target 3; bench/standalone/jsonata-floor.ts times it).
 *
 * What it does, state by state, as the engine must:
 * - the execution's input measured against the payload limit;
 * - each Task's Arguments built, a field whose expression yields nothing failing the state
 *   with States.QueryEvaluationError; the Arguments' size bound from the sizes already
 *   known (the input's, the variables'), walked only when that bound passes the limit;
 * - the same handler calls in the same order, each result measured against the limit;
 * - the Parallel's Assign: each variable, the Assign's values together and all variables
 *   within their quotas, from the results' sizes (exact sizes when the bounds pass a quota);
 *   its Output, the input, needs no measure;
 * - the Choice's two Conditions with JSONata's rules: `and` and `or` stop early, `=` against
 *   a literal is false for a missing value, `<=`/`>=` are false for a missing operand and fail
 *   with States.QueryEvaluationError for operands that are not both numbers or both strings;
 * - each Pass's Output, its size bound from the input's and the variables' sizes;
 * - member paths read as JSONata reads them: an object's member, each item's over an array
 *   (flattened; one value is that value, none is nothing).
 * No Parallel branch assigns, so the branches need no variable scope of their own: the
 * variables live in locals.
 *
 * What it leaves out, which the engine does for every definition: the execution's result
 * object (status, ARN, name, start and stop dates), the context object and the handlers'
 * context argument, the clock and the execution's deadline per state, the stop signal
 * between branches, state and event counting, Retry/Catch support, the `$states` scope and
 * the closures that interpret any definition, and any history.
 */
import { StatesErrors } from '../../src/run/errors.js';
import { jsonByteLength, payloadBound } from '../../src/run/limits.js';
import type { Outcome, WorkloadHandlers } from '../../workloads/types.js';

const LIMIT = 262_144;
/** AWS's quota on all variables: 10 MiB for the 256 KiB payload limit. */
const VARIABLES_LIMIT = 40 * LIMIT;

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
const VERIFY_IDENTITY = FUNCTION_ARN + 'kyc-verify-identity';
const CHECK_CREDIT = FUNCTION_ARN + 'kyc-check-credit';
const SCREEN_SANCTIONS = FUNCTION_ARN + 'kyc-screen-sanctions';
const OPEN_ACCOUNT = FUNCTION_ARN + 'accounts-open';
const QUEUE_REVIEW = FUNCTION_ARN + 'kyc-queue-review';

class StateFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** Bytes an object's braces, keys, colons and commas take at most: 6 per key unit (escapes), quotes, colon and comma. */
function keysBound(...keys: string[]): number {
  let bound = 2;
  for (const key of keys) bound += 6 * key.length + 4;
  return bound;
}
const VERIFY_KEYS = keysBound('fullName', 'dateOfBirth', 'documentNumber', 'country');
const CREDIT_KEYS = keysBound('applicantId', 'annualIncomeCents', 'existingDebtCents', 'employment', 'country');
const SCREEN_KEYS = keysBound('fullName', 'dateOfBirth', 'country');
const OPEN_KEYS = keysBound('applicationId', 'product', 'holder', 'submittedAt') + keysBound('name', 'email', 'country');
const REVIEW_KEYS = keysBound('applicationId', 'product', 'checks') + keysBound('identity', 'credit', 'sanctions');
const APPROVED_KEYS = keysBound('applicationId', 'decision', 'accountNumber', 'creditLimitCents', 'score') + 6 * 'APPROVED'.length + 2;
const REVIEW_OUTPUT_KEYS = keysBound('applicationId', 'decision', 'ticketId', 'reasons') + 6 * 'REVIEW'.length + 2;
const DECLINED_KEYS = keysBound('applicationId', 'decision', 'sanctionsMatch', 'identityVerified') + 6 * 'DECLINED'.length + 2;

/**
 * A JSONata member step: an object's member; over an array, each item's, where one item's
 * value is kept as it is (an array stays one) and several are flattened into one sequence
 * (of one: its value; of none: nothing).
 */
function member(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (!Array.isArray(value)) {
    const v = (value as Record<string, unknown>)[key];
    return typeof v === 'function' ? undefined : v;
  }
  const found: unknown[] = [];
  for (const item of value) {
    const v = member(item, key);
    if (v !== undefined) found.push(v);
  }
  if (found.length === 1) return found[0];
  const flat: unknown[] = [];
  for (const v of found) {
    if (Array.isArray(v)) flat.push(...(v as unknown[]));
    else flat.push(v);
  }
  return flat.length === 0 ? undefined : flat.length === 1 ? flat[0] : flat;
}

/** A field's value, which must be something. */
function required(value: unknown, state: string, field: string): unknown {
  if (value === undefined) throw new StateFailure(StatesErrors.QueryEvaluationError, `${state}: the field '${field}' returned nothing`);
  return value;
}

/**
 * Whether JSONata's `a >= b` / `a <= b` compares: operands other than numbers, strings and
 * nothing fail the state (States.QueryEvaluationError), a missing one makes it false, and
 * a number against a string fails.
 */
function comparable(a: unknown, b: unknown): boolean {
  const ta = typeof a;
  const tb = typeof b;
  if ((ta !== 'undefined' && ta !== 'number' && ta !== 'string') || (tb !== 'undefined' && tb !== 'number' && tb !== 'string')) throw notComparable();
  if (ta === 'undefined' || tb === 'undefined') return false;
  if (ta !== tb) throw notComparable();
  return true;
}
function notComparable(): StateFailure {
  return new StateFailure(StatesErrors.QueryEvaluationError, 'Decide: operands of a comparison are not both numbers or both strings');
}
function atLeast(a: unknown, b: unknown): boolean {
  return comparable(a, b) && (a as number) >= (b as number);
}
function atMost(a: unknown, b: unknown): boolean {
  return comparable(a, b) && (a as number) <= (b as number);
}

/** A size bound that passed the limit, measured exactly. */
function fits(value: unknown, bound: number): boolean {
  return bound <= LIMIT || payloadBound(value, LIMIT) <= LIMIT;
}
function tooLarge(state: string): StateFailure {
  return new StateFailure(StatesErrors.DataLimitExceeded, `${state}: a payload exceeds the maximum number of bytes`);
}

/** A Task: the handler called with its Arguments (bounded by `argumentsBound`); returns the result and leaves its size bound in `sizes[slot]`. */
function call(handlers: WorkloadHandlers, resource: string, state: string, args: unknown, argumentsBound: number, sizes: number[], slot: number): unknown {
  if (!fits(args, argumentsBound)) throw tooLarge(state);
  const result = handlers[resource]!(args, undefined as never);
  const size = payloadBound(result, LIMIT);
  if (size > LIMIT) throw tooLarge(state);
  sizes[slot] = size;
  return result;
}

/** The quotas of one Assign whose values' bounds are `assigned` (at `from`… in `sizes`) and of all variables then. */
function checkQuotas(values: readonly unknown[], sizes: number[], from: number, state: string): void {
  let assigned = 0;
  for (let i = from; i < from + values.length; i++) assigned += sizes[i]!;
  if (assigned > LIMIT) {
    assigned = 0;
    for (let i = 0; i < values.length; i++) assigned += sizes[from + i] = jsonByteLength(values[i], LIMIT);
    if (assigned > LIMIT) throw tooLarge(state);
  }
  let total = 0;
  for (let i = 0; i < from + values.length; i++) total += sizes[i]!;
  if (total > VARIABLES_LIMIT) throw tooLarge(state);
}

const IDENTITY = 0;
const CREDIT = 1;
const SANCTIONS = 2;
const RESULT = 3;

/** account-opening's JSONata twin by hand; the outcome the baseline reports (a handler's error as it threw it). */
export function runAccountOpeningFloor(input: unknown, handlers: WorkloadHandlers): Outcome {
  const inputBound = payloadBound(input, LIMIT);
  if (inputBound > LIMIT) return { status: 'FAILED', error: StatesErrors.DataLimitExceeded, cause: 'the execution input exceeds the maximum number of bytes' };
  // Variables' size bounds, by slot.
  const sizes = [0, 0, 0, 0];
  try {
    const applicant = member(input, 'applicant');
    const identity = call(
      handlers,
      VERIFY_IDENTITY,
      'VerifyIdentity',
      {
        fullName: required(member(applicant, 'fullName'), 'VerifyIdentity', 'Arguments/fullName'),
        dateOfBirth: required(member(applicant, 'dateOfBirth'), 'VerifyIdentity', 'Arguments/dateOfBirth'),
        documentNumber: required(member(member(applicant, 'document'), 'number'), 'VerifyIdentity', 'Arguments/documentNumber'),
        country: required(member(applicant, 'country'), 'VerifyIdentity', 'Arguments/country'),
      },
      VERIFY_KEYS + 4 * inputBound,
      sizes,
      IDENTITY,
    );
    const credit = call(
      handlers,
      CHECK_CREDIT,
      'CheckCredit',
      {
        applicantId: required(member(applicant, 'id'), 'CheckCredit', 'Arguments/applicantId'),
        annualIncomeCents: required(member(applicant, 'annualIncomeCents'), 'CheckCredit', 'Arguments/annualIncomeCents'),
        existingDebtCents: required(member(applicant, 'existingDebtCents'), 'CheckCredit', 'Arguments/existingDebtCents'),
        employment: required(member(applicant, 'employment'), 'CheckCredit', 'Arguments/employment'),
        country: required(member(applicant, 'country'), 'CheckCredit', 'Arguments/country'),
      },
      CREDIT_KEYS + 5 * inputBound,
      sizes,
      CREDIT,
    );
    const sanctions = call(
      handlers,
      SCREEN_SANCTIONS,
      'ScreenSanctions',
      {
        fullName: required(member(applicant, 'fullName'), 'ScreenSanctions', 'Arguments/fullName'),
        dateOfBirth: required(member(applicant, 'dateOfBirth'), 'ScreenSanctions', 'Arguments/dateOfBirth'),
        country: required(member(applicant, 'country'), 'ScreenSanctions', 'Arguments/country'),
      },
      SCREEN_KEYS + 3 * inputBound,
      sizes,
      SANCTIONS,
    );
    checkQuotas([identity, credit, sanctions], sizes, IDENTITY, 'RunChecks');

    // Decide: the Parallel's Output is its input.
    const applicationId = member(input, 'applicationId');
    if (member(sanctions, 'match') === true || member(identity, 'verified') === false) {
      return {
        status: 'SUCCEEDED',
        output: fitted(
          {
            applicationId: required(applicationId, 'Decline', 'Output/applicationId'),
            decision: 'DECLINED',
            sanctionsMatch: required(member(sanctions, 'match'), 'Decline', 'Output/sanctionsMatch'),
            identityVerified: required(member(identity, 'verified'), 'Decline', 'Output/identityVerified'),
          },
          DECLINED_KEYS + inputBound + sizes[SANCTIONS]! + sizes[IDENTITY]!,
          'Decline',
        ),
      };
    }
    const product = member(input, 'product');
    const type = member(product, 'type');
    const score = member(credit, 'score');
    const approvable =
      atLeast(member(identity, 'confidence'), 0.9) &&
      atLeast(score, 650) &&
      !(member(credit, 'delinquent') === true) &&
      (type === 'savings' ||
        (type === 'checking' && atLeast(member(applicant, 'age'), 18)) ||
        (type === 'credit' && atLeast(score, 720) && atMost(member(product, 'requestedLimitCents'), member(credit, 'maxLimitCents'))));
    if (approvable) {
      const account = call(
        handlers,
        OPEN_ACCOUNT,
        'OpenAccount',
        {
          applicationId: required(applicationId, 'OpenAccount', 'Arguments/applicationId'),
          product: required(product, 'OpenAccount', 'Arguments/product'),
          holder: {
            name: required(member(applicant, 'fullName'), 'OpenAccount', 'Arguments/holder/name'),
            email: required(member(applicant, 'email'), 'OpenAccount', 'Arguments/holder/email'),
            country: required(member(applicant, 'country'), 'OpenAccount', 'Arguments/holder/country'),
          },
          submittedAt: required(member(input, 'submittedAt'), 'OpenAccount', 'Arguments/submittedAt'),
        },
        OPEN_KEYS + 6 * inputBound,
        sizes,
        RESULT,
      );
      checkQuotas([account], sizes, RESULT, 'OpenAccount');
      return {
        status: 'SUCCEEDED',
        output: fitted(
          {
            applicationId: required(applicationId, 'Approved', 'Output/applicationId'),
            decision: 'APPROVED',
            accountNumber: required(member(account, 'accountNumber'), 'Approved', 'Output/accountNumber'),
            creditLimitCents: required(member(account, 'creditLimitCents'), 'Approved', 'Output/creditLimitCents'),
            score: required(score, 'Approved', 'Output/score'),
          },
          APPROVED_KEYS + inputBound + 2 * sizes[RESULT]! + sizes[CREDIT]!,
          'Approved',
        ),
      };
    }
    const review = call(
      handlers,
      QUEUE_REVIEW,
      'QueueManualReview',
      {
        applicationId: required(applicationId, 'QueueManualReview', 'Arguments/applicationId'),
        product: required(product, 'QueueManualReview', 'Arguments/product'),
        checks: { identity, credit, sanctions },
      },
      REVIEW_KEYS + 2 * inputBound + sizes[IDENTITY]! + sizes[CREDIT]! + sizes[SANCTIONS]!,
      sizes,
      RESULT,
    );
    checkQuotas([review], sizes, RESULT, 'QueueManualReview');
    return {
      status: 'SUCCEEDED',
      output: fitted(
        {
          applicationId: required(applicationId, 'InReview', 'Output/applicationId'),
          decision: 'REVIEW',
          ticketId: required(member(review, 'ticketId'), 'InReview', 'Output/ticketId'),
          reasons: required(member(review, 'reasons'), 'InReview', 'Output/reasons'),
        },
        REVIEW_OUTPUT_KEYS + inputBound + 2 * sizes[RESULT]!,
        'InReview',
      ),
    };
  } catch (thrown) {
    if (thrown instanceof Error) return { status: 'FAILED', error: thrown.name, cause: thrown.message };
    throw thrown;
  }
}

/** A state's output, checked against the limit when its bound does not prove it fits. */
function fitted(output: unknown, bound: number, state: string): unknown {
  if (!fits(output, bound)) throw tooLarge(state);
  return output;
}
