import { MAX_BATCH_BYTES } from '../../asl/fields.js';
import { compileSelectPath } from '../../compile/jsonpath/io.js';
import { StatesScope, compileJsonataValue, stateField } from '../../compile/jsonata/index.js';
import { compileItems, compileNumber, compileOutcome, type Checked, type NumberRule } from '../../compile/jsonata/state.js';
import { compileReferencePath } from '../../compile/jsonpath/paths.js';
import { batchItems, itemFrame } from '../../compile/states/map.js';
import { compilePathSetting } from '../../compile/path-settings.js';
import { itemsAtPointer } from '../../compile/items-pointer.js';
import { compileTemplate } from '../../compile/jsonpath/templates.js';
import { AslError, StatesErrors, jsonForCause } from '../../run/errors.js';
import { Frame, STATE_DATA_SOURCE } from '../../run/frame.js';
import { isObject } from '../../json.js';
import { ServiceError } from '../errors.js';
import { finishJsonPath, mockedResult } from './result-stages.js';
import { compileResultLimit } from '../../compile/jsonpath/results.js';
import { recover } from './recovery.js';
import { refuseCompileProblems, succeeded, type Outcome, type TestRun } from './run-env.js';

/** What AWS reports when more mocked iterations failed than the Map tolerates. */
const THRESHOLD_CAUSE = 'The specified tolerated failure threshold was exceeded';

interface Tolerance {
  readonly count: number | null;
  readonly percentage: number | null;
}

/**
 * Map: the items (ItemsPath, or `mapItemReaderData` for an ItemReader) and the settings are
 * computed and shown; the iterations' results are the mock's. `mapIterationFailureCount`
 * of them failed: over the tolerated count or percentage, the Map fails with
 * States.ExceedToleratedFailureThreshold, which Retry and Catch then see.
 */
export async function evaluateMap(run: TestRun, input: unknown): Promise<Outcome> {
  return run.state.queryLanguage === 'JSONata' ? jsonataMap(run, input) : jsonPathMap(run, input);
}

async function jsonPathMap(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const frame = run.frame;
  try {
    const effective = compileSelectPath(def.InputPath)(input, frame);
    run.record('afterInputPath', effective);
    const readerData = readerItems(run);
    const items = readerData ?? itemsAt(def.ItemsPath, effective, frame);
    const source = readerData === null ? STATE_DATA_SOURCE : null;
    run.record('afterItemsPath', items);
    const selectorDef = 'ItemSelector' in def ? def.ItemSelector : 'Parameters' in def ? def.Parameters : undefined;
    let inputs = items;
    if (selectorDef !== undefined) {
      const selector = compileTemplate(selectorDef);
      inputs = items.map((item, index) => selector(effective, itemFrame(frame, index, item, source)));
      run.record('afterItemSelector', inputs);
    }
    if (def.ItemBatcher !== null && typeof def.ItemBatcher === 'object')
      run.record('afterItemBatcher', batches(def.ItemBatcher as Record<string, unknown>, inputs, effective, frame));
    run.record('maxConcurrency', setting(def.MaxConcurrency, def.MaxConcurrencyPath, 'MaxConcurrencyPath', 'integer', effective, frame) ?? 0);
    const tolerance: Tolerance = {
      count: setting(def.ToleratedFailureCount, def.ToleratedFailureCountPath, 'ToleratedFailureCountPath', 'integer', effective, frame),
      percentage: setting(def.ToleratedFailurePercentage, def.ToleratedFailurePercentagePath, 'ToleratedFailurePercentagePath', 'float', effective, frame),
    };
    recordTolerance(run, tolerance);
    const result = iterationResults(run, tolerance);
    return succeeded(finishJsonPath(run, input, result), run.next);
  } catch (thrown) {
    if (thrown instanceof ServiceError) throw thrown;
    return recover(thrown, input, run);
  }
}

const nonNegative = (field: string): NumberRule => ({
  integer: true,
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  outOfRange: (v) => `The ${field} field must be a non-negative integer, but was: ${v}`,
});
const percentageRule: NumberRule = { integer: false, min: 0, max: 100, outOfRange: () => 'ToleratedFailurePercentage must be between 0 and 100.' };

async function jsonataMap(run: TestRun, input: unknown): Promise<Outcome> {
  const { def } = run.state;
  const problems = run.env.machine.problems;
  const field = (key: string) => stateField(run.state.pointer, key);
  const number = (key: string, rule: NumberRule): Checked<number> | null => (key in def ? compileNumber(def[key], field(key), problems, rule) : null);
  const items = 'Items' in def ? compileItems(def.Items, field('Items'), problems) : null;
  const selector = 'ItemSelector' in def ? compileJsonataValue(def.ItemSelector, field('ItemSelector'), problems) : null;
  const maxConcurrency = number('MaxConcurrency', nonNegative('MaxConcurrency'));
  const toleratedCount = number('ToleratedFailureCount', nonNegative('ToleratedFailureCount'));
  const toleratedPercentage = number('ToleratedFailurePercentage', percentageRule);
  const outcome = compileOutcome(def, run.state.pointer, problems);
  refuseCompileProblems(run);
  try {
    const scope = new StatesScope(run.frame, input);
    const readerData = readerItems(run);
    const values = readerData ?? (items === null ? inputItems(input) : await items(scope));
    const source = readerData === null ? STATE_DATA_SOURCE : null;
    if (selector !== null) {
      const selected: unknown[] = [];
      for (let i = 0; i < values.length; i++) selected.push(await selector(new StatesScope(itemFrame(run.frame, i, values[i], source), input)));
    }
    run.record('maxConcurrency', maxConcurrency === null ? 0 : await maxConcurrency(scope));
    const tolerance: Tolerance = {
      count: toleratedCount === null ? null : await toleratedCount(scope),
      percentage: toleratedPercentage === null ? null : await toleratedPercentage(scope),
    };
    recordTolerance(run, tolerance);
    const result = iterationResults(run, tolerance);
    scope.result = result;
    return succeeded(await outcome(scope, result), run.next);
  } catch (thrown) {
    if (thrown instanceof ServiceError) throw thrown;
    return recover(thrown, input, run);
  }
}

