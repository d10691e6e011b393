import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ActivityRecord, AliasRecord, ExecutionRecord, Revision, StateMachineRecord, VersionRecord } from './records.js';
import type { HistoryEventShape } from './types.js';
import type { DurableSuspension } from '../run/execution.js';
import type { MapRunRecord } from '../run/map-runs.js';
import { StopHandle } from '../run/stop.js';
import { StoredHeartbeats } from './heartbeats.js';
import { lockStore } from './store-lock.js';
import { StoreError, StoreErrorCodes } from './store-errors.js';
import { checkSuspension } from './store-suspension.js';
import { startedEvent } from './history.js';
import { redriveData, restoreRedrive, type RedriveData } from './redrive.js';

/**
 * The service's embedded store (`createService({ store: 'path.db' })`, `statemill serve
 * --store`): state machines with their revisions, versions and aliases, activities, tags,
 * and Standard executions with their history, in one SQLite file (better-sqlite3, WAL).
 * Express executions write nothing. A Standard execution is written when it ends, when its
 * start returns with it still running, and each time it parks on its main line (a task
 * token, an activity task, a Wait state, a retry interval: its durable record, see
 * run/execution.ts durableRecord), a worker takes its activity task, a parked callback's
 * resource answers its call (TaskSubmitted), or it runs on, one
 * transaction each; a heartbeat on a parked execution's token, one row of its own
 * (service/heartbeats.ts). At the next start a parked execution is resumed where it waited
 * (Executions.resumeSuspended); any other that was RUNNING when the process died is marked
 * FAILED (`statemill.HostStopped`) with a cause saying so.
 */

export { StoreError, StoreErrorCodes, type StoreErrorCode } from './store-errors.js';

/** The error and cause of an execution that was RUNNING when its host stopped. */
export const HOST_STOPPED_ERROR = 'statemill.HostStopped';

const APPLICATION = 'statemill';
const SCHEMA_VERSION = '1';
const SQLITE_HEADER = 'SQLite format 3\0';

/** The part of better-sqlite3's API the store uses. */
interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface Database {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(source: string): unknown;
  prepare(source: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): unknown;
}
type DatabaseConstructor = new (path: string, options?: { timeout: number }) => Database;

/** What the store gives back at start-up, for the service to rebuild its records from. */
export interface RestoredState {
  readonly stateMachines: StateMachineRecord[];
  readonly activities: ActivityRecord[];
  readonly tags: Array<[string, Map<string, string>]>;
  /** Standard executions, in the order they finished (those marked FAILED at this start last). */
  readonly executions: ExecutionRecord[];
  /** How many executions were RUNNING when the host stopped, now FAILED. */
  readonly interrupted: number;
  /** Executions that were parked on their main line: still RUNNING, each with its `suspension`, for the service to resume. */
  readonly suspended: ExecutionRecord[];
}

interface RevisionData {
  definitionText: string;
  roleArn: string;
  loggingConfiguration: Revision['loggingConfiguration'];
  tracingConfiguration: Revision['tracingConfiguration'];
  encryptionConfiguration: Revision['encryptionConfiguration'];
  revisionId?: string;
  updateDate: number;
}

interface MachineData {
  arn: string;
  name: string;
  type: StateMachineRecord['type'];
  creationDate: number;
  revision: string;
  versions: Array<{ number: number; revision: string; description?: string; creationDate: number }>;
  nextVersion: number;
  aliases: Array<{ arn: string; name: string; description?: string; routing: AliasRecord['routing']; creationDate: number; updateDate?: number }>;
}

interface CatalogueData {
  machines: MachineData[];
  activities: Array<{ arn: string; name: string; creationDate: number }>;
  tags: Array<[string, Array<[string, string]>]>;
}

interface ExecutionData {
  name: string;
  machine: { arn: string; name: string; type: StateMachineRecord['type']; creationDate: number };
  revision: string;
  versionArn?: string;
  aliasArn?: string;
  inputText: string;
  traceHeader?: string;
  startDate: number;
  stopDate?: number;
  outputText?: string;
  error?: string;
  cause?: string;
  /** A RUNNING execution parked on its main line: what a restart resumes it from, and its mock test case. */
  suspension?: DurableSuspension;
  testCase?: string;
  mapRuns?: readonly MapRunRecord[];
  redrive?: RedriveData;
}

