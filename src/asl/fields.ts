import type { QueryLanguage, StateTypeName } from './types.js';

/**
 * Which fields each state type allows, in which query language, and what kind of value each
 * holds: one table, built from the SPEC's "Table of State Types and Fields" (ASL-FEATURES
 * §3.1). validate() checks definitions against it; the compiler may read it too.
 */

export type StateType = StateTypeName;

/** The query language a field belongs to; `both` fields are allowed in either. */
export type FieldLanguage = QueryLanguage | 'both';

/** What a field holds; validate() has one check per kind. */
export type FieldKind =
  | 'type'
  | 'string'
  | 'end'
  | 'enum'
  | 'object'
  | 'startAt'
  | 'states'
  | 'stateName'
  | 'resource'
  | 'path'
  | 'resultPath'
  | 'referencePath'
  | 'referencePathOrIntrinsic'
  | 'payloadTemplate'
  | 'credentials'
  | 'parametersTemplate'
  | 'assign'
  | 'anyJson'
  | 'positiveInteger'
  | 'nonNegativeInteger'
  | 'percentage'
  | 'label'
  | 'timestamp'
  | 'items'
  | 'condition'
  | 'errorEquals'
  | 'backoffRate'
  | 'processorConfig'
  | 'choices'
  | 'branches'
  | 'itemProcessor'
  | 'retry'
  | 'catch'
  | 'itemReader'
  | 'itemBatcher'
  | 'resultWriter';

export interface FieldSpec {
  readonly kind: FieldKind;
  readonly language: FieldLanguage;
  /** In a JSONata state the value may instead be a `{% … %}` expression string. */
  readonly expression: boolean;
  /** The values an `enum` field may take. */
  readonly values: readonly string[];
  /** The largest value a number field may hold (AWS's documented ceiling), or Infinity. */
  readonly max: number;
}

/** How a state of this type leaves: `Next` xor `End: true`, per-rule `Next`/`Default`, or never. */
export type TransitionKind = 'nextOrEnd' | 'choice' | 'terminal';

export interface StateTypeSpec {
  readonly type: StateType;
  readonly fields: ReadonlyMap<string, FieldSpec>;
  readonly required: readonly string[];
  /** Groups of fields of which at most one may be given. */
  readonly exclusive: readonly (readonly string[])[];
  /** Groups of fields of which at least one must be given. */
  readonly oneOf: readonly (readonly string[])[];
  readonly transition: TransitionKind;
}

function field(kind: FieldKind, language: FieldLanguage = 'both', expression = false): FieldSpec {
  return { kind, language, expression, values: [], max: Infinity };
}

/** An integer field with AWS's documented ceiling. */
function upTo(max: number, kind: 'positiveInteger' | 'nonNegativeInteger', language: FieldLanguage = 'both', expression = false): FieldSpec {
  return { ...field(kind, language, expression), max };
}

function oneOfValues(...values: string[]): FieldSpec {
  return { kind: 'enum', language: 'both', expression: false, values, max: Infinity };
}

/** The longest Wait `Seconds` and retry `IntervalSeconds`, and the most `MaxAttempts`, AWS documents. */
export const MAX_DOCUMENTED_SECONDS = 99_999_999;
/** The largest batch an ItemBatcher makes, and its default limit (AWS: MaxInputBytesPerBatch "up to 256 KiB"). */
export const MAX_BATCH_BYTES = 262_144;
/** The longest retry interval `MaxDelaySeconds` may cap at (AWS: "less than 31622401"). */
const MAX_DELAY_SECONDS = 31_622_400;

const queryLanguages = oneOfValues('JSONPath', 'JSONata');

type FieldList = readonly (readonly [string, FieldSpec])[];

const common: FieldList = [
  ['Type', field('type')],
  ['Comment', field('string')],
  ['QueryLanguage', queryLanguages],
];
const transition: FieldList = [
  ['Next', field('stateName')],
  ['End', field('end')],
];
const assign: FieldList = [['Assign', field('assign')]];
const output: FieldList = [['Output', field('anyJson', 'JSONata')]];
const inputOutputPaths: FieldList = [
  ['InputPath', field('path', 'JSONPath')],
  ['OutputPath', field('path', 'JSONPath')],
];
const parametersAndResultPath: FieldList = [
  ['Parameters', field('parametersTemplate', 'JSONPath')],
  ['ResultPath', field('resultPath', 'JSONPath')],
];
const resultSelector: FieldList = [['ResultSelector', field('payloadTemplate', 'JSONPath')]];
const retryCatch: FieldList = [
  ['Retry', field('retry')],
  ['Catch', field('catch')],
];

