import { MAX_BATCH_BYTES } from '../../asl/fields.js';
import { jsonForCause, runtimeError } from '../../run/errors.js';
import { Frame, STATE_DATA_SOURCE } from '../../run/frame.js';
import { mapRunEnded, mapRunStarted, runMapIterations, type MapProcessor } from '../../run/iterations.js';
import { Interruption } from '../../run/run-states.js';
import { MapRun, allowedFailures } from '../../run/map-runs.js';
import type { ParkedIterations } from '../../run/parked-iterations.js';
import { jsonByteLength } from '../../run/limits.js';
import { isPromiseLike, type RunState } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileSelectPath } from '../jsonpath/io.js';
import { StatesScope, compileJsonataValue, queryEvaluationError, stateField, type Evaluate } from '../jsonata/index.js';
import { andThen, compileItems, compileNumber, compileOutcome, type Checked, type NumberRule } from '../jsonata/state.js';
import { jsonataItemBound } from '../jsonata/bounds.js';
import { compileReferencePath, missingPathReason } from '../jsonpath/paths.js';
import { compileRecovery } from '../recovery.js';
import { compileJsonPathFinish, compileResultLimit } from '../jsonpath/results.js';
import { WHOLE_DOCUMENT, builtBound, compileTemplate, templateBound, type Builder, type TemplateBound } from '../jsonpath/templates.js';
import { assignsAnywhere, layoutOf } from '../variables.js';
import { ItemSources, compileItemReader, compileResultWriter, sourcesOfRead, type ReadItems, type WriteResults } from '../item-reader.js';
import { mapLabel } from '../map-label.js';
import { compilePathSetting } from '../path-settings.js';

export { percentOf } from '../../run/map-runs.js';

/** A number read from the input at run time, validated as AWS validates it. */
type Setting = (input: unknown, frame: Frame) => number;

interface Tolerance {
  readonly count: Setting | null;
  readonly percentage: Setting | null;
}

interface Batching {
  readonly maxItems: Setting | null;
  readonly maxBytes: Setting | null;
  readonly batchInput: Builder | null;
}

/**
 * Map: InputPath → ItemsPath → ItemSelector per item → (ItemBatcher) → iterations, at
 * most MaxConcurrency at once (0: no limit) → results in item order → ResultSelector →
 * ResultPath → OutputPath. Distributed-mode Maps over state input run the same way, with
 * iterations that cannot see the outer variables. Assign reads the results (JSONPath `$`,
 * before ResultSelector; JSONata `$states.result`).
 */
