import type { InspectionData, InspectionLevel, TestStateResponse } from './request.js';
import type { Outcome, TestRun } from './run-env.js';

/** inspectionData members AWS sends as numbers; every other stage is JSON text. */
const numericStages = new Set(['maxConcurrency', 'toleratedFailureCount', 'toleratedFailurePercentage']);

/**
 * AWS's response: `output` and the data-flow stages as JSON text, `inspectionData` only at
 * DEBUG and TRACE, members without a value left out.
 */
export function toResponse(outcome: Outcome, run: TestRun, level: InspectionLevel): TestStateResponse {
  const response: TestStateResponse = { status: outcome.status };
  if (outcome.hasOutput) response.output = JSON.stringify(outcome.output ?? null);
  if (outcome.error !== undefined && outcome.error !== null) response.error = outcome.error;
  if (outcome.cause !== undefined && outcome.cause !== null) response.cause = outcome.cause;
  if (outcome.nextState !== undefined) response.nextState = outcome.nextState;
  if (level === 'INFO') return response;
  const data: Record<string, unknown> = {};
  for (const [stage, value] of run.stages) data[stage] = numericStages.has(stage) ? value : JSON.stringify(value ?? null);
  const variables = run.frame.vars?.visible() ?? [];
  if (variables.length > 0) data.variables = JSON.stringify(Object.fromEntries(variables));
  if (outcome.errorDetails !== undefined) data.errorDetails = { ...outcome.errorDetails };
  response.inspectionData = data as InspectionData;
  return response;
}
