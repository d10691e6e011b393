import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { AslError, jsonForCause, runtimeError, stateCause } from '../run/errors.js';
import type { Frame } from '../run/frame.js';
import { mapRunResource, type MapRun } from '../run/map-runs.js';
import { setOwn } from '../json.js';
import { mapLabel } from './map-label.js';
import { compilePathSetting } from './path-settings.js';
import { itemsAtPointer } from './items-pointer.js';
import { isPromiseLike } from '../run/state.js';
import type { StateEnv } from './context.js';
import type { Handler } from './handlers.js';
import { StatesScope, compileJsonataValue, isJsonataExpression, stateField, type Evaluate } from './jsonata/index.js';
import { andThen, compileNumber } from './jsonata/state.js';
import { compileTemplate, type Builder } from './jsonpath/templates.js';
import { delimitedRows } from './delimited-text.js';

let zlib: typeof import('node:zlib') | null = null;

/** node:zlib, loaded on first use: only some item readers need it, and it would slow every start-up. */
function gunzipSync(bytes: Uint8Array): Buffer {
  zlib ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
  return zlib.gunzipSync(bytes);
}

/**
 * Distributed Map's ItemReader and ResultWriter over Amazon S3. The bytes come from the
 * handlers for `arn:aws:states:::s3:getObject`, `…:s3:listObjectsV2` and `…:s3:putObject`
 * (s3FolderHandlers() serves a folder as buckets), so they run in plain compile() as soon
 * as those handlers are given.
 */
export const S3_GET_OBJECT = 'arn:aws:states:::s3:getObject';
export const S3_LIST_OBJECTS = 'arn:aws:states:::s3:listObjectsV2';
export const S3_PUT_OBJECT = 'arn:aws:states:::s3:putObject';

const ItemReaderErrors = {
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
} as const;

const CSV_DELIMITERS: Readonly<Record<string, string>> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/** Reads a Map's items: from the Map's effective input (JSONPath) or its `$states` scope (JSONata). */
export type ReadItems = (input: unknown, frame: Frame, scope: StatesScope | null) => unknown[] | Promise<unknown[]>;
/** Writes a Map's iteration results and answers the Map's result (`{ MapRunArn, ResultWriterDetails }`). */
/** `run`: the Distributed Map's map run, whose ARN the results name (null after a restart: a new ARN). */
export type WriteResults = (outputs: unknown[], inputs: unknown[], input: unknown, frame: Frame, scope: StatesScope | null, run: MapRun | null) => unknown;

interface ReaderConfig {
  readonly inputType: string | undefined;
  readonly headerLocation: string;
  readonly headers: readonly string[] | null;
  readonly delimiter: string;
  /** ReaderConfig.ItemsPointer: where the items are inside a JSON document; null: the document is the array. */
  readonly itemsPointer: string | null;
  /** Transformation LOAD_AND_FLATTEN: the listed objects' contents are the items, not the listing. */
  readonly loadAndFlatten: boolean;
  /** MaxItems, MaxItemsPath or a JSONata MaxItems expression; null when none is given. */
  readonly maxItems: ((input: unknown, frame: Frame, scope: StatesScope | null) => number | Promise<number>) | null;
}

/**
 * Where an ItemReader's items came from, as `$$.Map.Item.Source` shows it. AWS documents
 * `S3://bucket-name` for the objects a listObjectsV2 listing names and
 * `S3://bucket-name/object-key` for the items read from an object (no AWS recording shows
 * either): runs of consecutive items sharing one source.
 */
export class ItemSources {
  private readonly sources: string[] = [];
  /** Where each run ends (exclusive), in increasing order. */
  private readonly ends: number[] = [];

  /** The items read so far, up to `end`, that no run covers yet came from `source`. */
  add(source: string, end: number): void {
    if (end > (this.ends.length === 0 ? 0 : this.ends[this.ends.length - 1]!)) {
      this.sources.push(source);
      this.ends.push(end);
    }
  }

  /** The source of the item at `index`. */
  at(index: number): string | null {
    let low = 0;
    let high = this.ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ends[middle]! <= index) low = middle + 1;
      else high = middle;
    }
    return low < this.sources.length ? this.sources[low]! : null;
  }
}

/** The sources of the items a reader returned, kept beside the array the Map receives. */
const readSources = new WeakMap<readonly unknown[], ItemSources>();