export function compileMap(def: Record<string, unknown>, env: StateEnv): RunState {
  const processorKey = 'ItemProcessor' in def ? 'ItemProcessor' : 'Iterator';
  const processorDef = def[processorKey] as Record<string, unknown>;
  const processorPointer = `${env.pointer}/${processorKey}`;
  const states = env.compileBlock?.(processorDef, processorPointer) ?? null;
  const processor: MapProcessor = {
    state: env.pointer,
    start: states?.get(processorDef.StartAt as string) ?? env.compileScope(processorDef, processorPointer),
    isolated: (processorDef.ProcessorConfig as Record<string, unknown> | undefined)?.Mode === 'DISTRIBUTED',
    assigns: assignsAnywhere(processorDef),
    layout: layoutOf(processorDef),
    executor: env.machine.mapExecutor,
    // Where states run alone (TestState) no iteration parks.
    node: states === null ? null : env.lookup(env.name),
    states: states ?? new Map(),
    join: null,
    tokens: env.machine.integrations?.tokens ?? null,
    mapRuns: env.machine.mapRuns,
  };
  if (processor.node !== null) processor.node.iterations = processor;
  env.machine.processors.set(env.pointer, processor);
  const mapRuns = processor.isolated ? compileMapRuns(def, processorDef, env) : null;
  const itemReader = compileItemReader(def, env);
  const reader = itemReader !== null && mapRuns !== null ? readInMapRun(itemReader, mapRuns) : itemReader;
  const writer = compileResultWriter(def, env);
  if (env.queryLanguage === 'JSONata') return compileJsonataMap(def, env, processor, reader, writer, mapRuns);
  const inputPath = compileSelectPath(def.InputPath);
  const itemsPath = compileItemsPath(def.ItemsPath);
  const selector = 'ItemSelector' in def ? compileTemplate(def.ItemSelector) : 'Parameters' in def ? compileTemplate(def.Parameters) : null;
  const maxConcurrency = compileSetting(def.MaxConcurrency, def.MaxConcurrencyPath, 'MaxConcurrencyPath', 'integer');
  const tolerance = compileTolerance(def);
  const batching = compileBatching(def.ItemBatcher);
  const finish = compileJsonPathFinish(def, env, true);
  // Each iteration's input is an item, or built from the Map's input: its size bound.
  const selectorDef = 'ItemSelector' in def ? def.ItemSelector : def.Parameters;
  const itemBound: TemplateBound | null = batching !== null ? null : selector === null ? WHOLE_DOCUMENT : templateBound(selectorDef, true);

  function attemptMap(input: unknown, frame: Frame): unknown {
    const effective = inputPath(input, frame);
    if (reader === null) return mapItems(input, effective, itemsPath(effective, frame), frame);
    return andThen(reader(effective, frame, null), (items) => mapItems(input, effective, items, frame));
  }
  function mapItems(input: unknown, effective: unknown, items: unknown[], frame: Frame): unknown {
    const limit = maxConcurrency(effective, frame);
    let tolerated: Tolerated;
    try {
      tolerated = readTolerance(tolerance, effective, frame);
    } catch (thrown) {
      // AWS records MapStateStarted before failing on the setting (and no MapStateFailed).
      frame.exec.eventId++;
      if (frame.exec.history !== null) frame.exec.history.mapStarted(frame, items.length);
      throw thrown;
    }
    let inputs: unknown[] = items;
    if (selector !== null) inputs = selectEach(selector, effective, items, frame, reader === null ? stateDataSources : sourcesOfRead(items));
    if (batching !== null) inputs = batch(batching, inputs, effective, frame);
    const inputBound = itemBound === null ? Infinity : builtBound(itemBound, frame.valueBound, frame.vars);
    const allowed = allowedFailures(tolerated[0], tolerated[1], items.length);
    const run = mapRuns === null ? null : mapRuns(frame, inputs, limit, tolerated);
    frame.resultBound = Infinity;
    const outputs = runMapIterations(processor, inputs, inputBound, frame, input, limit, allowed, run);
    if (writer === null) {
      if (isPromiseLike(outputs)) return Promise.resolve(outputs).then((o) => finish(input, o, frame));
      return finish(input, outputs, frame, frame.resultBound);
    }
    return andThen(
      andThen(outputs as unknown[], (o) => writer(o, inputs, effective, frame, null, run)),
      (written) => finish(input, written, frame),
    );
  }
  const recovery = compileRecovery(attemptMap, def, env);
  processor.join = function joinMap(suspension) {
    const group = suspension as ParkedIterations;
    const input = group.rawInput;
    const frame = group.frame;
    return recovery.resume(input, frame, group.retries, () => {
      const outputs = group.joined();
      if (writer === null) return finish(input, outputs, frame);
      // A distributed Map's results are written once its last iteration ends, after a restart too.
      return andThen(writer(outputs, group.inputs, inputPath(input, frame), frame, null, group.run), (written) => finish(input, written, frame));
    });
  };
  return recovery.run;
}

/** Items taken from the state's input (ItemsPath, Items) all come from STATE_DATA. */
const stateDataSources = new ItemSources();
stateDataSources.add(STATE_DATA_SOURCE, Infinity);

function compileItemsPath(path: unknown): (input: unknown, frame: Frame) => unknown[] {
  const read = typeof path === 'string' ? compileReferencePath(path) : null;
  return function readItems(input, frame) {
    const items = read === null ? input : read(input, frame);
    if (items === undefined) {
      throw runtimeError(frame, `Invalid path '${path as string}' : ${missingPathReason(path as string, input)}`);
    }
    if (!Array.isArray(items)) {
      throw runtimeError(frame, `Map state input must be an array but was: ${jsonForCause(items)}`);
    }
    return items;
  };
}

/** The frame an ItemSelector sees: the Map state's, with `$$.Map.Item.Index/Value/Source` of one item. */
export function itemFrame(parent: Frame, index: number, item: unknown, source: string | null): Frame {
  // Selectors only read, so the Map state's own variables and stop signal serve.
  const frame = new Frame(parent.exec, parent.vars, index, item, parent.stop);
  frame.mapSource = source;
  frame.stateName = parent.stateName;
  frame.enteredEventId = parent.enteredEventId;
  frame.enteredMs = parent.enteredMs;
  return frame;
}