interface ExecutionRow {
  arn: string;
  status: ExecutionRecord['status'];
  data: string;
  events: string | null;
}

function loadDriver(path: string): DatabaseConstructor {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as DatabaseConstructor;
  } catch (error) {
    throw new StoreError(
      StoreErrorCodes.UNAVAILABLE,
      path,
      `a store needs the optional dependency better-sqlite3 12 (npm install better-sqlite3@12; 13 needs Node 22), which does not load here: ${(error as Error).message}`,
    );
  }
}

export class SqliteStore {
  readonly path: string;
  private readonly db: Database;
  private readonly unlock: () => void;
  private readonly revisionKeys = new WeakMap<Revision, string>();
  private readonly insertRevision: Statement;
  private readonly writeExecution: Statement;
  private readonly deleteExecution: Statement;
  private readonly writeCatalogue: Statement;
  /** SendTaskHeartbeat on tokens parked executions wait on (service/heartbeats.ts). */
  readonly heartbeats: StoredHeartbeats;
  private readonly endAndForget: (exec: ExecutionRecord, forgotten: readonly ExecutionRecord[]) => void;
  private finishedSeq = 0;
  /** An execution's map runs as the service keeps them (service/map-runs.ts), written with its record. */
  mapRunRecords: ((executionArn: string) => readonly MapRunRecord[] | undefined) | null = null;

  /** Opens (or creates) the store at `path`; a file that is not a statemill store is refused with a StoreError. */
  constructor(path: string) {
    this.path = path;
    checkHeader(path);
    const Driver = loadDriver(path);
    const unlock = (this.unlock = lockStore(path, Driver));
    try {
      this.db = new Driver(path);
      this.db.pragma('journal_mode = WAL');
      // WAL with synchronous NORMAL: a committed transaction survives the process being
      // killed (not necessarily a power cut), without an fsync per commit.
      this.db.pragma('synchronous = NORMAL');
      // Checkpoints (which sync the database file) every ~40 MB of WAL instead of ~4 MB:
      // measured here, a 3 KB execution row costs 90 µs instead of 157 µs.
      this.db.pragma('wal_autocheckpoint = 10000');
      this.prepareSchema();
      this.heartbeats = new StoredHeartbeats(this.db);
    } catch (error) {
      unlock();
      if (error instanceof StoreError) throw error;
      throw new StoreError(StoreErrorCodes.CORRUPT, path, `${path} is not a usable statemill store: ${(error as Error).message}`);
    }
    this.insertRevision = this.db.prepare('INSERT OR IGNORE INTO revisions (key, data) VALUES (?, ?)');
    this.writeExecution = this.db.prepare('INSERT OR REPLACE INTO executions (arn, status, data, events, seq) VALUES (?, ?, ?, ?, ?)');
    this.deleteExecution = this.db.prepare('DELETE FROM executions WHERE arn = ?');
    this.writeCatalogue = this.db.prepare('INSERT OR REPLACE INTO catalogue (id, data) VALUES (1, ?)');
    this.endAndForget = this.db.transaction((exec: ExecutionRecord, forgotten: readonly ExecutionRecord[]) => {
      for (const old of forgotten) this.deleteExecution.run(old.executionArn);
      this.writeExecution.run(...this.executionRow(exec, true));
    });
  }

  private prepareSchema(): void {
    const tables = (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
    if (tables.length === 0) {
      this.db.exec(`
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE revisions (key TEXT PRIMARY KEY, data TEXT NOT NULL);
        CREATE TABLE catalogue (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT NOT NULL);
        CREATE TABLE executions (arn TEXT PRIMARY KEY, status TEXT NOT NULL, data TEXT NOT NULL, events TEXT, seq INTEGER);
        CREATE INDEX executions_by_seq ON executions (seq);
      `);
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)').run('application', APPLICATION, 'schema', SCHEMA_VERSION);
      return;
    }
    const application = tables.includes('meta')
      ? (this.db.prepare("SELECT value FROM meta WHERE key = 'application'").get() as { value: string } | undefined)?.value
      : undefined;
    if (application !== APPLICATION) {
      throw new StoreError(
        StoreErrorCodes.FOREIGN,
        this.path,
        `${this.path} is an SQLite database of another program (tables: ${tables.join(', ')}), not a statemill store; give --store a new file or one statemill made`,
      );
    }
    const schema = (this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined)?.value;
    if (schema !== SCHEMA_VERSION) {
      throw new StoreError(
        StoreErrorCodes.VERSION,
        this.path,
        `${this.path} is a statemill store of schema ${schema ?? 'unknown'}; this version reads schema ${SCHEMA_VERSION}`,
      );
    }
  }