/** Where the items an ItemReader returned came from; null for any other array. */
export function sourcesOfRead(items: readonly unknown[]): ItemSources | null {
  return readSources.get(items) ?? null;
}

function fromSource(items: unknown[], source: string): unknown[] {
  const sources = new ItemSources();
  sources.add(source, items.length);
  readSources.set(items, sources);
  return items;
}

/** The S3 URI AWS's `$$.Map.Item.Source` shows: the bucket, or an object in it. */
function s3Uri(bucket: unknown, key?: unknown): string {
  return key === undefined ? `S3://${String(bucket)}` : `S3://${String(bucket)}/${String(key)}`;
}

/** The Map's ItemReader, or null when it has none. */
export function compileItemReader(def: Record<string, unknown>, env: StateEnv): ReadItems | null {
  const reader = def.ItemReader as Record<string, unknown> | undefined;
  if (reader === undefined) return null;
  const resource = reader.Resource as string;
  const config = compileReaderConfig((reader.ReaderConfig ?? {}) as Record<string, unknown>, env);
  const args = compileArguments(reader, env, 'ItemReader');
  if (resource === S3_LIST_OBJECTS) {
    const list = s3Handler(env, S3_LIST_OBJECTS, 'ItemReader');
    if (config.loadAndFlatten) {
      const get = s3Handler(env, S3_GET_OBJECT, 'ItemReader');
      return function readListedObjectsContents(input, frame, scope) {
        return guard(frame, () =>
          andThen(args(input, frame, scope), (request) =>
            andThen(limitOf(config, input, frame, scope), (limit) =>
              andThen(listAll(list, request as S3Request, frame, Infinity), (objects) =>
                readObjects(get, (request as S3Request).Bucket, listedKeys(objects), config, frame, limit),
              ),
            ),
          ),
        );
      };
    }
    return function readListedObjects(input, frame, scope) {
      return guard(frame, () =>
        andThen(args(input, frame, scope), (request) =>
          andThen(limitOf(config, input, frame, scope), (limit) =>
            andThen(listAll(list, request as S3Request, frame, limit), (items) => fromSource(items, s3Uri((request as S3Request).Bucket))),
          ),
        ),
      );
    };
  }
  const get = s3Handler(env, S3_GET_OBJECT, 'ItemReader');
  return function readObject(input, frame, scope) {
    return guard(frame, () =>
      andThen(args(input, frame, scope), (request) =>
        andThen(limitOf(config, input, frame, scope), (limit) => {
          if (config.inputType === 'MANIFEST') return readManifest(get, request as S3Request, config, frame, limit);
          const { Bucket, Key } = request as S3Request;
          return andThen(getText(get, request as S3Request, frame), (text) => fromSource(parseItems(text, config, frame, limit), s3Uri(Bucket, Key)));
        }),
      ),
    );
  };
}

