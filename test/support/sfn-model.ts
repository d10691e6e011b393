import * as sdk from '@aws-sdk/client-sfn';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Step Functions' service model, as AWS publishes it, in botocore's form: the shapes of every
 * operation's input, output and errors. Read at test time, never copied into the repository:
 * botocore's `stepfunctions/2016-11-23/service-2.json(.gz)` where Python's botocore is
 * installed (or the file `SFN_SERVICE_MODEL` names; `SFN_SERVICE_MODEL=sdk` forces the SDK's) — it holds everything: required members,
 * types, enums, string bounds and patterns; otherwise derived from the Smithy schemas that
 * `@aws-sdk/client-sfn` compiles in (members, types, required members; no enums or bounds).
 * HTTP statuses of errors come from the SDK's schemas either way (botocore's JSON has them
 * only in prose: "HTTP Status Code: 409").
 */

export interface ModelShape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'float' | 'double' | 'number' | 'boolean' | 'timestamp' | 'blob';
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
  readonly required?: readonly string[];
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly exception?: boolean;
}

export interface ModelOperation {
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  /** Error shape names; empty when the source does not list them (the SDK's schemas). */
  readonly errors: readonly string[];
}

export interface ServiceModel {
  readonly operations: Readonly<Record<string, ModelOperation>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
  /** HTTP status of each error shape (400 unless the model says otherwise). */
  readonly errorStatus: ReadonlyMap<string, number>;
  /** Where the model came from, and what a check against it cannot see. */
  readonly source: string;
  readonly limitations: string | null;
}

const MODEL_PATH = join('data', 'stepfunctions', '2016-11-23');

