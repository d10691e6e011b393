import type { DurablePoint, DurableSuspension } from '../run/execution.js';
import type { ExecutionRecord } from './records.js';

/** The part of better-sqlite3's API the heartbeats use. */
interface HeartbeatDatabase {
  exec(source: string): unknown;
  prepare(source: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
}

/**
 * SendTaskHeartbeat on a token a parked execution waits on, kept in the store: one small
 * UPSERT per heartbeat (its own table, so the execution's record and history are not
 * written again). At the next start each restored token wait takes the later of its
 * recorded heartbeat deadline and the one kept here, so HeartbeatSeconds counts from the
 * last heartbeat, as in AWS. Rows go when their execution ends, or at start-up when it was not resumed.
 */
export class StoredHeartbeats {
  private readonly upsert: { run(...params: unknown[]): unknown };
  private readonly deleteOf: { run(...params: unknown[]): unknown };
  private readonly listAll: { all(...params: unknown[]): unknown[] };
  /** Executions with rows here: only their end costs a DELETE. */
  private readonly executions = new Set<string>();

  constructor(db: HeartbeatDatabase) {
    // Created on open, so a store made before heartbeats were kept gains the table.
    db.exec(`
      CREATE TABLE IF NOT EXISTS heartbeats (token TEXT PRIMARY KEY, arn TEXT NOT NULL, heartbeat_at REAL NOT NULL);
      CREATE INDEX IF NOT EXISTS heartbeats_by_arn ON heartbeats (arn);
    `);
    this.upsert = db.prepare('INSERT OR REPLACE INTO heartbeats (token, arn, heartbeat_at) VALUES (?, ?, ?)');
    this.deleteOf = db.prepare('DELETE FROM heartbeats WHERE arn = ?');
    this.listAll = db.prepare('SELECT token, arn, heartbeat_at AS heartbeatAt FROM heartbeats');
  }

  /** A heartbeat on `token` of execution `arn`: its HeartbeatSeconds timer now fires at `heartbeatAt` (clock milliseconds). */
  beat(arn: string, token: string, heartbeatAt: number): void {
    this.upsert.run(token, arn, heartbeatAt);
    this.executions.add(arn);
  }

  ended(arn: string): void {
    if (this.executions.delete(arn)) this.deleteOf.run(arn);
  }

  /** Start-up: the suspended executions' records take their kept heartbeats; rows of any other execution go. */
  restore(suspended: readonly ExecutionRecord[]): void {
    const rows = this.listAll.all() as Array<{ token: string; arn: string; heartbeatAt: number }>;
    if (rows.length === 0) return;
    const byToken = new Map(rows.map((row) => [row.token, row.heartbeatAt]));
    const resumed = new Set<string>();
    for (const exec of suspended) {
      if (exec.suspension == null) continue;
      resumed.add(exec.executionArn);
      exec.suspension = withHeartbeats(exec.suspension, byToken) as DurableSuspension;
    }
    const stale = new Set<string>();
    for (const row of rows) (resumed.has(row.arn) ? this.executions : stale).add(row.arn);
    for (const arn of stale) this.deleteOf.run(arn);
  }
}

/** `point` with each token wait's heartbeat deadline moved to its last heartbeat's, its branches' and iterations' too. */
function withHeartbeats(point: DurablePoint, byToken: ReadonlyMap<string, number>): DurablePoint {
  let updated = point;
  const beat = point.token === '' ? undefined : byToken.get(point.token);
  if (beat !== undefined && (point.heartbeatAt === null || beat > point.heartbeatAt)) updated = { ...updated, heartbeatAt: beat };
  if (point.branches !== undefined) updated = { ...updated, branches: point.branches.map((b) => threadWithHeartbeats(b, byToken)) };
  if (point.iterations !== undefined) updated = { ...updated, iterations: point.iterations.map((b) => threadWithHeartbeats(b, byToken)) };
  return updated;
}

function threadWithHeartbeats(thread: NonNullable<DurablePoint['branches']>[number], byToken: ReadonlyMap<string, number>) {
  return thread.finished ? thread : { finished: false as const, point: withHeartbeats(thread.point, byToken) };
}