/**
 * ItemSelector over every item, in order. Selectors only read, synchronously, so one frame
 * serves every item, its `$$.Map.Item` moved along.
 */
function selectEach(selector: Builder, effective: unknown, items: unknown[], parent: Frame, sources: ItemSources | null): unknown[] {
  const frame = itemFrame(parent, 0, undefined, null);
  const inputs = new Array<unknown>(items.length);
  for (let i = 0; i < items.length; i++) {
    frame.mapIndex = i;
    frame.mapValue = items[i];
    frame.mapSource = sources === null ? null : sources.at(i);
    inputs[i] = selector(effective, frame);
  }
  return inputs;
}

/** A setting read from its `…Path` field, else its own field's number, else 0. */
function compileSetting(value: unknown, path: unknown, field: string, kind: 'integer' | 'float'): Setting {
  if (typeof path === 'string') return compilePathSetting(path, field, kind);
  const constant = typeof value === 'number' ? value : 0;
  return () => constant;
}

function compileTolerance(def: Record<string, unknown>): Tolerance {
  const hasCount = 'ToleratedFailureCount' in def || 'ToleratedFailureCountPath' in def;
  const hasPercentage = 'ToleratedFailurePercentage' in def || 'ToleratedFailurePercentagePath' in def;
  return {
    count: hasCount ? compileSetting(def.ToleratedFailureCount, def.ToleratedFailureCountPath, 'ToleratedFailureCountPath', 'integer') : null,
    percentage: hasPercentage
      ? compileSetting(def.ToleratedFailurePercentage, def.ToleratedFailurePercentagePath, 'ToleratedFailurePercentagePath', 'float')
      : null,
  };
}

/** ToleratedFailureCount and ToleratedFailurePercentage as read at run time (null: not set). */
type Tolerated = readonly [count: number | null, percentage: number | null];
const NOTHING_TOLERATED: Tolerated = [null, null];

/** Makes a Distributed Map's map run (run/map-runs.ts) each time the Map runs; null where nothing records nor keeps it. */
type StartMapRun = (frame: Frame, inputs: readonly unknown[], maxConcurrency: number, tolerated: Tolerated) => MapRun | null;

function compileMapRuns(def: Record<string, unknown>, processorDef: Record<string, unknown>, env: StateEnv): StartMapRun {
  const definition = JSON.stringify(processorDef);
  const label = mapLabel(def, env);
  const host = env.machine.mapRuns;
  const config = processorDef.ProcessorConfig as Record<string, unknown>;
  const standardChildren = config.ExecutionType !== 'EXPRESS';
  const batched = def.ItemBatcher !== null && typeof def.ItemBatcher === 'object';
  return function startMapRun(frame, inputs, maxConcurrency, tolerated) {
    // Without a history or a host a map run would be made for nobody: the Map runs as before, its event ids counted as AWS counts them.
    if (host === null && frame.exec.history === null) return null;
    return MapRun.start(frame, label, definition, inputs, maxConcurrency, tolerated[0], tolerated[1], standardChildren, batched, host);
  };
}

/**
 * A Distributed Map's ItemReader: a failure to read the items ends a map run of none, as AWS
 * records it (MapStateStarted with length 0, MapRunStarted, MapRunFailed, MapStateFailed).
 */
function readInMapRun(reader: ReadItems, startMapRun: StartMapRun): ReadItems {
  return function readItemsOfMapRun(input, frame, scope) {
    let items: unknown[] | Promise<unknown[]>;
    try {
      items = reader(input, frame, scope);
    } catch (thrown) {
      return failedRead(frame, startMapRun, thrown);
    }
    if (isPromiseLike(items)) return items.then(undefined, (thrown: unknown) => failedRead(frame, startMapRun, thrown));
    return items;
  };
}

function failedRead(frame: Frame, startMapRun: StartMapRun, thrown: unknown): never {
  if (thrown instanceof Interruption) throw thrown;
  const history = frame.exec.history;
  frame.exec.eventId++;
  history?.mapStarted(frame, 0);
  const run = startMapRun(frame, [], 0, NOTHING_TOLERATED);
  mapRunEnded(frame, run, mapRunStarted(frame, run), thrown);
  history?.stateEvent(frame, 'MapStateFailed');
  throw thrown;
}