  /**
   * Reads everything back: the catalogue, then the executions, oldest finished first, keeping
   * the newest `retain`; executions that were RUNNING are marked FAILED (in the store too).
   */
  load(retain: number, now: Date): RestoredState {
    try {
      return this.restore(retain, now);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(StoreErrorCodes.CORRUPT, this.path, `${this.path} could not be read back: ${(error as Error).message}`);
    }
  }

  private restore(retain: number, now: Date): RestoredState {
    const revisions = new Map<string, Revision>();
    const revisionData = this.db.prepare('SELECT key, data FROM revisions').all() as Array<{ key: string; data: string }>;
    for (const row of revisionData) {
      const data = JSON.parse(row.data) as RevisionData;
      const revision: Revision = {
        definitionText: data.definitionText,
        definition: JSON.parse(data.definitionText) as Record<string, unknown>,
        roleArn: data.roleArn,
        loggingConfiguration: data.loggingConfiguration,
        tracingConfiguration: data.tracingConfiguration,
        encryptionConfiguration: data.encryptionConfiguration,
        revisionId: data.revisionId,
        updateDate: new Date(data.updateDate),
        machines: new Map(),
      };
      revisions.set(row.key, revision);
      this.revisionKeys.set(revision, row.key);
    }
    const revisionOf = (key: string): Revision => {
      const revision = revisions.get(key);
      if (revision === undefined) throw new Error(`revision ${key} is referenced but missing`);
      return revision;
    };
    const catalogueRow = this.db.prepare('SELECT data FROM catalogue WHERE id = 1').get() as { data: string } | undefined;
    const catalogue: CatalogueData = catalogueRow === undefined ? { machines: [], activities: [], tags: [] } : (JSON.parse(catalogueRow.data) as CatalogueData);
    const stateMachines = catalogue.machines.map((m): StateMachineRecord => {
      const versions = new Map<number, VersionRecord>();
      for (const v of m.versions)
        versions.set(v.number, {
          arn: `${m.arn}:${v.number}`,
          number: v.number,
          revision: revisionOf(v.revision),
          description: v.description,
          creationDate: new Date(v.creationDate),
        });
      const aliases = new Map<string, AliasRecord>();
      for (const a of m.aliases) {
        aliases.set(a.name, {
          arn: a.arn,
          name: a.name,
          description: a.description,
          routing: a.routing,
          creationDate: new Date(a.creationDate),
          updateDate: a.updateDate === undefined ? undefined : new Date(a.updateDate),
        });
      }
      return {
        arn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: new Date(m.creationDate),
        revision: revisionOf(m.revision),
        versions,
        nextVersion: m.nextVersion,
        aliases,
        executions: [],
      };
    });
    const machinesByArn = new Map(stateMachines.map((m) => [m.arn, m]));
    const rows = this.db.prepare('SELECT arn, status, data, events FROM executions ORDER BY seq, rowid').all() as ExecutionRow[];
    const finished: ExecutionRecord[] = [];
    const interrupted: ExecutionRecord[] = [];
    const suspended: ExecutionRecord[] = [];
    for (const row of rows) {
      const data = JSON.parse(row.data) as ExecutionData;
      let machine = machinesByArn.get(data.machine.arn);
      if (machine === undefined) {
        // The machine was deleted after the execution ran: AWS still describes the execution.
        machine = {
          ...data.machine,
          creationDate: new Date(data.machine.creationDate),
          revision: revisionOf(data.revision),
          versions: new Map(),
          nextVersion: 1,
          aliases: new Map(),
          executions: [],
        };
        machinesByArn.set(machine.arn, machine);
      }
      const exec: ExecutionRecord = {
        executionArn: row.arn,
        name: data.name,
        machine,
        revision: revisionOf(data.revision),
        versionArn: data.versionArn,
        aliasArn: data.aliasArn,
        inputText: data.inputText,
        traceHeader: data.traceHeader,
        startDate: new Date(data.startDate),
        stopHandle: new StopHandle(),
        status: row.status,
        stopDate: data.stopDate === undefined ? undefined : new Date(data.stopDate),
        outputText: data.outputText,
        error: data.error,
        cause: data.cause,
        events: row.events === null ? null : reviveEvents(row.events),
        liveEvents: null,
        stopRequest: null,
        done: Promise.resolve(),
      };
      if (data.mapRuns !== undefined) exec.restoredMapRuns = data.mapRuns;
      if (data.redrive !== undefined) restoreRedrive(exec, data.redrive);
      if (exec.status === 'RUNNING' && data.suspension !== undefined) {
        exec.suspension = checkSuspension(data.suspension, row.arn, this.path);
        if (data.testCase !== undefined) exec.testCase = data.testCase;
        suspended.push(exec);
      } else if (exec.status === 'RUNNING') {
        markHostStopped(exec, now);
        interrupted.push(exec);
      } else finished.push(exec);
    }
    this.heartbeats.restore(suspended);
    const all = [...finished, ...interrupted];
    const kept = all.slice(Math.max(0, all.length - retain));
    const dropped = all.slice(0, all.length - kept.length);
    const rewrite = this.db.transaction(() => {
      for (const exec of dropped) this.deleteExecution.run(exec.executionArn);
      for (const exec of interrupted) if (kept.includes(exec)) this.writeExecution.run(...this.executionRow(exec, true));
    });
    rewrite();
    for (const exec of [...kept, ...suspended].sort((a, b) => a.startDate.getTime() - b.startDate.getTime())) exec.machine.executions.push(exec);
    this.finishedSeq = (this.db.prepare('SELECT max(seq) AS seq FROM executions').get() as { seq: number | null }).seq ?? 0;
    const tags = catalogue.tags.map(([arn, pairs]): [string, Map<string, string>] => [arn, new Map(pairs)]);
    const activities = catalogue.activities.map((a) => ({ arn: a.arn, name: a.name, creationDate: new Date(a.creationDate) }));
    return { stateMachines, activities, tags, executions: kept, interrupted: interrupted.length, suspended };
  }

