/**
 * TypeScript types for Amazon States Language definitions: every state type with every field,
 * in its JSONPath and its JSONata form. A state is JSONPath or JSONata by its own
 * `QueryLanguage` or, when it has none, by the definition's top-level one; each form forbids
 * the other language's fields (`?: never`) so an editor flags a mix-up.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type QueryLanguage = 'JSONPath' | 'JSONata';

/** A JSONata expression: the whole string is `{% … %}`. */
export type JsonataExpression = `{%${string}%}`;

/** A JSONPath Path: `$…` over the state's input, `$$…` over the context object, `$name…` over a variable. */
export type Path = string;

/** A Path that names a single node (no wildcards, slices, unions, filters or `..`). */
export type ReferencePath = string;

/** An intrinsic function call such as `States.Format('{}', $.name)`. */
export type IntrinsicCall = `States.${string}`;

/**
 * A JSONPath payload template: any key ending in `.$`, at any depth, holds a Path or an
 * intrinsic call and is replaced by its value with the suffix stripped.
 */
export type PayloadTemplate = JsonObject;

/** Assign in a JSONPath state: variable names, `name.$` keys holding a Path or an intrinsic call. */
export type JsonPathAssign = JsonObject;

/** Assign in a JSONata state: variable names to values, `{% … %}` strings anywhere inside. */
export type JsonataAssign = JsonObject;

// ---------------------------------------------------------------------------------------------
// State machines

export interface StateMachineDefinition {
  StartAt: string;
  States: { [name: string]: State };
  Comment?: string;
  Version?: string;
  /** Execution timeout; statemill also caps Express executions at 5 minutes. */
  TimeoutSeconds?: number;
  /** The default for every state (JSONPath when absent). Under JSONata no state may be JSONPath. */
  QueryLanguage?: QueryLanguage;
}

/** A Parallel branch: a state machine scope of its own. */
export interface Branch {
  StartAt: string;
  States: { [name: string]: State };
  Comment?: string;
}

export interface ProcessorConfig {
  Mode?: 'INLINE' | 'DISTRIBUTED';
  ExecutionType?: 'STANDARD' | 'EXPRESS';
}