/** The Map's ResultWriter, or null when it has none. */
export function compileResultWriter(def: Record<string, unknown>, env: StateEnv): WriteResults | null {
  const writer = def.ResultWriter as Record<string, unknown> | undefined;
  if (writer === undefined) return null;
  const config = (writer.WriterConfig ?? {}) as Record<string, unknown>;
  const transformation = typeof config.Transformation === 'string' ? config.Transformation : 'NONE';
  if (!('Resource' in writer)) return reshapeResults(transformation === 'FLATTEN');
  const args = compileArguments(writer, env, 'ResultWriter');
  const put = s3Handler(env, S3_PUT_OBJECT, 'ResultWriter');
  const label = mapLabel(def, env);
  const outputType = typeof config.OutputType === 'string' ? config.OutputType : 'JSON';
  return function writeResults(outputs, inputs, input, frame, scope, run) {
    return andThen(args(input, frame, scope), (request) => {
      const { Bucket, Prefix } = (request ?? {}) as { Bucket?: unknown; Prefix?: unknown };
      if (typeof Bucket !== 'string')
        throw runtimeError(frame, `The field 'Bucket' is required in ResultWriter and must be a string, but was: ${jsonForCause(Bucket)}`);
      const mapRunId = run?.id ?? randomUUID();
      const mapRunArn = run?.arn ?? `${mapRunResource(frame.exec, 'mapRun', label)}:${mapRunId}`;
      const records = outputs.map((output, index) => childRecord(output, inputs[index], index, frame, mapRunArn));
      if (transformation !== 'NONE') {
        const outputsOnly = records.filter((r) => r.Status === 'SUCCEEDED').map((r) => JSON.parse(r.Output as string) as unknown);
        const body = transformation === 'FLATTEN' ? outputsOnly.flat() : outputsOnly;
        const key = joinKey(Prefix, `${mapRunId}/results.${outputType === 'JSONL' ? 'jsonl' : 'json'}`);
        return andThen(putText(put, Bucket, key, serialise(body, outputType), frame), () => ({
          MapRunArn: mapRunArn,
          ResultWriterDetails: { Bucket, Key: key },
        }));
      }
      const base = joinKey(Prefix, mapRunId);
      const succeeded = records.filter((r) => r.Status === 'SUCCEEDED');
      const failed = records.filter((r) => r.Status === 'FAILED');
      const files: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
      const writes: unknown[] = [];
      for (const [status, group] of [
        ['SUCCEEDED', succeeded],
        ['FAILED', failed],
      ] as const) {
        if (group.length === 0) continue;
        const key = `${base}/${status}_0.json`;
        const body = JSON.stringify(group);
        files[status]!.push({ Key: key, Size: Buffer.byteLength(body) });
        writes.push(putText(put, Bucket, key, body, frame));
      }
      const manifestKey = `${base}/manifest.json`;
      const manifest = JSON.stringify({ DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: files });
      writes.push(putText(put, Bucket, manifestKey, manifest, frame));
      const done = { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
      return writes.some(isPromiseLike) ? Promise.all(writes).then(() => done) : done;
    });
  };
}

// ---------------------------------------------------------------------------------------------

interface S3Request {
  Bucket?: unknown;
  Key?: unknown;
  Prefix?: unknown;
  [field: string]: unknown;
}

function compileReaderConfig(config: Record<string, unknown>, env: StateEnv): ReaderConfig {
  let maxItems: ReaderConfig['maxItems'] = null;
  if (typeof config.MaxItemsPath === 'string') {
    // Unlike MaxItems, a value read at run time has no ceiling: AWS reads every item for 100000001.
    const read = compilePathSetting(config.MaxItemsPath, 'MaxItemsPath', 'integer');
    maxItems = (input, frame) => positiveMaxItems(read(input, frame));
  } else if (env.queryLanguage === 'JSONata' && isJsonataExpression(config.MaxItems)) {
    const field = stateField(env.pointer, 'ItemReader').child('ReaderConfig').child('MaxItems');
    const evaluate = compileNumber(config.MaxItems, field, env.machine.problems, ANY_INTEGER);
    maxItems = function evaluateMaxItems(input, frame, scope) {
      return andThen(evaluate(scope ?? new StatesScope(frame, input)), positiveMaxItems);
    };
  } else if (typeof config.MaxItems === 'number') {
    const constant = config.MaxItems;
    maxItems = () => constant;
  }
  return {
    // ManifestType S3_INVENTORY is InputType MANIFEST under its newer name.
    inputType: config.ManifestType === 'S3_INVENTORY' ? 'MANIFEST' : typeof config.InputType === 'string' ? config.InputType : undefined,
    headerLocation: typeof config.CSVHeaderLocation === 'string' ? config.CSVHeaderLocation : 'FIRST_ROW',
    headers: Array.isArray(config.CSVHeaders) ? (config.CSVHeaders as string[]) : null,
    delimiter: CSV_DELIMITERS[typeof config.CSVDelimiter === 'string' ? config.CSVDelimiter : 'COMMA'] ?? ',',
    itemsPointer: typeof config.ItemsPointer === 'string' ? config.ItemsPointer : null,
    loadAndFlatten: config.Transformation === 'LOAD_AND_FLATTEN',
    maxItems,
  };
}

/**
 * A ResultWriter without Resource reshapes the Map's result instead of writing it to S3:
 * COMPACT keeps the successful iterations' outputs, FLATTEN also flattens arrays among them
 * one level, as the files written to S3 would hold them.
 */
function reshapeResults(flatten: boolean): WriteResults {
  return function reshapeResults(outputs) {
    const succeeded = outputs.filter((output) => !isErrorOutput(output));
    return flatten ? succeeded.flat() : succeeded;
  };
}

/** Parameters (JSONPath, over the Map's effective input) or Arguments (JSONata) of a reader or writer. */
function compileArguments(spec: Record<string, unknown>, env: StateEnv, owner: string): (input: unknown, frame: Frame, scope: StatesScope | null) => unknown {
  if (env.queryLanguage === 'JSONata') {
    if (!('Arguments' in spec)) return () => ({});
    const evaluate: Evaluate = compileJsonataValue(spec.Arguments, stateField(env.pointer, owner).child('Arguments'), env.machine.problems);
    return (input, frame, scope) => evaluate(scope ?? new StatesScope(frame, input));
  }
  if (!('Parameters' in spec)) return () => ({});
  const build: Builder = compileTemplate(spec.Parameters);
  return (input, frame) => build(input, frame);
}

function s3Handler(env: StateEnv, resource: string, owner: string): Handler {
  const handler = env.machine.handlers.resource(resource);
  if (handler !== undefined) return handler;
  env.machine.problems.push({
    code: 'ERR_ASL_NO_HANDLER',
    pointer: `${env.pointer}/${owner}/Resource`,
    message: `state '${env.name}' uses ${owner}, which needs a handler for '${resource}' to reach Amazon S3; pass one in the handlers of compile() or createService() (--handlers for statemill run and serve), e.g. s3FolderHandlers(dir)`,
  });
  return () => {
    throw new AslError(owner === 'ItemReader' ? ItemReaderErrors.ItemReaderFailed : ItemReaderErrors.ResultWriterFailed, `no handler for ${resource}`);
  };
}

/** A JSONata MaxItems must give an integer; its sign is checked as MaxItemsPath's is. */
const ANY_INTEGER = { integer: true, min: -Infinity, max: Infinity, outOfRange: () => '' };

/** A MaxItems found at run time; AWS fails the item reader on a negative one. */
function positiveMaxItems(limit: number): number {
  if (limit < 0) throw new AslError(ItemReaderErrors.ItemReaderFailed, 'field MaxItems must be positive');
  return limit;
}

function limitOf(config: ReaderConfig, input: unknown, frame: Frame, scope: StatesScope | null): number | Promise<number> {
  if (config.maxItems === null) return Infinity;
  // MaxItems 0 means no limit, as on AWS.
  return andThen(config.maxItems(input, frame, scope), (limit) => (limit === 0 ? Infinity : limit));
}

/** A reader's failure (a handler's, or unreadable content) as States.ItemReaderFailed. */
function guard(frame: Frame, read: () => unknown[] | Promise<unknown[]>): unknown[] | Promise<unknown[]> {
  try {
    const items = read();
    if (isPromiseLike(items)) return Promise.resolve(items).then(undefined, (thrown) => rethrowAsReaderFailure(thrown, frame));
    return items;
  } catch (thrown) {
    return rethrowAsReaderFailure(thrown, frame);
  }
}

function rethrowAsReaderFailure(thrown: unknown, frame: Frame): never {
  if (thrown instanceof AslError) throw thrown;
  const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  throw new AslError(ItemReaderErrors.ItemReaderFailed, stateCause(frame, `Attempt to read items failed: ${detail}`));
}

function callS3(handler: Handler, request: S3Request, frame: Frame): unknown {
  return handler(request, { context: {}, attempt: 1, signal: frame.exec.signal, heartbeat() {} });
}

/** The object's bytes as text: a handler answers a string, bytes, or an S3 GetObject answer whose Body is one of those. */
function getText(get: Handler, request: S3Request, frame: Frame): string | Promise<string> {
  return andThen(callS3(get, request, frame), bodyText);
}

/** The text of an S3 answer or its Body; gzip-compressed bytes are unzipped first. */
function bodyText(answer: unknown): string | Promise<string> {
  const body = answer !== null && typeof answer === 'object' && 'Body' in answer ? (answer as { Body: unknown }).Body : answer;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) {
    const bytes = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  if (body !== null && typeof body === 'object' && typeof (body as { transformToString?: unknown }).transformToString === 'function') {
    return (body as { transformToString(): Promise<string> }).transformToString();
  }
  throw new Error(`the s3:getObject handler answered ${jsonForCause(body)}; answer the object's content as a string or bytes (or { Body })`);
}

function parseItems(text: string, config: ReaderConfig, frame: Frame, limit: number): unknown[] {
  switch (config.inputType) {
    case 'JSON': {
      const document = JSON.parse(text) as unknown;
      const parsed = config.itemsPointer === null ? document : itemsAtPointer(document, config.itemsPointer);
      if (!Array.isArray(parsed)) throw new AslError(ItemReaderErrors.ItemReaderFailed, 'Attempting to map over non-iterable node.');
      return parsed.length > limit ? parsed.slice(0, limit) : parsed;
    }
    case 'JSONL': {
      const items: unknown[] = [];
      for (const line of text.split('\n')) {
        if (items.length >= limit) break;
        if (line.trim() !== '') items.push(JSON.parse(line));
      }
      return items;
    }
    case 'CSV':
      return csvItems(text, config, limit);
    default:
      throw new AslError(ItemReaderErrors.ItemReaderFailed, stateCause(frame, `InputType ${String(config.inputType)} is not supported.`));
  }
}

/**
 * CSV rows as objects keyed by the header (FIRST_ROW or GIVEN); every value is a string, as on
 * AWS. As AWS does, a row's fields past the header's are dropped and its missing ones are "".
 */
function csvItems(text: string, config: ReaderConfig, limit: number): unknown[] {
  const rows = delimitedRows(text, config.delimiter);
  let names = config.headers;
  let from = 0;
  if (config.headerLocation !== 'GIVEN' || names === null) {
    names = rows[0] ?? [];
    from = 1;
  }
  if (new Set(names).size < names.length) throw new AslError(ItemReaderErrors.ItemReaderFailed, 'CSV headers cannot contain duplicates.');
  const items: Record<string, unknown>[] = [];
  for (let i = from; i < rows.length && items.length < limit; i++) {
    const row = rows[i]!;
    const item: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) setOwn(item, names[c]!, row[c] ?? '');
    items.push(item);
  }
  return items;
}

