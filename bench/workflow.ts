/**
 * A workflow as the harness benchmarks it: a definition, its handlers, a fixed set of
 * inputs (cycled through while timing), and, for built-in workloads, the hand-written
 * baseline that gives the expected answers.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { GeneratorOptions, Outcome, Workload, WorkloadHandlers } from '../workloads/types.js';
import { BenchSetupError } from './errors.js';

export interface BenchWorkflow {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly handlers: WorkloadHandlers;
  /** Module exporting `handlers`, for worker threads; null when the handlers only exist in this thread. */
  readonly handlersModule: URL | null;
  /** Where worker threads can generate inputs themselves (the pool's sharded load mode). */
  readonly generator: { readonly module: URL; readonly options: GeneratorOptions; readonly seed: number } | null;
  readonly inputs: readonly unknown[];
  /** The hand-written implementation; null for a user's workflow. */
  readonly baseline: ((input: unknown) => Outcome) | null;
  /** The answer expected for each input, when known before any engine runs. */
  readonly expected: readonly Outcome[] | null;
}

export type Size = 'quick' | 'standard';

export function workflowFromWorkload(workload: Workload, size: Size, seed: number, count: number, useJsonata = false): BenchWorkflow {
  const options = workload.sizes[size];
  const inputs = Array.from({ length: count }, (_, index) => workload.generateInput(seed, index, options));
  const definition = useJsonata ? workload.jsonataDefinition : workload.definition;
  if (definition === null) throw new Error(`${workload.name} has no JSONata twin`);
  return {
    name: useJsonata ? `${workload.name} (JSONata)` : workload.name,
    definition,
    handlers: workload.handlers,
    handlersModule: workload.handlersModule,
    generator: { module: workload.generatorModule, options, seed },
    inputs,
    baseline: workload.baseline,
    expected: inputs.map((input) => workload.baseline(input)),
  };
}

export interface CustomWorkflowFiles {
  readonly definition: string;
  readonly handlers: string;
  /** A JSON file with one input, or with `{ "inputs": [...] }` for several. */
  readonly input: string | null;
  /** Optional JSON file with the expected outcome(s), same shape as the inputs file. */
  readonly expected: string | null;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new BenchSetupError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BenchSetupError(`${path} is not JSON: ${(error as Error).message}`);
  }
}

function listOf(document: unknown, key: string): unknown[] {
  if (document !== null && typeof document === 'object' && !Array.isArray(document) && Array.isArray((document as Record<string, unknown>)[key])) {
    return (document as Record<string, unknown[]>)[key]!;
  }
  return [document];
}

/** A user's workflow: `--definition my.asl.json --handlers ./handlers.js --input sample.json`. */
export async function workflowFromFiles(files: CustomWorkflowFiles): Promise<BenchWorkflow> {
  const definition = await readJson(files.definition);
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new BenchSetupError(`${files.definition} does not hold a state machine definition (a JSON object)`);
  }
  const handlersModule = pathToFileURL(resolve(files.handlers));
  let loaded: { handlers?: WorkloadHandlers; default?: { handlers?: WorkloadHandlers } };
  try {
    loaded = (await import(handlersModule.href)) as typeof loaded;
  } catch (error) {
    throw new BenchSetupError(`cannot load ${files.handlers}: ${(error as Error).message}`);
  }
  const handlers = loaded.handlers ?? loaded.default?.handlers;
  if (handlers === undefined || handlers === null || typeof handlers !== 'object') {
    throw new BenchSetupError(`${files.handlers} must export \`handlers\`: an object mapping each Task Resource to a function`);
  }
  const inputs = files.input === null ? [{}] : listOf(await readJson(files.input), 'inputs');
  const expected = files.expected === null ? null : (listOf(await readJson(files.expected), 'outcomes') as Outcome[]);
  if (expected !== null && expected.length !== inputs.length) {
    throw new BenchSetupError(`${files.expected} holds ${expected.length} outcomes for ${inputs.length} inputs`);
  }
  return {
    name: files.definition.replace(/^.*[\\/]/, '').replace(/\.json$/, ''),
    definition: definition as Record<string, unknown>,
    handlers,
    handlersModule,
    generator: null,
    inputs,
    baseline: null,
    expected,
  };
}
