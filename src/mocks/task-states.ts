import { pointerTo } from '../asl/problems.js';

export interface StateSite {
  readonly type: unknown;
  /** The Task's Resource, or null for other states (and Tasks without a string Resource). */
  readonly resource: string | null;
  /** JSON pointer of the state in the definition. */
  readonly pointer: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Every state of a definition by name, Parallel branches and Map processors included (ASL
 * names are unique across the whole machine). Tolerates a malformed definition: compile()
 * is the one to report its problems.
 */
export function statesByName(definition: unknown): Map<string, StateSite> {
  const found = new Map<string, StateSite>();
  const pending: Array<{ scope: unknown; pointer: string }> = [{ scope: definition, pointer: '' }];
  while (pending.length > 0) {
    const { scope, pointer } = pending.pop()!;
    if (!isObject(scope) || !isObject(scope.States)) continue;
    const statesPointer = pointerTo(pointer, 'States');
    for (const name of Object.keys(scope.States)) {
      const state = scope.States[name];
      const statePointer = pointerTo(statesPointer, name);
      if (!isObject(state)) continue;
      const resource = state.Type === 'Task' && typeof state.Resource === 'string' ? state.Resource : null;
      if (!found.has(name)) found.set(name, { type: state.Type, resource, pointer: statePointer });
      if (Array.isArray(state.Branches)) {
        state.Branches.forEach((branch, i) => pending.push({ scope: branch, pointer: pointerTo(pointerTo(statePointer, 'Branches'), i) }));
      }
      for (const processor of ['ItemProcessor', 'Iterator']) {
        if (isObject(state[processor])) pending.push({ scope: state[processor], pointer: pointerTo(statePointer, processor) });
      }
    }
  }
  return found;
}
