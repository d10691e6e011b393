import { checkBoolean, checkEnum, checkInteger, requireString } from '../requests.js';
import { checkRequestModel } from '../request-model.js';
import { clockProblem, firstProblem, handlersProblem, optionsShapeProblem, stringProblem, type OptionProblem } from '../../options.js';
import type { InspectionLevel, TestStateRequest } from './request.js';

const inspectionLevels: readonly InspectionLevel[] = ['INFO', 'DEBUG', 'TRACE'];

/**
 * TestState's request as AWS checks it before anything else: the service model's bounds
 * (request-model.ts: lengths, enumerations, minimums, every violation at once), then the
 * members' JSON types, with AWS's "1 validation error detected" messages. Members the model
 * marks sensitive (definition, stateName, input, variables, context, the mock's result,
 * error and cause) are not echoed.
 */
export function checkRequestShape(request: TestStateRequest): void {
  checkRequestModel('TestState', request);
  requireString(request.definition, 'definition', true);
  optionalString(request.roleArn, 'roleArn', false);
  optionalString(request.input, 'input', true);
  checkEnum(request.inspectionLevel, 'inspectionLevel', inspectionLevels);
  checkBoolean(request.revealSecrets, 'revealSecrets');
  optionalString(request.variables, 'variables', true);
  optionalString(request.stateName, 'stateName', true);
  optionalString(request.context, 'context', true);
  const mock = request.mock;
  if (mock !== undefined && mock !== null) {
    optionalString(mock.result, 'mock.result', true);
    const errorOutput = mock.errorOutput;
    if (errorOutput !== undefined && errorOutput !== null) {
      optionalString(errorOutput.error, 'mock.errorOutput.error', true);
      optionalString(errorOutput.cause, 'mock.errorOutput.cause', true);
    }
    checkEnum(mock.fieldValidationMode, 'mock.fieldValidationMode', ['STRICT', 'PRESENT', 'NONE']);
  }
  const config = request.stateConfiguration;
  if (config !== undefined && config !== null) {
    checkInteger(config.retrierRetryCount, 'stateConfiguration.retrierRetryCount', 0);
    optionalString(config.errorCausedByState, 'stateConfiguration.errorCausedByState', true);
    checkInteger(config.mapIterationFailureCount, 'stateConfiguration.mapIterationFailureCount', 0);
    optionalString(config.mapItemReaderData, 'stateConfiguration.mapItemReaderData', true);
  }
}

function optionalString(value: unknown, member: string, sensitive: boolean): void {
  if (value !== undefined && value !== null) requireString(value, member, sensitive);
}

/** testState()'s own options (not the request's members, which AWS's model bounds). */
export const testStateOptionKeys = ['handlers', 'clock', 'region', 'accountId'] as const;

/** What is wrong with testState()'s options (or those testStateOf() passes on): null when nothing is. */
export function testStateOptionsProblem(options: unknown, known: readonly string[] = testStateOptionKeys): OptionProblem | null {
  const shape = optionsShapeProblem(options, known);
  if (shape !== null || options === undefined) return shape;
  const { handlers, clock, region, accountId } = options as Record<string, unknown>;
  return firstProblem(handlersProblem(handlers), clockProblem(clock), stringProblem(region, 'region'), stringProblem(accountId, 'accountId'));
}