/** S3 Inventory: manifest.json lists CSV files (gzip or not) whose columns its fileSchema names. */
function readManifest(get: Handler, request: S3Request, config: ReaderConfig, frame: Frame, limit: number): Promise<unknown[]> | unknown[] {
  return andThen(getText(get, request, frame), (text) => {
    const manifest = JSON.parse(text) as { files?: { key: string }[]; fileSchema?: string; destinationBucket?: string; fileFormat?: string };
    if (!Array.isArray(manifest.files) || typeof manifest.fileSchema !== 'string') {
      throw new AslError(ItemReaderErrors.ItemReaderFailed, stateCause(frame, 'Attempt to read items failed: the manifest has no files or fileSchema.'));
    }
    if (manifest.fileFormat !== undefined && manifest.fileFormat !== 'CSV') {
      throw new AslError(
        ItemReaderErrors.ItemReaderFailed,
        stateCause(frame, `Attempt to read items failed: inventory format ${manifest.fileFormat} is not supported; use CSV.`),
      );
    }
    const headers = manifest.fileSchema.split(',').map((name) => name.trim());
    const bucket = typeof manifest.destinationBucket === 'string' ? manifest.destinationBucket.replace(/^arn:aws[\w-]*:s3:::/, '') : request.Bucket;
    const csv: ReaderConfig = { ...config, inputType: 'CSV', headerLocation: 'GIVEN', headers, delimiter: ',' };
    const keys = manifest.files.map((file) => file.key);
    return readObjects(get, bucket, keys, csv, frame, limit);
  });
}

