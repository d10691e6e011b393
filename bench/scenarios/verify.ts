/** Every benchmark checks answers first: each engine's outcome for each input equals the expected one. */
import { differenceBetween, type Outcome } from '../outcome.js';
import type { Subject } from '../engines/subject.js';
import type { VerificationRecord } from '../report/types.js';

export async function verifySubject(workflow: string, subject: Subject, inputs: readonly unknown[], expected: readonly Outcome[]): Promise<VerificationRecord> {
  let matched = 0;
  let detail: string | null = null;
  for (let i = 0; i < inputs.length; i++) {
    let actual: Outcome;
    try {
      actual = await subject.outcome(inputs[i]);
    } catch (error) {
      detail ??= `input #${i}: the engine threw ${(error as Error).name}: ${(error as Error).message}`;
      continue;
    }
    const difference = differenceBetween(expected[i], actual);
    if (difference === null) matched++;
    else detail ??= `input #${i}: ${difference}`;
  }
  return {
    workflow,
    engine: subject.engine,
    inputs: inputs.length,
    matched,
    status: matched === inputs.length ? 'ok' : 'mismatch',
    detail,
    note: subject.note,
  };
}
