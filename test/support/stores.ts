/**
 * Store files for the tests of a durable service (test/service) and of `statemill serve --store`
 * (test/serve): a scratch folder, fresh files in it, services opened on one and closed however
 * the test ends, and the rows of a file read or rewritten as a crash or another writer leaves them.
 */
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createService, type ServiceOptions, type StepFunctionsService } from '../../src/service/index.js';

export const roleArn = 'arn:aws:iam::123456789012:role/local';

let scratch: string | null = null;
let fileNumber = 0;

/** This test process's scratch folder, made on first use. */
export function scratchDir(): string {
  return (scratch ??= mkdtempSync(join(tmpdir(), 'statemill-stores-')));
}

/** A store file no test used yet. */
export function freshStoreFile(): string {
  return join(scratchDir(), `store-${++fileNumber}.db`);
}

/** A store file of its own, and the services a test opens on it (each a "process" of the same host). */
export interface FreshStore {
  readonly file: string;
  /** A service on the store: a start, or a restart after the ones before "crashed" (a second service opening the file is what a restart after kill -9 sees). */
  open(options?: ServiceOptions): StepFunctionsService;
  /** Closes every service opened so far. */
  closeAll(): Promise<void>;
}

/** Runs `test` on a fresh store file, closing every service it opened however it ends. */
export async function withFreshStore(test: (store: FreshStore) => Promise<void>): Promise<void> {
  const file = freshStoreFile();
  const opened: StepFunctionsService[] = [];
  const closeAll = async () => {
    for (const service of opened.splice(0)) await service.close();
  };
  try {
    await test({
      file,
      open: (options = {}) => {
        const service = createService({ store: file, ...options });
        opened.push(service);
        return service;
      },
      closeAll,
    });
  } finally {
    await closeAll();
  }
}

/** The stored row of `executionArn`: its status and its record (`suspension` while it is parked). */
export function storedExecution(file: string, executionArn: string): { status: string; data: Record<string, any> } {
  const db = new Database(file, { readonly: true });
  const row = db.prepare('SELECT status, data FROM executions WHERE arn = ?').get(executionArn) as { status: string; data: string };
  db.close();
  return { status: row.status, data: JSON.parse(row.data) };
}

/** Rewrites the stored record of `executionArn`, as a foreign writer might. */
export function editStoredRecord(file: string, executionArn: string, edit: (data: Record<string, any>) => void): void {
  const db = new Database(file);
  const row = db.prepare('SELECT data FROM executions WHERE arn = ?').get(executionArn) as { data: string };
  const data = JSON.parse(row.data);
  edit(data);
  db.prepare('UPDATE executions SET data = ? WHERE arn = ?').run(JSON.stringify(data), executionArn);
  db.close();
}

/** Rewrites the stored suspension record of `executionArn`, as a foreign writer might. */
export function editSuspension(file: string, executionArn: string, edit: (suspension: Record<string, any>) => void): void {
  editStoredRecord(file, executionArn, (data) => edit(data.suspension));
}

/** How many rows the store's `table` holds. */
export function countRows(file: string, table: 'executions' | 'heartbeats'): number {
  const db = new Database(file, { readonly: true });
  const n = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  db.close();
  return n;
}

/** Whether another process could take the store's lock now (a second connection sees it as another process would). */
export function lockIsFree(file: string): boolean {
  const db = new Database(`${file}-lock`, { timeout: 0 });
  try {
    db.exec('BEGIN EXCLUSIVE');
    return true;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

export const stuckResource = 'arn:aws:lambda:us-east-1:123456789012:function:stuck';

/**
 * A distributed Map's iteration whose Task (`stuckResource`) never answers: the execution runs
 * (a handler call in flight), it does not wait, so nothing durable holds it and no restart resumes it.
 */
export const stuckInIteration = JSON.stringify({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: stuckResource, End: true } },
      },
      End: true,
    },
  },
});