  /** Writes the state machines, activities and tags (after an operation that changed them). */
  saveCatalogue(stateMachines: Iterable<StateMachineRecord>, activities: Iterable<ActivityRecord>, tags: Iterable<[string, Map<string, string>]>): void {
    const machines = [...stateMachines];
    const save = this.db.transaction(() => {
      const data: CatalogueData = {
        machines: machines.map((m) => ({
          arn: m.arn,
          name: m.name,
          type: m.type,
          creationDate: m.creationDate.getTime(),
          revision: this.revisionKey(m.revision),
          versions: [...m.versions.values()].map((v) => ({
            number: v.number,
            revision: this.revisionKey(v.revision),
            description: v.description,
            creationDate: v.creationDate.getTime(),
          })),
          nextVersion: m.nextVersion,
          aliases: [...m.aliases.values()].map((a) => ({
            arn: a.arn,
            name: a.name,
            description: a.description,
            routing: a.routing,
            creationDate: a.creationDate.getTime(),
            updateDate: a.updateDate?.getTime(),
          })),
        })),
        activities: [...activities].map((a) => ({ arn: a.arn, name: a.name, creationDate: a.creationDate.getTime() })),
        tags: [...tags].map(([arn, pairs]) => [arn, [...pairs]]),
      };
      this.writeCatalogue.run(JSON.stringify(data));
    });
    save();
  }

  /** A Standard execution still running after its start: written as RUNNING, so a crash cannot lose it. */
  executionStarted(exec: ExecutionRecord): void {
    this.writeExecution.run(...this.executionRow(exec, false));
  }

  /**
   * A Standard execution parked on its main line (exec.suspension set), whose parked wait
   * changed, or that ran on (cleared): its RUNNING row with the history so far, in one transaction.
   */
  executionSuspended(exec: ExecutionRecord): void {
    this.writeExecution.run(...this.executionRow(exec, false));
  }

  /**
   * A Standard execution ended: its final record and history replace the RUNNING row, and
   * the executions the retention bound dropped go, in one transaction.
   */
  executionEnded(exec: ExecutionRecord, forgotten: readonly ExecutionRecord[] | null = null): void {
    this.heartbeats.ended(exec.executionArn);
    if (forgotten === null) {
      this.writeExecution.run(...this.executionRow(exec, true));
      return;
    }
    this.endAndForget(exec, forgotten);
  }