/** The Map's tolerated failure count and percentage, checked as AWS checks them. */
function readTolerance(tolerance: Tolerance, input: unknown, frame: Frame): Tolerated {
  if (tolerance.count === null && tolerance.percentage === null) return NOTHING_TOLERATED;
  let count: number | null = null;
  let percentage: number | null = null;
  if (tolerance.count !== null) {
    count = tolerance.count(input, frame);
    if (count < 0) throw runtimeError(frame, 'ToleratedFailureCount cannot be negative.');
  }
  if (tolerance.percentage !== null) {
    percentage = tolerance.percentage(input, frame);
    if (percentage < 0 || percentage > 100) throw runtimeError(frame, 'ToleratedFailurePercentage must be between 0 and 100.');
  }
  return [count, percentage];
}

function compileBatching(def: unknown): Batching | null {
  if (def === null || typeof def !== 'object') return null;
  const b = def as Record<string, unknown>;
  const hasItems = 'MaxItemsPerBatch' in b || 'MaxItemsPerBatchPath' in b;
  const hasBytes = 'MaxInputBytesPerBatch' in b || 'MaxInputBytesPerBatchPath' in b;
  return {
    maxItems: hasItems ? compileSetting(b.MaxItemsPerBatch, b.MaxItemsPerBatchPath, 'MaxItemsPerBatchPath', 'integer') : null,
    maxBytes: hasBytes ? compileSetting(b.MaxInputBytesPerBatch, b.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatchPath', 'integer') : null,
    batchInput: 'BatchInput' in b ? compileTemplate(b.BatchInput) : null,
  };
}

/** ItemBatcher: groups items into `{ Items, BatchInput }` inputs by count and by size. */
function batch(batching: Batching, items: unknown[], input: unknown, frame: Frame): unknown[] {
  const maxItems = batching.maxItems === null ? Infinity : batching.maxItems(input, frame);
  const maxBytes = batching.maxBytes === null ? MAX_BATCH_BYTES : batching.maxBytes(input, frame);
  const batchInput = batching.batchInput === null ? undefined : batching.batchInput(input, frame);
  return batchItems(items, maxItems, maxBytes, batchInput, frame);
}

export function batchItems(items: unknown[], maxItems: number, maxBytes: number, batchInput: unknown, frame: Frame): unknown[] {
  if (maxItems <= 0) throw runtimeError(frame, 'MaxItemsPerBatch must be a positive integer.');
  if (maxBytes <= 0) throw runtimeError(frame, 'MaxInputBytesPerBatch must be a positive integer.');
  if (maxBytes > MAX_BATCH_BYTES) throw runtimeError(frame, `MaxInputBytesPerBatch must be at most ${MAX_BATCH_BYTES} (256 KiB).`);
  const batches: unknown[] = [];
  let current: unknown[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = jsonByteLength(item, maxBytes) + 1;
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(batchOf(current, batchInput));
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(batchOf(current, batchInput));
  return batches;
}

function batchOf(items: unknown[], batchInput: unknown): unknown {
  return batchInput === undefined ? { Items: items } : { BatchInput: batchInput, Items: items };
}

// ---------------------------------------------------------------------------------------------
// JSONata

/** What a JSONata Map reads before its iterations start, each value computed from `$states.input`. */
interface JsonataMapSettings {
  readonly items: Checked<unknown[]> | null;
  readonly selector: Evaluate | null;
  readonly maxConcurrency: Checked<number>;
  readonly toleratedCount: Checked<number> | null;
  readonly toleratedPercentage: Checked<number> | null;
  readonly batcher: JsonataBatcher | null;
}

interface JsonataBatcher {
  readonly maxItems: Checked<number> | null;
  readonly maxBytes: Checked<number> | null;
  readonly batchInput: Evaluate | null;
}

const nonNegativeInteger = (field: string): NumberRule => ({
  integer: true,
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  outOfRange: () => `${field} cannot be negative.`,
});

const percentage: NumberRule = {
  integer: false,
  min: 0,
  max: 100,
  outOfRange: () => 'ToleratedFailurePercentage must be between 0 and 100.',
};

function compileJsonataMapSettings(def: Record<string, unknown>, env: StateEnv): JsonataMapSettings {
  const problems = env.machine.problems;
  const field = (key: string) => stateField(env.pointer, key);
  const number = (key: string, rule: NumberRule) => (key in def ? compileNumber(def[key], field(key), problems, rule) : null);
  let batcher: JsonataBatcher | null = null;
  if (def.ItemBatcher !== null && typeof def.ItemBatcher === 'object') {
    const b = def.ItemBatcher as Record<string, unknown>;
    const batcherField = field('ItemBatcher');
    batcher = {
      maxItems:
        'MaxItemsPerBatch' in b
          ? compileNumber(b.MaxItemsPerBatch, batcherField.child('MaxItemsPerBatch'), problems, nonNegativeInteger('MaxItemsPerBatch'))
          : null,
      maxBytes:
        'MaxInputBytesPerBatch' in b
          ? compileNumber(b.MaxInputBytesPerBatch, batcherField.child('MaxInputBytesPerBatch'), problems, nonNegativeInteger('MaxInputBytesPerBatch'))
          : null,
      batchInput: 'BatchInput' in b ? compileJsonataValue(b.BatchInput, batcherField.child('BatchInput'), problems) : null,
    };
  }
  return {
    items: 'Items' in def ? compileItems(def.Items, field('Items'), problems) : null,
    selector: 'ItemSelector' in def ? compileJsonataValue(def.ItemSelector, field('ItemSelector'), problems) : null,
    maxConcurrency: number('MaxConcurrency', nonNegativeInteger('MaxConcurrency')) ?? (() => 0),
    toleratedCount: number('ToleratedFailureCount', nonNegativeInteger('ToleratedFailureCount')),
    toleratedPercentage: number('ToleratedFailurePercentage', percentage),
    batcher,
  };
}

/**
 * JSONata Map: Items (default: the input, which must then be an array), ItemSelector per item
 * over `$states.input` and `$states.context.Map.Item`, then the iterations; Output and Assign
 * over the results. Settings are computed in the order AWS lists them, each maybe by the library.
 */
function compileJsonataMap(
  def: Record<string, unknown>,
  env: StateEnv,
  processor: MapProcessor,
  reader: ReadItems | null,
  writer: WriteResults | null,
  mapRuns: StartMapRun | null,
): RunState {
  const settings = compileJsonataMapSettings(def, env);
  const outcome = compileOutcome(def, env.pointer, env.machine.problems);
  const checkSize = compileResultLimit(env);
  // Each iteration's input, when built from parts of the Map's input: its size bound.
  const itemBound = reader === null && settings.batcher === null ? jsonataItemBound(def) : null;

  function readItems(scope: StatesScope): unknown[] | Promise<unknown[]> {
    if (reader !== null) return reader(scope.input, scope.frame, scope);
    if (settings.items !== null) return settings.items(scope);
    if (!Array.isArray(scope.input)) {
      throw queryEvaluationError(scope.frame, `Map state input must be an array but was: ${jsonForCause(scope.input)}`);
    }
    return scope.input;
  }
  function finish(scope: StatesScope, outputs: unknown): unknown {
    scope.resultBound = checkSize(outputs);
    scope.result = outputs;
    return outcome(scope, outputs);
  }
  function iterate(scope: StatesScope, inputs: unknown[], limit: number, tolerated: Tolerated, total: number): unknown {
    const frame = scope.frame;
    const inputBound = itemBound === null || frame.exec.suppliedContext !== null ? Infinity : builtBound(itemBound, frame.valueBound, frame.vars);
    const allowed = allowedFailures(tolerated[0], tolerated[1], total);
    const run = mapRuns === null ? null : mapRuns(frame, inputs, limit, tolerated);
    const outputs = runMapIterations(processor, inputs, inputBound, frame, scope.input, limit, allowed, run);
    if (writer !== null) {
      return andThen(
        andThen(outputs as unknown[], (o) => writer(o, inputs, scope.input, scope.frame, scope, run)),
        (written) => finish(scope, written),
      );
    }
    if (isPromiseLike(outputs)) return Promise.resolve(outputs).then((o) => finish(scope, o));
    return finish(scope, outputs);
  }
  // The settings are read in order, each once the one before is known; named stages rather
  // than a chain of callbacks, so a Map whose expressions are all synchronous allocates none.
  function attemptJsonataMap(input: unknown, frame: Frame): unknown {
    const scope = new StatesScope(frame, input);
    const items = readItems(scope);
    if (isPromiseLike(items)) return Promise.resolve(items).then((i) => readLimit(scope, i));
    return readLimit(scope, items);
  }
  function readLimit(scope: StatesScope, items: unknown[]): unknown {
    const limit = settings.maxConcurrency(scope);
    if (isPromiseLike(limit)) return Promise.resolve(limit).then((l) => readTolerance(scope, items, l));
    return readTolerance(scope, items, limit);
  }
  function readTolerance(scope: StatesScope, items: unknown[], limit: number): unknown {
    const tolerated = toleratedFailureSettings(settings, scope);
    if (isPromiseLike(tolerated)) return Promise.resolve(tolerated).then((t) => selectThenIterate(scope, items, limit, t));
    return selectThenIterate(scope, items, limit, tolerated);
  }
  function selectThenIterate(scope: StatesScope, items: unknown[], limit: number, tolerated: Tolerated): unknown {
    const selected = selectItems(settings.selector, scope, items, reader === null ? stateDataSources : sourcesOfRead(items));
    if (isPromiseLike(selected) || settings.batcher !== null) {
      return andThen(selected, (s) => andThen(batchJsonata(settings.batcher, scope, s), (inputs) => iterate(scope, inputs, limit, tolerated, items.length)));
    }
    return iterate(scope, selected, limit, tolerated, items.length);
  }
  const recovery = compileRecovery(attemptJsonataMap, def, env);
  processor.join = function joinJsonataMap(suspension) {
    const group = suspension as ParkedIterations;
    const input = group.rawInput;
    return recovery.resume(input, group.frame, group.retries, () => {
      const scope = new StatesScope(group.frame, input);
      const outputs = group.joined();
      if (writer === null) return finish(scope, outputs);
      return andThen(writer(outputs, group.inputs, input, group.frame, scope, group.run), (written) => finish(scope, written));
    });
  };
  return recovery.run;
}

function toleratedFailureSettings(settings: JsonataMapSettings, scope: StatesScope): Tolerated | Promise<Tolerated> {
  if (settings.toleratedCount === null && settings.toleratedPercentage === null) return NOTHING_TOLERATED;
  const count = settings.toleratedCount === null ? null : settings.toleratedCount(scope);
  return andThen(count, (c) => andThen(settings.toleratedPercentage === null ? null : settings.toleratedPercentage(scope), (p): Tolerated => [c, p]));
}

/**
 * ItemSelector for every item, in order; once one needs the library, the rest wait their
 * turn. One at a time, so one frame and one `$states` serve every item, its `$$.Map.Item`
 * moved along (an item whose expression went to the library keeps its own).
 */
function selectItems(selector: Evaluate | null, scope: StatesScope, items: unknown[], sources: ItemSources | null): unknown[] | Promise<unknown[]> {
  if (selector === null) return items;
  const frame = itemFrame(scope.frame, 0, undefined, null);
  const selected = new Array<unknown>(items.length);
  const itemScope = new StatesScope(frame, scope.input);
  for (let i = 0; i < items.length; i++) {
    frame.mapIndex = i;
    frame.mapValue = items[i];
    frame.mapSource = sources === null ? null : sources.at(i);
    if (i > 0) itemScope.nextItem();
    const value = selector(itemScope);
    if (isPromiseLike(value)) return selectRest(selector, scope, frame, items, sources, selected, i, value);
    selected[i] = value;
  }
  return selected;
}

async function selectRest(
  selector: Evaluate,
  scope: StatesScope,
  frame: Frame,
  items: unknown[],
  sources: ItemSources | null,
  selected: unknown[],
  from: number,
  pending: PromiseLike<unknown>,
) {
  selected[from] = await pending;
  for (let i = from + 1; i < items.length; i++) {
    frame.mapIndex = i;
    frame.mapValue = items[i];
    frame.mapSource = sources === null ? null : sources.at(i);
    selected[i] = await selector(new StatesScope(frame, scope.input));
  }
  return selected;
}

function batchJsonata(batcher: JsonataBatcher | null, scope: StatesScope, items: unknown[]): unknown[] | Promise<unknown[]> {
  if (batcher === null) return items;
  return andThen(batcher.maxItems === null ? Infinity : batcher.maxItems(scope), (maxItems) =>
    andThen(batcher.maxBytes === null ? MAX_BATCH_BYTES : batcher.maxBytes(scope), (maxBytes) =>
      andThen(batcher.batchInput === null ? undefined : batcher.batchInput(scope), (batchInput) =>
        batchItems(items, maxItems, maxBytes, batchInput, scope.frame),
      ),
    ),
  );
}