/**
 * The items of several objects of one bucket, each read as `config` says, one list in the
 * order of `keys` (LOAD_AND_FLATTEN's listing, an inventory manifest's files), up to `limit`.
 */
function readObjects(
  get: Handler,
  bucket: unknown,
  keys: readonly string[],
  config: ReaderConfig,
  frame: Frame,
  limit: number,
): unknown[] | Promise<unknown[]> {
  const items: unknown[] = [];
  const sources = new ItemSources();
  readSources.set(items, sources);
  let index = 0;
  const add = (text: string): void => {
    for (const item of parseItems(text, config, frame, limit - items.length)) items.push(item);
    sources.add(s3Uri(bucket, keys[index - 1]), items.length);
  };
  // A loop while the handler answers synchronously, so a long listing does not deepen the stack.
  const readOn = (): unknown[] | Promise<unknown[]> => {
    while (index < keys.length && items.length < limit) {
      const text = getText(get, { Bucket: bucket, Key: keys[index++] }, frame);
      if (typeof text !== 'string') return text.then((t) => (add(t), readOn()));
      add(text);
    }
    return items;
  };
  return readOn();
}

/** LOAD_AND_FLATTEN reads the listed objects' keys; those ending in `/` (the console's folder markers) hold no items. */
function listedKeys(objects: unknown[]): string[] {
  const keys: string[] = [];
  for (const object of objects) {
    const key = (object as { Key?: unknown }).Key;
    if (typeof key === 'string' && !key.endsWith('/')) keys.push(key);
  }
  return keys;
}

