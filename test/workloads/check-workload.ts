/** Runs a workload's inputs through statemill and through its baseline, for the workload tests. */
import { compile, virtualClock } from '../../src/index.js';
import { differenceBetween, outcomeOf, type Outcome } from '../../bench/outcome.js';
import type { GeneratorOptions, Workload } from '../../workloads/types.js';

export interface Compared {
  readonly input: any;
  readonly engine: Outcome;
  readonly baseline: Outcome;
  /** Where the engine's outcome differs from the baseline's, or null. */
  readonly difference: string | null;
}

/** Runs `count` generated inputs through statemill (the JSONPath definition, or the JSONata twin) and the baseline. */
export async function runBoth(workload: Workload, options: GeneratorOptions, count: number, seed = 11, twin = false): Promise<Compared[]> {
  const definition = twin ? workload.jsonataDefinition : workload.definition;
  if (definition === null) throw new Error(`${workload.name} has no JSONata twin`);
  const machine = compile(definition, { handlers: workload.handlers, clock: virtualClock() });
  const compared: Compared[] = [];
  for (let index = 0; index < count; index++) {
    const input = workload.generateInput(seed, index, options);
    const engine = outcomeOf(await machine.execute(input));
    const baseline = workload.baseline(input);
    compared.push({ input, engine, baseline, difference: differenceBetween(baseline, engine) });
  }
  return compared;
}

export function differences(compared: readonly Compared[]): string[] {
  return compared.flatMap((c, i) => (c.difference === null ? [] : [`input #${i}: ${c.difference}`]));
}

export function output(outcome: Outcome): any {
  return outcome.status === 'SUCCEEDED' ? outcome.output : undefined;
}