function spec(
  type: StateType,
  lists: readonly FieldList[],
  options: { required?: string[]; exclusive?: string[][]; oneOf?: string[][]; transition: TransitionKind },
): StateTypeSpec {
  const fields = new Map<string, FieldSpec>();
  for (const list of lists) for (const [name, fieldSpec] of list) fields.set(name, fieldSpec);
  return {
    type,
    fields,
    required: options.required ?? [],
    exclusive: options.exclusive ?? [],
    oneOf: options.oneOf ?? [],
    transition: options.transition,
  };
}

const task = spec(
  'Task',
  [
    common,
    transition,
    assign,
    output,
    inputOutputPaths,
    parametersAndResultPath,
    resultSelector,
    retryCatch,
    [
      ['Resource', field('resource')],
      ['Arguments', field('payloadTemplate', 'JSONata', true)],
      ['TimeoutSeconds', field('positiveInteger', 'both', true)],
      ['TimeoutSecondsPath', field('referencePath', 'JSONPath')],
      ['HeartbeatSeconds', field('positiveInteger', 'both', true)],
      ['HeartbeatSecondsPath', field('referencePath', 'JSONPath')],
      ['Credentials', field('credentials', 'both', true)],
    ],
  ],
  {
    required: ['Resource'],
    exclusive: [
      ['TimeoutSeconds', 'TimeoutSecondsPath'],
      ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
    ],
    transition: 'nextOrEnd',
  },
);

const pass = spec('Pass', [common, transition, assign, output, inputOutputPaths, parametersAndResultPath, [['Result', field('anyJson', 'JSONPath')]]], {
  transition: 'nextOrEnd',
});

const choice = spec(
  'Choice',
  [
    common,
    assign,
    output,
    inputOutputPaths,
    [
      ['Choices', field('choices')],
      ['Default', field('stateName')],
    ],
  ],
  { required: ['Choices'], transition: 'choice' },
);

const wait = spec(
  'Wait',
  [
    common,
    transition,
    assign,
    output,
    inputOutputPaths,
    [
      ['Seconds', upTo(MAX_DOCUMENTED_SECONDS, 'nonNegativeInteger', 'both', true)],
      ['Timestamp', field('timestamp', 'both', true)],
      ['SecondsPath', field('referencePath', 'JSONPath')],
      ['TimestampPath', field('referencePath', 'JSONPath')],
    ],
  ],
  {
    exclusive: [['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']],
    oneOf: [['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath']],
    transition: 'nextOrEnd',
  },
);

const succeed = spec('Succeed', [common, output, inputOutputPaths], { transition: 'terminal' });

const fail = spec(
  'Fail',
  [
    common,
    [
      ['Error', field('string', 'both', true)],
      ['ErrorPath', field('referencePathOrIntrinsic', 'JSONPath')],
      ['Cause', field('string', 'both', true)],
      ['CausePath', field('referencePathOrIntrinsic', 'JSONPath')],
    ],
  ],
  {
    exclusive: [
      ['Error', 'ErrorPath'],
      ['Cause', 'CausePath'],
    ],
    transition: 'terminal',
  },
);

const parallel = spec(
  'Parallel',
  [
    common,
    transition,
    assign,
    output,
    inputOutputPaths,
    parametersAndResultPath,
    resultSelector,
    retryCatch,
    [
      ['Branches', field('branches')],
      ['Arguments', field('payloadTemplate', 'JSONata', true)],
    ],
  ],
  { required: ['Branches'], transition: 'nextOrEnd' },
);

const map = spec(
  'Map',
  [
    common,
    transition,
    assign,
    output,
    inputOutputPaths,
    parametersAndResultPath,
    resultSelector,
    retryCatch,
    [
      ['ItemProcessor', field('itemProcessor')],
      ['Iterator', field('itemProcessor')],
      ['ItemsPath', field('referencePath', 'JSONPath')],
      ['Items', field('items', 'JSONata', true)],
      ['ItemSelector', field('payloadTemplate', 'both', true)],
      ['ItemReader', field('itemReader')],
      ['ItemBatcher', field('itemBatcher')],
      ['ResultWriter', field('resultWriter')],
      ['MaxConcurrency', field('nonNegativeInteger', 'both', true)],
      ['MaxConcurrencyPath', field('referencePath', 'JSONPath')],
      ['ToleratedFailureCount', field('nonNegativeInteger', 'both', true)],
      ['ToleratedFailureCountPath', field('referencePath', 'JSONPath')],
      ['ToleratedFailurePercentage', field('percentage', 'both', true)],
      ['ToleratedFailurePercentagePath', field('referencePath', 'JSONPath')],
      ['Label', field('label')],
    ],
  ],
  {
    exclusive: [
      ['ItemProcessor', 'Iterator'],
      ['ItemSelector', 'Parameters'],
      ['MaxConcurrency', 'MaxConcurrencyPath'],
      ['ToleratedFailureCount', 'ToleratedFailureCountPath'],
      ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'],
    ],
    oneOf: [['ItemProcessor', 'Iterator']],
    transition: 'nextOrEnd',
  },
);