/** listObjectsV2, page by page: each object becomes `{ Etag, Key, LastModified, Size, StorageClass }` as on AWS. */
function listAll(list: Handler, request: S3Request, frame: Frame, limit: number): unknown[] | Promise<unknown[]> {
  const items: unknown[] = [];
  const page = (token: unknown): unknown[] | Promise<unknown[]> =>
    andThen(callS3(list, token === undefined ? request : { ...request, ContinuationToken: token }, frame), (answer) => {
      const { Contents, IsTruncated, NextContinuationToken } = (answer ?? {}) as {
        Contents?: Record<string, unknown>[];
        IsTruncated?: boolean;
        NextContinuationToken?: string;
      };
      for (const object of Contents ?? []) {
        if (items.length >= limit) return items;
        items.push(listedObject(object));
      }
      return IsTruncated === true && NextContinuationToken !== undefined && items.length < limit ? page(NextContinuationToken) : items;
    });
  return page(undefined);
}

function listedObject(object: Record<string, unknown>): Record<string, unknown> {
  const modified = object.LastModified;
  return {
    Etag: object.ETag ?? object.Etag,
    Key: object.Key,
    LastModified: modified instanceof Date ? Math.floor(modified.getTime() / 1000) : modified,
    Size: object.Size,
    StorageClass: object.StorageClass ?? 'STANDARD',
  };
}

function putText(put: Handler, bucket: string, key: string, body: string, frame: Frame): unknown {
  try {
    const done = callS3(put, { Bucket: bucket, Key: key, Body: body }, frame);
    if (isPromiseLike(done)) return Promise.resolve(done).then(undefined, (thrown) => rethrowAsWriterFailure(thrown, frame));
    return done;
  } catch (thrown) {
    return rethrowAsWriterFailure(thrown, frame);
  }
}

function rethrowAsWriterFailure(thrown: unknown, frame: Frame): never {
  if (thrown instanceof AslError) throw thrown;
  const detail = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  throw new AslError(ItemReaderErrors.ResultWriterFailed, stateCause(frame, `Attempt to write results failed: ${detail}`));
}

/** One child execution as AWS writes it in a result file. A tolerated failure's slot holds `{ Error, Cause }`. */
function childRecord(output: unknown, input: unknown, index: number, frame: Frame, mapRunArn: string): Record<string, unknown> {
  const failed = isErrorOutput(output);
  const record: Record<string, unknown> = {
    ExecutionArn: `${mapRunArn.replace(':mapRun:', ':execution:')}:${index}`,
    Input: JSON.stringify(input ?? null),
    InputDetails: { Included: true },
    Name: String(index),
  };
  if (failed) {
    record.Error = (output as { Error: unknown }).Error;
    record.Cause = (output as { Cause: unknown }).Cause;
  } else {
    record.Output = JSON.stringify(output ?? null);
    record.OutputDetails = { Included: true };
  }
  record.RedriveCount = 0;
  record.RedriveStatus = 'NOT_REDRIVABLE';
  if (!failed) record.RedriveStatusReason = 'Execution is SUCCEEDED and cannot be redriven';
  record.StartDate = new Date(frame.enteredMs).toISOString();
  record.StateMachineArn = frame.exec.stateMachineId;
  record.Status = failed ? 'FAILED' : 'SUCCEEDED';
  record.StopDate = new Date(frame.exec.clock.now()).toISOString();
  return record;
}

function isErrorOutput(output: unknown): boolean {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return false;
  const keys = Object.keys(output);
  return keys.length === 2 && 'Error' in output && 'Cause' in output;
}

function joinKey(prefix: unknown, rest: string): string {
  if (typeof prefix !== 'string' || prefix === '') return rest;
  return prefix.endsWith('/') ? prefix + rest : `${prefix}/${rest}`;
}

function serialise(values: unknown[], outputType: string): string {
  return outputType === 'JSONL' ? values.map((v) => JSON.stringify(v)).join('\n') + '\n' : JSON.stringify(values);
}