  close(): void {
    this.db.close();
    this.unlock();
  }

  private executionRow(exec: ExecutionRecord, ended: boolean): [string, string, string, string | null, number | null] {
    const data: ExecutionData = {
      name: exec.name,
      machine: { arn: exec.machine.arn, name: exec.machine.name, type: exec.machine.type, creationDate: exec.machine.creationDate.getTime() },
      revision: this.revisionKey(exec.revision),
      versionArn: exec.versionArn,
      aliasArn: exec.aliasArn,
      inputText: exec.inputText,
      traceHeader: exec.traceHeader,
      startDate: exec.startDate.getTime(),
      stopDate: exec.stopDate?.getTime(),
      outputText: exec.outputText,
      error: exec.error,
      cause: exec.cause,
    };
    data.mapRuns = this.mapRunRecords?.(exec.executionArn);
    data.redrive = redriveData(exec);
    if (!ended && exec.suspension != null) {
      data.suspension = exec.suspension;
      if (exec.testCase !== undefined) data.testCase = exec.testCase;
    }
    // A running execution's row keeps its history so far (up to where it first waited).
    const events = exec.events ?? exec.liveEvents?.events() ?? null;
    return [exec.executionArn, exec.status, JSON.stringify(data), events === null ? null : JSON.stringify(events), ended ? ++this.finishedSeq : null];
  }

  /** A revision's key (a hash of its content), written once. */
  private revisionKey(revision: Revision): string {
    let key = this.revisionKeys.get(revision);
    if (key !== undefined) return key;
    const data: RevisionData = {
      definitionText: revision.definitionText,
      roleArn: revision.roleArn,
      loggingConfiguration: revision.loggingConfiguration,
      tracingConfiguration: revision.tracingConfiguration,
      encryptionConfiguration: revision.encryptionConfiguration,
      revisionId: revision.revisionId,
      updateDate: revision.updateDate.getTime(),
    };
    const text = JSON.stringify(data);
    key = createHash('sha256').update(text).digest('base64url');
    this.insertRevision.run(key, text);
    this.revisionKeys.set(revision, key);
    return key;
  }
}

/** A file that exists must start with SQLite's header: anything else is refused before the driver sees it. */
function checkHeader(path: string): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isFile()) throw new StoreError(StoreErrorCodes.CORRUPT, path, `${path} is not a file`);
  const size = statSync(path).size;
  if (size === 0) return;
  const head = readFileSync(path).subarray(0, SQLITE_HEADER.length).toString('latin1');
  if (head !== SQLITE_HEADER)
    throw new StoreError(
      StoreErrorCodes.CORRUPT,
      path,
      `${path} is not an SQLite database (a statemill store is one); give --store a new file or one statemill made`,
    );
}

function reviveEvents(text: string): HistoryEventShape[] {
  const events = JSON.parse(text) as Array<HistoryEventShape & { timestamp: string }>;
  for (const event of events) (event as HistoryEventShape).timestamp = new Date(event.timestamp);
  return events;
}

/**
 * An execution RUNNING when its host stopped: FAILED now, its history what was recorded of
 * it (at least ExecutionStarted) followed by an ExecutionFailed that says why.
 */
export function markHostStopped(exec: ExecutionRecord, now: Date, cause?: string): void {
  exec.status = 'FAILED';
  exec.stopDate = now;
  exec.error = HOST_STOPPED_ERROR;
  exec.cause =
    cause ??
    `The statemill process running this execution stopped (crash or kill) while it was RUNNING and not parked: only executions whose every running thread waits (a task token, an activity task, a Wait state, a retry interval, a .sync child — on the main line, in the branches of a Parallel state or the iterations of a Map state, inline or distributed, unless they run in the pool) are resumed after a restart, so it was marked FAILED when the store was opened again at ${now.toISOString()}.`;
  const recorded: HistoryEventShape[] = exec.events !== null && exec.events.length > 0 ? exec.events : [startedEvent(exec)];
  const last = recorded[recorded.length - 1]!;
  exec.events = [
    ...recorded,
    {
      id: last.id + 1,
      previousEventId: last.id,
      timestamp: now,
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: exec.error, cause: exec.cause },
    },
  ];
}
