/**
 * The state the event-id tests end with: `Citing` fails in its own JSONata evaluation, so its
 * cause cites the id of its own StateEntered ("entered at the event id #N"), which the tests
 * compare with the id a recorded history gives that event.
 */
import * as assert from 'uvu/assert';

export const citing = { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $undefinedfn() %}', End: true };

/** The N Citing's failure cites; fails the test when the cause is not Citing's failure. */
export function citedId(cause: string | null | undefined): number {
  const m = /^An error occurred while executing the state 'Citing' \(entered at the event id #(\d+)\)/.exec(cause ?? '');
  assert.ok(m, `expected Citing's failure, got ${cause}`);
  return Number(m[1]);
}

/** The id of Citing's PassStateEntered in `events`; fails the test when it has none. */
export function citingEnteredId(events: readonly { readonly id: number; readonly type: string }[]): number {
  const entered = events.find((e) => e.type === 'PassStateEntered' && (e as Record<string, any>).stateEnteredEventDetails.name === 'Citing');
  assert.ok(entered, 'Citing entered');
  return entered!.id;
}