/** botocore's model file, or null with nothing printed when Python or botocore is missing. */
function botocoreModelFile(): string | null {
  const named = process.env.SFN_SERVICE_MODEL;
  if (named !== undefined && named !== '') return named;
  let root: string;
  try {
    root = execFileSync('python3', ['-c', 'import botocore, os; print(os.path.dirname(botocore.__file__))'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
  for (const name of ['service-2.json', 'service-2.json.gz']) {
    const path = join(root, MODEL_PATH, name);
    if (existsSync(path)) return path;
  }
  return null;
}

function readBotocore(path: string): ServiceModel {
  const bytes = readFileSync(path);
  const model = JSON.parse((path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as {
    operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: { shape: string }[] }>;
    shapes: Record<string, ModelShape>;
  };
  const operations: Record<string, ModelOperation> = {};
  for (const [name, op] of Object.entries(model.operations)) {
    operations[name] = { input: op.input, output: op.output, errors: (op.errors ?? []).map((e) => e.shape) };
  }
  return { operations, shapes: model.shapes, errorStatus: sdkErrorStatuses(), source: `botocore (${path})`, limitations: null };
}

/** A schema of @aws-sdk/client-sfn: a number (a primitive), an array, or a thunk of one. */
type SdkSchema = number | readonly unknown[] | (() => SdkSchema);

const STRUCTURE = 3;
const ERROR = -3;
const LIST = 1;
const MAP = 2;
const SIMPLE = 0;
const OPERATION = 9;
const LIST_OF = 64;
const MAP_OF = 128;

/** The SDK's primitive schema codes (Smithy's SCHEMA constants). */
function primitiveType(code: number): ModelShape['type'] {
  if (code === 0) return 'string';
  if (code === 1) return 'number';
  if (code === 2) return 'boolean';
  if (code >= 4 && code <= 7) return 'timestamp';
  if (code === 21) return 'blob';
  throw new Error(`@aws-sdk/client-sfn schema code ${code} is not one this reader knows`);
}

function sdkErrorStatuses(): Map<string, number> {
  const statuses = new Map<string, number>();
  for (const value of Object.values(sdk)) {
    if (!Array.isArray(value) || value[0] !== ERROR) continue;
    const traits = value[3] as { httpError?: number };
    statuses.set(value[2] as string, traits.httpError ?? 400);
  }
  return statuses;
}

function readSdkSchemas(): ServiceModel {
  const shapes: Record<string, ModelShape> = {};
  /** The shape name of a schema, adding it (and what it refers to) to `shapes` on first sight. */
  function nameOf(schema: SdkSchema): string {
    while (typeof schema === 'function') schema = schema();
    if (typeof schema === 'number') {
      // Smithy's modifiers: a list (64) or map (128) of the primitive in the low bits.
      if (schema & (LIST_OF | MAP_OF)) {
        const of = nameOf(schema & ~(LIST_OF | MAP_OF));
        const name = `$${schema & LIST_OF ? 'list' : 'map'}Of${of}`;
        shapes[name] ??= schema & LIST_OF ? { type: 'list', member: { shape: of } } : { type: 'map', key: { shape: '$string' }, value: { shape: of } };
        return name;
      }
      const type = primitiveType(schema);
      shapes[`$${type}`] ??= { type };
      return `$${type}`;
    }
    // A member's [schema, traits] pair: the schema is its first element.
    if (schema.length === 2) return nameOf(schema[0] as SdkSchema);
    const [kind, , name] = schema as [number, string, string];
    if (shapes[name] !== undefined) return name;
    if (kind === SIMPLE) {
      shapes[name] = { type: primitiveType(schema[4] as number) };
    } else if (kind === LIST) {
      // A placeholder first: a shape may refer to itself.
      shapes[name] = { type: 'list' };
      shapes[name] = { type: 'list', member: { shape: nameOf(schema[4] as SdkSchema) } };
    } else if (kind === MAP) {
      shapes[name] = { type: 'map' };
      shapes[name] = { type: 'map', key: { shape: nameOf(schema[4] as SdkSchema) }, value: { shape: nameOf(schema[5] as SdkSchema) } };
    } else if (kind === STRUCTURE || kind === ERROR) {
      shapes[name] = { type: 'structure' };
      const memberNames = schema[4] as string[];
      const memberSchemas = schema[5] as SdkSchema[];
      const requiredCount = (schema[6] as number | undefined) ?? 0;
      const members: Record<string, { shape: string }> = {};
      memberNames.forEach((member, i) => (members[member] = { shape: nameOf(memberSchemas[i]!) }));
      shapes[name] = { type: 'structure', members, required: memberNames.slice(0, requiredCount), exception: kind === ERROR };
    } else {
      throw new Error(`@aws-sdk/client-sfn schema kind ${kind} (${name}) is not one this reader knows`);
    }
    return name;
  }
  const operations: Record<string, ModelOperation> = {};
  for (const value of Object.values(sdk)) {
    if (!Array.isArray(value) || value[0] !== OPERATION) continue;
    operations[value[2] as string] = {
      input: { shape: nameOf(value[4] as SdkSchema) },
      output: { shape: nameOf(value[5] as SdkSchema) },
      errors: [],
    };
  }
  for (const value of Object.values(sdk)) if (Array.isArray(value) && value[0] === ERROR) nameOf(value as SdkSchema);
  return {
    operations,
    shapes,
    errorStatus: sdkErrorStatuses(),
    source: '@aws-sdk/client-sfn schemas',
    limitations: "without botocore's model: enums, string bounds, patterns and per-operation error lists go unchecked",
  };
}

let loaded: ServiceModel | null = null;

/** The service model: botocore's where found, else the SDK's schemas (see `limitations`). */
export function serviceModel(): ServiceModel {
  if (loaded !== null) return loaded;
  const file = process.env.SFN_SERVICE_MODEL === 'sdk' ? null : botocoreModelFile();
  loaded = file === null ? readSdkSchemas() : readBotocore(file);
  return loaded;
}

/** The model derived from @aws-sdk/client-sfn alone (what every machine with the dependency has). */
export function sdkServiceModel(): ServiceModel {
  return readSdkSchemas();
}
