import { pointerTo } from '../asl/problems.js';
import { StateNode } from '../run/state.js';
import type { MachineEnv, QueryLanguage, StateEnv } from './context.js';
import { stateTypes } from './states/index.js';

function notCompiled(): never {
  throw new Error('state used before it was compiled');
}

/**
 * Compiles one States block (the machine, a Parallel branch or a Map processor). All
 * nodes are created first, so every Next, Default and Catch Next becomes a direct
 * reference to a node; then each state's run function is compiled.
 */
export function compileScope(machine: MachineEnv, definition: Record<string, unknown>, pointer: string, inherited: QueryLanguage): StateNode {
  const states = definition.States as Record<string, Record<string, unknown>>;
  const queryLanguage = (definition.QueryLanguage as QueryLanguage | undefined) ?? inherited;
  const nodes = new Map<string, StateNode>();
  for (const [name, def] of Object.entries(states)) {
    nodes.set(name, new StateNode(name, def.Type as string, notCompiled, stateTypes[def.Type as string]!.extraEvents));
  }
  const lookup = (name: string) => nodes.get(name)!;
  for (const [name, def] of Object.entries(states)) {
    const node = nodes.get(name)!;
    const env: StateEnv = {
      machine,
      name,
      pointer: pointerTo(pointerTo(pointer, 'States'), name),
      queryLanguage: (def.QueryLanguage as QueryLanguage | undefined) ?? queryLanguage,
      lookup,
      compileScope: (block, blockPointer, language) => compileScope(machine, block, blockPointer, language),
    };
    node.run = stateTypes[def.Type as string]!.compile(def, env);
    node.next = typeof def.Next === 'string' ? lookup(def.Next) : null;
  }
  return lookup(definition.StartAt as string);
}
