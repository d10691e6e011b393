import { AslError, StatesErrors, jsonForCause, runtimeError, stateCause } from '../../run/errors.js';
import { StopSignal, type Frame } from '../../run/frame.js';
import { jsonByteLength } from '../../run/limits.js';
import { Interruption, runStates } from '../../run/run-states.js';
import { isPromiseLike, type RunState, type StateNode } from '../../run/state.js';
import type { StateEnv } from '../context.js';
import { compileResultPath, compileSelectPath, identity, type Transform } from '../io.js';
import { compileReferencePath } from '../paths.js';
import { errorOutput, toAslError, withRecovery } from '../recovery.js';
import { compileTemplate, type Builder } from '../templates.js';
import { childFrame } from './branches.js';

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
 * iterations that cannot see the outer variables.
 */
export function compileMap(def: Record<string, unknown>, env: StateEnv): RunState {
  const inputPath = compileSelectPath(def.InputPath);
  const itemsPath = compileItemsPath(def.ItemsPath);
  const selector = 'ItemSelector' in def ? compileTemplate(def.ItemSelector) : 'Parameters' in def ? compileTemplate(def.Parameters) : null;
  const resultSelector: Transform = 'ResultSelector' in def ? compileTemplate(def.ResultSelector) : identity;
  const resultPath = compileResultPath(def.ResultPath);
  const outputPath = compileSelectPath(def.OutputPath);
  const processorKey = 'ItemProcessor' in def ? 'ItemProcessor' : 'Iterator';
  const processor = def[processorKey] as Record<string, unknown>;
  const isolated = (processor.ProcessorConfig as Record<string, unknown> | undefined)?.Mode === 'DISTRIBUTED';
  const start = env.compileScope(processor, `${env.pointer}/${processorKey}`, env.queryLanguage);
  const maxConcurrency = compileSetting(def.MaxConcurrency, def.MaxConcurrencyPath, 'MaxConcurrencyPath', 'integer', 0);
  const tolerance = compileTolerance(def);
  const batching = compileBatching(def.ItemBatcher);
  for (const unsupported of ['ItemReader', 'ResultWriter']) {
    if (unsupported in def) {
      env.machine.problems.push({
        code: 'ERR_ASL_UNSUPPORTED_INTEGRATION',
        pointer: `${env.pointer}/${unsupported}`,
        message: `state '${env.name}' uses ${unsupported}, which reads or writes Amazon S3; statemill runs Map states over items in the state input only`,
      });
    }
  }
  const payloadLimit = env.machine.limits.payloadBytes;
  const stateName = env.name;

  function finish(raw: unknown, outputs: unknown, frame: Frame): unknown {
    if (payloadLimit !== Infinity && jsonByteLength(outputs, payloadLimit) > payloadLimit) {
      throw new AslError(
        StatesErrors.DataLimitExceeded,
        `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit.`,
      );
    }
    return outputPath(resultPath(raw, resultSelector(outputs, frame), frame), frame);
  }

  function attemptMap(input: unknown, frame: Frame): unknown {
    const effective = inputPath(input, frame);
    const items = itemsPath(effective, frame);
    const limit = maxConcurrency(effective, frame);
    const allowed = toleratedFailures(tolerance, effective, frame, items.length);
    let inputs: unknown[] = items;
    if (selector !== null) inputs = items.map((item, index) => selectItem(selector, effective, frame, index, item));
    if (batching !== null) inputs = batch(batching, inputs, effective, frame);
    const outputs = runIterations(start, inputs, frame, limit, allowed, isolated);
    if (isPromiseLike(outputs)) return Promise.resolve(outputs).then((o) => finish(input, o, frame));
    return finish(input, outputs, frame);
  }
  return withRecovery(attemptMap, def, env);
}

function compileItemsPath(path: unknown): (input: unknown, frame: Frame) => unknown[] {
  const read = typeof path === 'string' ? compileReferencePath(path) : null;
  return function readItems(input, frame) {
    const items = read === null ? input : read(input, frame);
    if (items === undefined) {
      throw runtimeError(frame, `Invalid path '${path as string}' : No results for path: ${path as string}`);
    }
    if (!Array.isArray(items)) {
      throw runtimeError(frame, `Map state input must be an array but was: ${jsonForCause(items)}`);
    }
    return items;
  };
}

/** ItemSelector sees the Map's effective input as `$` and the item as `$$.Map.Item.Value`. */
function selectItem(selector: Builder, effective: unknown, parent: Frame, index: number, item: unknown): unknown {
  const frame = childFrame(parent, new StopSignal(), index, item, false);
  frame.stateName = parent.stateName;
  frame.enteredEventId = parent.enteredEventId;
  frame.enteredMs = parent.enteredMs;
  return selector(effective, frame);
}

function compileSetting(value: unknown, path: unknown, field: string, kind: 'integer' | 'float', fallback: number): Setting {
  if (typeof path === 'string') {
    const read = compileReferencePath(path);
    return function readSetting(input, frame) {
      const v = read(input, frame);
      const valid = typeof v === 'number' && (kind === 'float' || Number.isInteger(v));
      if (!valid) {
        const shown = typeof v === 'string' ? v : jsonForCause(v);
        throw runtimeError(frame, `The ${field} field refers to value "${shown}" which is not a valid ${kind}: ${path}`);
      }
      return v as number;
    };
  }
  const constant = typeof value === 'number' ? value : fallback;
  return () => constant;
}