/** Every state type, by its `Type` value. */
export const stateTypes: ReadonlyMap<string, StateTypeSpec> = new Map([task, pass, choice, wait, succeed, fail, parallel, map].map((s) => [s.type, s]));

/** The fields of a state machine: the top level, a Parallel branch, a Map's ItemProcessor/Iterator. */
export const topLevelFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['StartAt', field('startAt')],
  ['States', field('states')],
  ['Comment', field('string')],
  ['Version', field('string')],
  ['TimeoutSeconds', field('positiveInteger')],
  ['QueryLanguage', queryLanguages],
]);

/** A branch takes no QueryLanguage: its states follow the top level's, whatever the Parallel says. */
export const branchFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['StartAt', field('startAt')],
  ['States', field('states')],
  ['Comment', field('string')],
]);

export const itemProcessorFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['StartAt', field('startAt')],
  ['States', field('states')],
  ['Comment', field('string')],
  ['ProcessorConfig', field('processorConfig')],
]);

/** DISTRIBUTED is accepted: statemill runs such a Map's iterations inline. */
export const processorConfigFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['Mode', oneOfValues('INLINE', 'DISTRIBUTED')],
  ['ExecutionType', oneOfValues('STANDARD', 'EXPRESS')],
]);

export const retrierFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['ErrorEquals', field('errorEquals')],
  ['IntervalSeconds', upTo(MAX_DOCUMENTED_SECONDS, 'positiveInteger')],
  ['MaxAttempts', upTo(MAX_DOCUMENTED_SECONDS, 'nonNegativeInteger')],
  ['BackoffRate', field('backoffRate')],
  ['MaxDelaySeconds', upTo(MAX_DELAY_SECONDS, 'positiveInteger')],
  ['JitterStrategy', oneOfValues('FULL', 'NONE')],
  ['Comment', field('string')],
]);

export const catcherFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['ErrorEquals', field('errorEquals')],
  ['Next', field('stateName')],
  ['ResultPath', field('resultPath', 'JSONPath')],
  ['Output', field('anyJson', 'JSONata')],
  ['Assign', field('assign')],
  ['Comment', field('string')],
]);

/**
 * The fields a top-level Choice rule carries beside its test. A JSONPath rule's test (Variable
 * and an operator, or And/Or/Not) is checked by compile/jsonpath/choice-rules; a JSONata
 * rule's is its Condition.
 */
export const choiceRuleFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['Next', field('stateName')],
  ['Assign', field('assign')],
  ['Output', field('anyJson', 'JSONata')],
  ['Condition', field('condition', 'JSONata', true)],
  ['Comment', field('string')],
]);

/** ItemReader / ResultWriter: a Resource with Parameters (JSONPath) or Arguments (JSONata), and a config object. */
export const itemReaderFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['Resource', field('string')],
  ['Parameters', field('payloadTemplate', 'JSONPath')],
  ['Arguments', field('payloadTemplate', 'JSONata', true)],
  ['ReaderConfig', field('object')],
]);

export const resultWriterFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['Resource', field('string')],
  ['Parameters', field('payloadTemplate', 'JSONPath')],
  ['Arguments', field('payloadTemplate', 'JSONata', true)],
  ['WriterConfig', field('object')],
]);

export const itemBatcherFields: ReadonlyMap<string, FieldSpec> = new Map([
  ['MaxItemsPerBatch', field('positiveInteger', 'both', true)],
  ['MaxItemsPerBatchPath', field('referencePath', 'JSONPath')],
  ['MaxInputBytesPerBatch', upTo(MAX_BATCH_BYTES, 'positiveInteger', 'both', true)],
  ['MaxInputBytesPerBatchPath', field('referencePath', 'JSONPath')],
  ['BatchInput', field('object', 'both', true)],
]);
