import { pointerTo } from '../asl/problems.js';
import { StateNode } from '../run/state.js';
import { languageOf } from '../asl/query-language.js';
import type { QueryLanguage } from '../asl/types.js';
import type { MachineEnv, StateEnv } from './context.js';
import { passesOwnedValue } from './owned-values.js';
import { stateCompilers } from './states/index.js';

/** Choice, Wait, Succeed and Fail only select from their input, unless a JSONata Output builds a new one. */
function mayGrow(type: string, def: Record<string, unknown>): boolean {
  const selects = type === 'Choice' || type === 'Wait' || type === 'Succeed' || type === 'Fail';
  return !selects || 'Output' in def;
}

function notCompiled(): never {
  throw new Error('state used before it was compiled');
}

/**
 * Compiles one States block (the machine, a Parallel branch or a Map processor). All
 * nodes are created first, so every Next, Default and Catch Next becomes a direct
 * reference to a node; then each state's run function is compiled.
 *
 * A state without its own QueryLanguage follows the top level's, wherever it sits: AWS does
 * not pass a Parallel's or Map's QueryLanguage on to the states inside it. So nested blocks
 * are compiled with the machine's language, whatever language the enclosing state asks for.
 */
export function compileScope(machine: MachineEnv, definition: Record<string, unknown>, pointer: string, machineLanguage: QueryLanguage): StateNode {
  return compileStates(machine, definition, pointer, machineLanguage).get(definition.StartAt as string)!;
}

/** compileScope's work: every state of one States block, compiled, by name. */
export function compileStates(
  machine: MachineEnv,
  definition: Record<string, unknown>,
  pointer: string,
  machineLanguage: QueryLanguage,
): ReadonlyMap<string, StateNode> {
  const states = definition.States as Record<string, Record<string, unknown>>;
  const nodes = new Map<string, StateNode>();
  for (const [name, def] of Object.entries(states)) {
    const type = def.Type as string;
    nodes.set(name, new StateNode(name, type, notCompiled, stateCompilers[type]!.extraEvents, mayGrow(type, def)));
  }
  const lookup = (name: string) => nodes.get(name)!;
  for (const [name, def] of Object.entries(states)) {
    const node = nodes.get(name)!;
    const env: StateEnv = {
      machine,
      name,
      pointer: pointerTo(pointerTo(pointer, 'States'), name),
      queryLanguage: languageOf(def, machineLanguage),
      lookup,
      compileScope: (block, blockPointer) => compileScope(machine, block, blockPointer, machineLanguage),
      compileBlock: (block, blockPointer) => compileStates(machine, block, blockPointer, machineLanguage),
    };
    node.run = stateCompilers[def.Type as string]!.compile(def, env);
    node.passesOwned = passesOwnedValue(def.Type as string, def, env.queryLanguage, machine);
    node.next = typeof def.Next === 'string' ? lookup(def.Next) : null;
  }
  return nodes;
}
