/** The runnable examples and what each must print; shared by the source-tree and packed-tarball tests. */
export interface ExampleExpectation {
  readonly file: string;
  /** Lines the example must print, in this order (other lines may come between). */
  readonly lines: readonly string[];
}

export const examples: readonly ExampleExpectation[] = [
  {
    file: 'in-process.mjs',
    lines: [
      'o-1 SUCCEEDED {"approved":true,"receipt":"R-o-1"}',
      'o-2 SUCCEEDED {"approved":true,"receipt":"R-o-2"}',
      'o-3 FAILED Payments.Declined The card was declined.',
      'problem ERR_ASL_UNKNOWN_STATE /States/Charge/Next',
    ],
  },
  {
    file: 'mocks.mjs',
    lines: [
      'HappyPath SUCCEEDED {"approved":true,"receipt":"R-mock"}',
      'DeclinedPath FAILED "Payments.Declined"',
      'RetryPath SUCCEEDED {"approved":true,"receipt":"R-retried"}',
    ],
  },
  { file: 'pool.mjs', lines: ['statuses {"SUCCEEDED":101,"FAILED":99}'] },
  {
    file: 'service.mjs',
    lines: [
      'HappyPath SUCCEEDED {"approved":true,"receipt":"R-mock"}',
      'DeclinedPath FAILED Payments.Declined',
      'failed DeclinedPath',
      'last event ExecutionFailed',
      "StateMachineDoesNotExist State Machine Does Not Exist: 'arn:aws:states:us-east-1:123456789012:stateMachine:nope'",
    ],
  },
];

/** The expected lines missing from an example's output, in order; [] when all are there. */
export function missingLines(output: string, expected: readonly string[]): string[] {
  const lines = output.split('\n');
  let at = 0;
  const missing: string[] = [];
  for (const line of expected) {
    const found = lines.indexOf(line, at);
    if (found < 0) missing.push(line);
    else at = found + 1;
  }
  return missing;
}