/** A Map's ItemProcessor (or the deprecated Iterator). */
export interface ItemProcessor extends Branch {
  ProcessorConfig?: ProcessorConfig;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

type NextTransition = { Next: string; End?: false };
type EndTransition = { End: true; Next?: never };
export type Transition = NextTransition | EndTransition;

interface StateBase<T extends string> {
  Type: T;
  Comment?: string;
}

/** Fields that exist only in JSONata states, forbidden in the JSONPath form. */
interface NoJsonataFields {
  QueryLanguage?: 'JSONPath';
  Arguments?: never;
  Output?: never;
  Items?: never;
}

/** Fields that exist only in JSONPath states, forbidden in the JSONata form. */
interface NoJsonPathFields {
  QueryLanguage?: 'JSONata';
  InputPath?: never;
  OutputPath?: never;
  Parameters?: never;
  ResultSelector?: never;
  ResultPath?: never;
  Result?: never;
  ItemsPath?: never;
  TimeoutSecondsPath?: never;
  HeartbeatSecondsPath?: never;
  SecondsPath?: never;
  TimestampPath?: never;
  MaxConcurrencyPath?: never;
  ToleratedFailureCountPath?: never;
  ToleratedFailurePercentagePath?: never;
  ErrorPath?: never;
  CausePath?: never;
}

interface JsonPathInputOutput {
  /** null gives the state `{}`. */
  InputPath?: Path | null;
  /** null gives the next state `{}`. */
  OutputPath?: Path | null;
}

interface JsonPathResult {
  /** An object as the ASL specification says; AWS also takes an array of templates. */
  Parameters?: PayloadTemplate | JsonValue[];
  /** null discards the result and keeps the raw input; never `$$…` nor a variable. */
  ResultPath?: ReferencePath | null;
}

/** A number, or in JSONata a `{% … %}` expression yielding one. */
type JsonataNumber = number | JsonataExpression;

export type ErrorName = string;

export interface Retrier {
  /** Non-empty; `States.ALL` must be alone and in the last retrier. */
  ErrorEquals: ErrorName[];
  /** Positive integer, default 1. */
  IntervalSeconds?: number;
  /** Non-negative integer, default 3; 0 never retries. */
  MaxAttempts?: number;
  /** At least 1.0, default 2.0. */
  BackoffRate?: number;
  /** Positive integer capping the interval. */
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface JsonPathCatcher {
  ErrorEquals: ErrorName[];
  Next: string;
  /** Where the error output goes in the raw input; default `$`, null discards it. */
  ResultPath?: ReferencePath | null;
  Assign?: JsonPathAssign;
  Comment?: string;
}

export interface JsonataCatcher {
  ErrorEquals: ErrorName[];
  Next: string;
  /** May read `$states.errorOutput`; default: the error output. */
  Output?: JsonValue;
  Assign?: JsonataAssign;
  Comment?: string;
}

interface JsonPathRecovery {
  Retry?: Retrier[];
  Catch?: JsonPathCatcher[];
}

interface JsonataRecovery {
  Retry?: Retrier[];
  Catch?: JsonataCatcher[];
}

// ---------------------------------------------------------------------------------------------
// Task

interface TaskCommon extends StateBase<'Task'> {
  /** A constant string, never an expression. */
  Resource: string;
}

export type JsonPathTaskState = TaskCommon &
  NoJsonataFields &
  JsonPathInputOutput &
  JsonPathResult &
  JsonPathRecovery &
  Transition & {
    ResultSelector?: PayloadTemplate;
    Assign?: JsonPathAssign;
    TimeoutSeconds?: number;
    TimeoutSecondsPath?: ReferencePath;
    HeartbeatSeconds?: number;
    HeartbeatSecondsPath?: ReferencePath;
    Credentials?: PayloadTemplate;
  };

export type JsonataTaskState = TaskCommon &
  NoJsonPathFields &
  JsonataRecovery &
  Transition & {
    Arguments?: JsonObject | JsonataExpression;
    Output?: JsonValue;
    Assign?: JsonataAssign;
    TimeoutSeconds?: JsonataNumber;
    HeartbeatSeconds?: JsonataNumber;
    Credentials?: JsonObject | JsonataExpression;
  };

export type TaskState = JsonPathTaskState | JsonataTaskState;

// ---------------------------------------------------------------------------------------------
// Pass

export type JsonPathPassState = StateBase<'Pass'> &
  NoJsonataFields &
  JsonPathInputOutput &
  JsonPathResult &
  Transition & {
    Result?: JsonValue;
    Assign?: JsonPathAssign;
  };

export type JsonataPassState = StateBase<'Pass'> &
  NoJsonPathFields &
  Transition & {
    Output?: JsonValue;
    Assign?: JsonataAssign;
  };

export type PassState = JsonPathPassState | JsonataPassState;

// ---------------------------------------------------------------------------------------------
// Choice

type StringOperator = 'StringEquals' | 'StringLessThan' | 'StringGreaterThan' | 'StringLessThanEquals' | 'StringGreaterThanEquals' | 'StringMatches';
type NumericOperator = 'NumericEquals' | 'NumericLessThan' | 'NumericGreaterThan' | 'NumericLessThanEquals' | 'NumericGreaterThanEquals';
type TimestampOperator = 'TimestampEquals' | 'TimestampLessThan' | 'TimestampGreaterThan' | 'TimestampLessThanEquals' | 'TimestampGreaterThanEquals';
type TypeTestOperator = 'IsNull' | 'IsPresent' | 'IsNumeric' | 'IsString' | 'IsBoolean' | 'IsTimestamp';
type PathOperator = `${Exclude<StringOperator, 'StringMatches'>}Path` | `${NumericOperator}Path` | `${TimestampOperator}Path` | 'BooleanEqualsPath';

/** A data test: `Variable` and exactly one comparison operator. */
export type DataTestRule = { Variable: Path; Comment?: string } & (
  | { [K in StringOperator]: { [P in K]: string } }[StringOperator]
  | { [K in NumericOperator]: { [P in K]: number } }[NumericOperator]
  | { [K in TimestampOperator]: { [P in K]: string } }[TimestampOperator]
  | { BooleanEquals: boolean }
  | { [K in TypeTestOperator]: { [P in K]: boolean } }[TypeTestOperator]
  | { [K in PathOperator]: { [P in K]: ReferencePath } }[PathOperator]
);

export type BooleanRule =
  | { And: JsonPathChoiceCondition[]; Comment?: string }
  | { Or: JsonPathChoiceCondition[]; Comment?: string }
  | { Not: JsonPathChoiceCondition; Comment?: string };

export type JsonPathChoiceCondition = DataTestRule | BooleanRule;

/** A top-level JSONPath rule: a condition with a `Next`, optionally an `Assign`. */
export type JsonPathChoiceRule = JsonPathChoiceCondition & { Next: string; Assign?: JsonPathAssign };

export interface JsonataChoiceRule {
  Condition: boolean | JsonataExpression;
  Next: string;
  Output?: JsonValue;
  Assign?: JsonataAssign;
  Comment?: string;
}

export type JsonPathChoiceState = StateBase<'Choice'> &
  NoJsonataFields &
  JsonPathInputOutput & {
    Choices: JsonPathChoiceRule[];
    Default?: string;
    Assign?: JsonPathAssign;
  };

export type JsonataChoiceState = StateBase<'Choice'> &
  NoJsonPathFields & {
    Choices: JsonataChoiceRule[];
    Default?: string;
    Output?: JsonValue;
    Assign?: JsonataAssign;
  };

export type ChoiceState = JsonPathChoiceState | JsonataChoiceState;

// ---------------------------------------------------------------------------------------------
// Wait

/** Exactly one of these gives the delay. */
type JsonPathDelay = { Seconds: number } | { Timestamp: string } | { SecondsPath: ReferencePath } | { TimestampPath: ReferencePath };

type JsonataDelay = { Seconds: JsonataNumber } | { Timestamp: string };

export type JsonPathWaitState = StateBase<'Wait'> &
  NoJsonataFields &
  JsonPathInputOutput &
  Transition &
  JsonPathDelay & {
    Assign?: JsonPathAssign;
  };

export type JsonataWaitState = StateBase<'Wait'> &
  NoJsonPathFields &
  Transition &
  JsonataDelay & {
    Output?: JsonValue;
    Assign?: JsonataAssign;
  };

export type WaitState = JsonPathWaitState | JsonataWaitState;

// ---------------------------------------------------------------------------------------------
// Succeed, Fail

export type JsonPathSucceedState = StateBase<'Succeed'> & NoJsonataFields & JsonPathInputOutput;
export type JsonataSucceedState = StateBase<'Succeed'> & NoJsonPathFields & { Output?: JsonValue };
export type SucceedState = JsonPathSucceedState | JsonataSucceedState;

export type JsonPathFailState = StateBase<'Fail'> & {
  QueryLanguage?: 'JSONPath';
  Error?: string;
  Cause?: string;
  /** A Reference Path or an intrinsic call. */
  ErrorPath?: ReferencePath | IntrinsicCall;
  CausePath?: ReferencePath | IntrinsicCall;
};

export type JsonataFailState = StateBase<'Fail'> & {
  QueryLanguage?: 'JSONata';
  /** A constant or a `{% … %}` expression. */
  Error?: string;
  Cause?: string;
  ErrorPath?: never;
  CausePath?: never;
};

export type FailState = JsonPathFailState | JsonataFailState;

// ---------------------------------------------------------------------------------------------
// Parallel

export type JsonPathParallelState = StateBase<'Parallel'> &
  NoJsonataFields &
  JsonPathInputOutput &
  JsonPathResult &
  JsonPathRecovery &
  Transition & {
    Branches: Branch[];
    ResultSelector?: PayloadTemplate;
    Assign?: JsonPathAssign;
  };

export type JsonataParallelState = StateBase<'Parallel'> &
  NoJsonPathFields &
  JsonataRecovery &
  Transition & {
    Branches: Branch[];
    Arguments?: JsonObject | JsonataExpression;
    Output?: JsonValue;
    Assign?: JsonataAssign;
  };

export type ParallelState = JsonPathParallelState | JsonataParallelState;

// ---------------------------------------------------------------------------------------------
// Map

export interface ItemReader {
  Resource: string;
  /** JSONPath states. */
  Parameters?: PayloadTemplate;
  /** JSONata states. */
  Arguments?: JsonObject | JsonataExpression;
  ReaderConfig?: {
    InputType?: 'CSV' | 'JSON' | 'JSONL' | 'MANIFEST' | 'PARQUET' | string;
    CSVHeaderLocation?: 'FIRST_ROW' | 'GIVEN';
    CSVHeaders?: string[];
    CSVDelimiter?: string;
    /** A JSON Pointer to the array of items inside a JSON document (InputType JSON). */
    ItemsPointer?: string;
    MaxItems?: JsonataNumber;
    MaxItemsPath?: ReferencePath;
    [field: string]: JsonValue | undefined;
  };
}

export interface ItemBatcher {
  MaxItemsPerBatch?: JsonataNumber;
  MaxItemsPerBatchPath?: ReferencePath;
  MaxInputBytesPerBatch?: JsonataNumber;
  MaxInputBytesPerBatchPath?: ReferencePath;
  BatchInput?: JsonValue;
}

export interface ResultWriter {
  Resource?: string;
  Parameters?: PayloadTemplate;
  Arguments?: JsonObject | JsonataExpression;
  WriterConfig?: { Transformation?: string; OutputType?: string; [field: string]: JsonValue | undefined };
}

/** ItemProcessor, or the deprecated Iterator: exactly one. */
type MapProcessor = { ItemProcessor: ItemProcessor; Iterator?: never } | { Iterator: ItemProcessor; ItemProcessor?: never };

interface MapCommon extends StateBase<'Map'> {
  ItemReader?: ItemReader;
  ItemBatcher?: ItemBatcher;
  ResultWriter?: ResultWriter;
  Label?: string;
}

export type JsonPathMapState = MapCommon &
  NoJsonataFields &
  JsonPathInputOutput &
  JsonPathResult &
  JsonPathRecovery &
  Transition &
  MapProcessor & {
    ItemsPath?: ReferencePath;
    /** Takes the place of the deprecated Parameters. */
    ItemSelector?: PayloadTemplate;
    ResultSelector?: PayloadTemplate;
    Assign?: JsonPathAssign;
    /** 0 means no limit. */
    MaxConcurrency?: number;
    MaxConcurrencyPath?: ReferencePath;
    ToleratedFailureCount?: number;
    ToleratedFailureCountPath?: ReferencePath;
    ToleratedFailurePercentage?: number;
    ToleratedFailurePercentagePath?: ReferencePath;
  };

export type JsonataMapState = MapCommon &
  NoJsonPathFields &
  JsonataRecovery &
  Transition &
  MapProcessor & {
    Items?: JsonValue[] | JsonataExpression;
    ItemSelector?: JsonObject | JsonataExpression;
    Output?: JsonValue;
    Assign?: JsonataAssign;
    MaxConcurrency?: JsonataNumber;
    ToleratedFailureCount?: JsonataNumber;
    ToleratedFailurePercentage?: JsonataNumber;
  };

export type MapState = JsonPathMapState | JsonataMapState;

// ---------------------------------------------------------------------------------------------

/** Any state, discriminated by `Type`. */
export type State = TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

export type StateTypeName = State['Type'];