function compileTolerance(def: Record<string, unknown>): Tolerance {
  const hasCount = 'ToleratedFailureCount' in def || 'ToleratedFailureCountPath' in def;
  const hasPercentage = 'ToleratedFailurePercentage' in def || 'ToleratedFailurePercentagePath' in def;
  return {
    count: hasCount ? compileSetting(def.ToleratedFailureCount, def.ToleratedFailureCountPath, 'ToleratedFailureCountPath', 'integer', 0) : null,
    percentage: hasPercentage
      ? compileSetting(def.ToleratedFailurePercentage, def.ToleratedFailurePercentagePath, 'ToleratedFailurePercentagePath', 'float', 0)
      : null,
  };
}

/** How many failed iterations the Map tolerates; -1 when any failure fails it at once. */
function toleratedFailures(tolerance: Tolerance, input: unknown, frame: Frame, total: number): number {
  if (tolerance.count === null && tolerance.percentage === null) return -1;
  let allowed = Infinity;
  if (tolerance.count !== null) {
    const count = tolerance.count(input, frame);
    if (count < 0) throw runtimeError(frame, 'ToleratedFailureCount cannot be negative.');
    allowed = count;
  }
  if (tolerance.percentage !== null) {
    const percentage = tolerance.percentage(input, frame);
    if (percentage < 0 || percentage > 100) throw runtimeError(frame, 'ToleratedFailurePercentage must be between 0 and 100.');
    allowed = Math.min(allowed, Math.floor((percentage / 100) * total));
  }
  return allowed;
}

function compileBatching(def: unknown): Batching | null {
  if (def === null || typeof def !== 'object') return null;
  const b = def as Record<string, unknown>;
  const hasItems = 'MaxItemsPerBatch' in b || 'MaxItemsPerBatchPath' in b;
  const hasBytes = 'MaxInputBytesPerBatch' in b || 'MaxInputBytesPerBatchPath' in b;
  return {
    maxItems: hasItems ? compileSetting(b.MaxItemsPerBatch, b.MaxItemsPerBatchPath, 'MaxItemsPerBatchPath', 'integer', 0) : null,
    maxBytes: hasBytes ? compileSetting(b.MaxInputBytesPerBatch, b.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatchPath', 'integer', 0) : null,
    batchInput: 'BatchInput' in b ? compileTemplate(b.BatchInput) : null,
  };
}

/** ItemBatcher: groups items into `{ Items, BatchInput }` inputs by count and by size. */
function batch(batching: Batching, items: unknown[], input: unknown, frame: Frame): unknown[] {
  const maxItems = batching.maxItems === null ? Infinity : batching.maxItems(input, frame);
  const maxBytes = batching.maxBytes === null ? 262_144 : batching.maxBytes(input, frame);
  if (maxItems <= 0) throw runtimeError(frame, 'MaxItemsPerBatch must be a positive integer.');
  if (maxBytes <= 0) throw runtimeError(frame, 'MaxInputBytesPerBatch must be a positive integer.');
  const batchInput = batching.batchInput === null ? undefined : batching.batchInput(input, frame);
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

/**
 * Runs the iterations, synchronously while each completes synchronously; once one is
 * pending, keeps at most `limit` in flight (0: all). `allowed` failures are tolerated (their
 * slots hold the error output); -1 means the first failure fails the Map.
 */
function runIterations(start: StateNode, inputs: unknown[], parent: Frame, limit: number, allowed: number, isolated: boolean): unknown {
  const n = inputs.length;
  const outputs = new Array<unknown>(n);
  const stop = new StopSignal(parent.stop);
  let failures = 0;
  let next = 0;

  /** Records a failed iteration; throws when it must fail the whole Map. */
  function failed(thrown: unknown, index: number): void {
    if (thrown instanceof Interruption || allowed < 0) {
      stop.stopped = true;
      throw thrown;
    }
    const error = toAslError(thrown);
    failures++;
    outputs[index] = errorOutput(error);
    if (failures > allowed) {
      stop.stopped = true;
      throw new AslError(StatesErrors.ExceedToleratedFailureThreshold, stateCause(parent, 'The specified tolerated failure threshold was exceeded'));
    }
  }
  function launch(index: number): unknown {
    const frame = childFrame(parent, stop, index, inputs[index], isolated);
    try {
      return runStates(start, inputs[index], frame);
    } catch (thrown) {
      failed(thrown, index);
      return undefined;
    }
  }

  while (next < n) {
    const index = next++;
    const out = launch(index);
    if (isPromiseLike(out)) return continueAsync(out, index);
    if (outputs[index] === undefined) outputs[index] = out;
  }
  return outputs;

  function continueAsync(first: PromiseLike<unknown>, firstIndex: number): Promise<unknown[]> {
    return new Promise<unknown[]>((resolve, reject) => {
      let inFlight = 0;
      let settled = false;
      function fail(thrown: unknown) {
        if (settled) return;
        settled = true;
        reject(thrown);
      }
      function track(pending: PromiseLike<unknown>, index: number) {
        inFlight++;
        Promise.resolve(pending).then(
          (value) => {
            outputs[index] = value;
            inFlight--;
            pump();
          },
          (thrown) => {
            inFlight--;
            try {
              failed(thrown, index);
            } catch (fatal) {
              fail(fatal);
              return;
            }
            pump();
          },
        );
      }
      function pump() {
        if (settled) return;
        while ((limit <= 0 || inFlight < limit) && next < n) {
          const index = next++;
          let out: unknown;
          try {
            out = launch(index);
          } catch (fatal) {
            fail(fatal);
            return;
          }
          if (isPromiseLike(out)) track(out, index);
          else if (outputs[index] === undefined) outputs[index] = out;
        }
        if (inFlight === 0 && next >= n) {
          settled = true;
          resolve(outputs);
        }
      }
      track(first, firstIndex);
      pump();
    });
  }
}
