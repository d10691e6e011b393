/**
 * A workflow as the harness benchmarks it: a definition, its handlers, a fixed set of
 * inputs (cycled through while timing), and, for built-in workloads, the hand-written
 * baseline that gives the expected answers.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { loadDefinition, parseDocumentText } from '../src/cli/definition-file.js';
import { parseParams } from '../src/cli/params.js';
import { readTextFile } from '../src/cli/files.js';
import { loadHandlersModule } from '../src/cli/handlers-module.js';
import type { GeneratorOptions, Outcome, Workload, WorkloadHandlers } from '../workloads/types.js';
import { BenchSetupError } from './errors.js';
import { CliErrorCodes } from '../src/cli/cli-error.js';
import { ExitCodes } from '../src/cli/exit-codes.js';

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
  /** --param Name=Value, as given: the definition's template parameters and placeholders. */
  readonly params: readonly string[];
}

/** JSON or YAML, read as `statemill run` reads its input; a file it cannot use is a CliError (exit code 3). */
async function readDocument(path: string): Promise<unknown> {
  return parseDocumentText(await readTextFile(path, process.cwd(), 'input'), path);
}

function listOf(document: unknown, key: string): unknown[] {
  if (document !== null && typeof document === 'object' && !Array.isArray(document) && Array.isArray((document as Record<string, unknown>)[key])) {
    return (document as Record<string, unknown[]>)[key]!;
  }
  return [document];
}

/**
 * A user's workflow: `--definition my.asl.json --handlers ./handlers.js --input sample.json`.
 * Files are read as `statemill run` reads them (JSON or YAML ASL, or a template), with the
 * same errors and exit codes.
 */
export async function workflowFromFiles(files: CustomWorkflowFiles): Promise<BenchWorkflow> {
  const definition = (await loadDefinition(files.definition, process.cwd(), undefined, parseParams(files.params))).definition;
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new BenchSetupError(`${files.definition} does not hold a state machine definition (a JSON object)`, CliErrorCodes.NO_STATE_MACHINE, ExitCodes.INPUT);
  }
  const handlersModule = pathToFileURL(resolve(files.handlers));
  const handlers = (await loadHandlersModule(files.handlers, process.cwd())) as WorkloadHandlers;
  const inputs = files.input === null ? [{}] : listOf(await readDocument(files.input), 'inputs');
  const expected = files.expected === null ? null : (listOf(await readDocument(files.expected), 'outcomes') as Outcome[]);
  if (expected !== null && expected.length !== inputs.length) {
    throw new BenchSetupError(`${files.expected} holds ${expected.length} outcomes for ${inputs.length} inputs`, CliErrorCodes.BENCH_EXPECTED, ExitCodes.INPUT);
  }
  return {
    name: files.definition.replace(/^.*[\\/]/, '').replace(/\.(json|ya?ml)$/, ''),
    definition: definition as Record<string, unknown>,
    handlers,
    handlersModule,
    generator: null,
    inputs,
    baseline: null,
    expected,
  };
}
