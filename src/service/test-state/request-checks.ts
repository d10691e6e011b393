import { checkBoolean, checkEnum, checkInteger, checkLength, requireString } from '../requests.js';
import { clockProblem, firstProblem, handlersProblem, optionsShapeProblem, stringProblem, type OptionProblem } from '../../options.js';
import type { InspectionLevel, TestStateRequest } from './request.js';

/** Longest JSON-text member AWS's model allows (input, variables, context, mock.result, mapItemReaderData). */
const maxDataLength = 262_144;

const inspectionLevels: readonly InspectionLevel[] = ['INFO', 'DEBUG', 'TRACE'];

/**
 * The bounds AWS's service model puts on TestState's members, checked before anything else
 * as AWS checks them: lengths, enumerations, types and minimums, with AWS's
 * "1 validation error detected" messages. Members the model marks sensitive (definition,
 * stateName, input, variables, context, the mock's result, error and cause) are not echoed.
 */
export function checkRequestShape(request: TestStateRequest): void {
  requireString(request.definition, 'definition', true);
  checkLength(request.definition, 'definition', 1, 1_048_576, true);
  optionalString(request.roleArn, 'roleArn', 1, 256, false);
  optionalString(request.input, 'input', 0, maxDataLength, true);
  checkEnum(request.inspectionLevel, 'inspectionLevel', inspectionLevels);
  checkBoolean(request.revealSecrets, 'revealSecrets');
  optionalString(request.variables, 'variables', 0, maxDataLength, true);
  optionalString(request.stateName, 'stateName', 1, 80, true);
  optionalString(request.context, 'context', 0, maxDataLength, true);
  const mock = request.mock;
  if (mock !== undefined && mock !== null) {
    optionalString(mock.result, 'mock.result', 0, maxDataLength, true);
    const errorOutput = mock.errorOutput;
    if (errorOutput !== undefined && errorOutput !== null) {
      optionalString(errorOutput.error, 'mock.errorOutput.error', 0, 256, true);
      optionalString(errorOutput.cause, 'mock.errorOutput.cause', 0, 32_768, true);
    }
    checkEnum(mock.fieldValidationMode, 'mock.fieldValidationMode', ['STRICT', 'PRESENT', 'NONE']);
  }
  const config = request.stateConfiguration;
  if (config !== undefined && config !== null) {
    checkInteger(config.retrierRetryCount, 'stateConfiguration.retrierRetryCount', 0);
    optionalString(config.errorCausedByState, 'stateConfiguration.errorCausedByState', 1, 80, true);
    checkInteger(config.mapIterationFailureCount, 'stateConfiguration.mapIterationFailureCount', 0);
    optionalString(config.mapItemReaderData, 'stateConfiguration.mapItemReaderData', 0, maxDataLength, true);
  }
}

function optionalString(value: unknown, member: string, min: number, max: number, sensitive: boolean): void {
  if (value === undefined || value === null) return;
  requireString(value, member, sensitive);
  checkLength(value, member, min, max, sensitive);
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
