import type { DurableSuspension, RedrivePoint, RedriveTap } from '../run/execution.js';
import type { MapRunRecord } from '../run/map-runs.js';
import type { RecordedHistory } from '../run/history.js';
import type { Machine } from '../compile/machine.js';
import type { StopHandle } from '../run/stop.js';
import type {
  EncryptionConfiguration,
  ExecutionStatusName,
  HistoryEventShape,
  LoggingConfiguration,
  RoutingConfigurationListItem,
  StateMachineType,
  TracingConfiguration,
} from './types.js';

/**
 * What the service keeps: state machines with their revisions, versions and aliases,
 * executions, activities. Plain records; the Service class owns every change to them.
 */

/** One content of a state machine: what CreateStateMachine or UpdateStateMachine set. */
export interface Revision {
  readonly definitionText: string;
  readonly definition: Record<string, unknown>;
  readonly roleArn: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  readonly encryptionConfiguration: EncryptionConfiguration;
  /** Set by UpdateStateMachine (AWS shows none before the first update). */
  readonly revisionId: string | undefined;
  readonly updateDate: Date;
  /** Compiled machines of this revision, by mock test case ('' without one). */
  readonly machines: Map<string, Machine>;
}

export interface VersionRecord {
  readonly arn: string;
  readonly number: number;
  readonly revision: Revision;
  readonly description: string | undefined;
  readonly creationDate: Date;
}

export interface AliasRecord {
  readonly arn: string;
  readonly name: string;
  description: string | undefined;
  routing: RoutingConfigurationListItem[];
  readonly creationDate: Date;
  updateDate: Date | undefined;
}

export interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly creationDate: Date;
  revision: Revision;
  /** Versions by number, and the number the next one takes (numbers are never reused). */
  readonly versions: Map<number, VersionRecord>;
  nextVersion: number;
  readonly aliases: Map<string, AliasRecord>;
  /** Standard executions, oldest first (Express ones are not listed, as in AWS). */
  readonly executions: ExecutionRecord[];
}

export interface ActivityRecord {
  readonly arn: string;
  readonly name: string;
  readonly creationDate: Date;
}

/** How StopExecution ended an execution: AWS shows these as its error and cause. */
export interface StopRequest {
  readonly error: string | undefined;
  readonly cause: string | undefined;
}

/** One execution, running or finished. */
export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly machine: StateMachineRecord;
  readonly revision: Revision;
  readonly versionArn: string | undefined;
  readonly aliasArn: string | undefined;
  readonly inputText: string;
  readonly traceHeader: string | undefined;
  readonly startDate: Date;
  /** Stopping it stops the execution: StopExecution, a `.sync` parent's end and close() do. A redrive gives it a new one. */
  stopHandle: StopHandle;
  status: ExecutionStatusName;
  stopDate: Date | undefined;
  outputText: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  /** The recorded history once the execution has ended; null while it runs. */
  events: HistoryEventShape[] | null;
  /** The machine's history while the execution runs, its events built when read (null when none is recorded). */
  liveEvents: RecordedHistory | null;
  stopRequest: StopRequest | null;
  /** Set once the retention bound dropped it: lists skip it until they are compacted. */
  forgotten?: boolean;
  /** Set while it is parked on its main line and a store keeps it: what a restart resumes it from (run/execution.ts durableRecord). */
  suspension?: DurableSuspension | null;
  /** Set when the service closed while it was parked with a store: its record stays as written (RUNNING, parked), for the next start to resume. */
  keptParked?: boolean;
  /** Set on a map run's child execution: the map run that started it. */
  mapRunArn?: string;
  /** Its map runs (and those of Distributed Maps in their children) as a store read them back, until the service takes them. */
  restoredMapRuns?: readonly MapRunRecord[];
  /** The mock test case it was started with (`arn#TestCase`), so a resumed execution runs with the same mocks. */
  testCase?: string;
  /** How many times it was redriven (absent: never), and when last. */
  redriveCount?: number;
  redriveDate?: Date;
  /** Where a redrive continues from: kept when a run ended unsuccessfully (run/redrive.ts). */
  redrivePoint?: RedrivePoint | null;
  /** Why no point was kept, when a reason more precise than the usual one is known. */
  redriveMissing?: string;
  /** The running run's hold on its point, taken when it settles. */
  redriveTap?: RedriveTap;
  /** The client tokens of its last redrives, for RedriveExecution's idempotency. */
  redriveTokens?: ReadonlyArray<{ readonly token: string; readonly date: Date }>;
  /** Settles when the execution has ended and the record says how. */
  done: Promise<void>;
}