function recordTolerance(run: TestRun, tolerance: Tolerance): void {
  if (tolerance.count !== null) run.record('toleratedFailureCount', tolerance.count);
  if (tolerance.percentage !== null) run.record('toleratedFailurePercentage', tolerance.percentage);
}

/**
 * The mocked iterations' results, or the threshold error when more failed than tolerated; a
 * result over the payload limit fails as it does in an execution.
 */
function iterationResults(run: TestRun, tolerance: Tolerance): unknown {
  const result = mockedResult(run.mock);
  const failures = run.config.mapIterationFailureCount ?? 0;
  if (failures > 0 && (tolerance.count !== null || tolerance.percentage !== null)) {
    const total = Array.isArray(result) ? result.length : 0;
    let allowed = Infinity;
    if (tolerance.count !== null) allowed = tolerance.count;
    if (tolerance.percentage !== null) allowed = Math.min(allowed, Math.floor((tolerance.percentage / 100) * total));
    if (failures > allowed) throw new AslError(StatesErrors.ExceedToleratedFailureThreshold, THRESHOLD_CAUSE);
  }
  compileResultLimit(run.env)(result);
  return result;
}

/** What an ItemReader read: TestState's `mapItemReaderData` (the reader itself is not run), at its ItemsPointer if it has one. */
function readerItems(run: TestRun): unknown[] | null {
  if (!('ItemReader' in run.state.def)) return null;
  const text = run.config.mapItemReaderData;
  if (text === undefined)
    throw new ServiceError('ValidationException', 'TestState needs stateConfiguration.mapItemReaderData to test a Map state with an ItemReader.');
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    throw new ServiceError('ValidationException', 'MapItemReaderData must be valid JSON.');
  }
  const pointer = itemsPointerOf(run.state.def.ItemReader);
  if (pointer !== null) {
    const selected = itemsAtPointer(items, pointer);
    run.record('afterItemsPointer', selected);
    return selected;
  }
  if (!Array.isArray(items)) throw new ServiceError('ValidationException', 'MapItemReaderData must be a JSON array.');
  return items;
}

function itemsPointerOf(reader: unknown): string | null {
  const config = isObject(reader) ? reader.ReaderConfig : undefined;
  const pointer = isObject(config) ? config.ItemsPointer : undefined;
  return typeof pointer === 'string' ? pointer : null;
}

function inputItems(input: unknown): unknown[] {
  if (!Array.isArray(input)) throw new AslError(StatesErrors.QueryEvaluationError, `Map state input must be an array but was: ${jsonForCause(input)}`);
  return input;
}

/** ItemsPath (default `$`): it must select an array. */
function itemsAt(path: unknown, input: unknown, frame: Frame): unknown[] {
  const text = typeof path === 'string' ? path : '$';
  const items = compileReferencePath(text)(input, frame);
  // AWS names the path's root `$`, for `$$` too.
  if (!Array.isArray(items)) throw new AslError(StatesErrors.Runtime, `Reference path "${text.replace(/^\$\$/, '$')}" must point to array.`);
  return items;
}

/** ItemBatcher: the iterations' inputs grouped into `{ Items, BatchInput }` batches, as the Map would run them. */
function batches(batcher: Record<string, unknown>, inputs: unknown[], input: unknown, frame: Frame): unknown[] {
  const maxItems = setting(batcher.MaxItemsPerBatch, batcher.MaxItemsPerBatchPath, 'MaxItemsPerBatchPath', 'integer', input, frame) ?? Infinity;
  const maxBytes =
    setting(batcher.MaxInputBytesPerBatch, batcher.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatchPath', 'integer', input, frame) ?? MAX_BATCH_BYTES;
  const batchInput = 'BatchInput' in batcher ? compileTemplate(batcher.BatchInput)(input, frame) : undefined;
  return batchItems(inputs, maxItems, maxBytes, batchInput, frame);
}

/**
 * MaxConcurrency, ToleratedFailureCount, ToleratedFailurePercentage, the ItemBatcher's limits: a
 * constant, or read by their …Path as an execution reads them (numeric strings count); null when absent.
 */
function setting(value: unknown, path: unknown, field: string, kind: 'integer' | 'float', input: unknown, frame: Frame): number | null {
  if (typeof path === 'string') return compilePathSetting(path, field, kind)(input, frame);
  return typeof value === 'number' ? value : null;
}
