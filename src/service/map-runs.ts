import { MapRun, type MapRunHost, type MapRunRecord } from '../run/map-runs.js';
import type { ExecutionRecord } from './records.js';
import { ServiceError } from './errors.js';
import { listed } from './history.js';
import { mapRunChild, mapRunChildren } from './map-run-children.js';
import type { Registry } from './registry.js';
import { checkInteger, page, pageRequest, parseArn, shown, type PageRequest } from './requests.js';
import type * as T from './types.js';

/**
 * Map runs: the engine makes one each time a Distributed Map state runs in a Standard
 * execution (run/map-runs.ts) and hands it to mapRunStarted(); DescribeMapRun, ListMapRuns and
 * UpdateMapRun read and change it, and its child executions are found through the registry
 * (map-run-children.ts).
 */
export class MapRuns implements MapRunHost {
  constructor(private readonly registry: Registry) {}

  mapRunStarted(run: MapRun): void {
    // A map run inside a child execution belongs to that child.
    const parent = this.registry.executions.get(run.executionArn) ?? mapRunChild(this.registry, run.executionArn);
    // Only the service's own Standard executions keep their map runs.
    if (parent !== undefined) this.keep(run, parent);
  }

  private keep(run: MapRun, parent: ExecutionRecord): void {
    this.registry.mapRuns.set(run.arn, { run, parent });
    const runs = this.registry.executionMapRuns.get(run.executionArn);
    if (runs === undefined) this.registry.executionMapRuns.set(run.executionArn, [run]);
    else runs.push(run);
  }

  mapRunRestored(arn: string): MapRun | undefined {
    return this.registry.mapRuns.get(arn)?.run;
  }

  /** An execution's map runs as plain data, the nested ones (a Distributed Map in a child) after their parents'; undefined when it has none. */
  records(executionArn: string): MapRunRecord[] | undefined {
    const runs = this.registry.executionMapRuns.get(executionArn);
    if (runs === undefined) return undefined;
    const records: MapRunRecord[] = [];
    for (const run of runs) {
      records.push(run.record());
      for (let i = 0; i < run.inputs.length; i++) records.push(...(this.records(run.childArn(i)) ?? []));
    }
    return records;
  }

  /** Takes back the map runs a store kept with `exec` (before it resumes, so a parked Distributed Map finds its own). */
  restore(exec: ExecutionRecord): void {
    const records = exec.restoredMapRuns;
    if (records === undefined) return;
    delete exec.restoredMapRuns;
    for (const record of records) {
      const parent = record.executionArn === exec.executionArn ? exec : mapRunChild(this.registry, record.executionArn);
      if (parent !== undefined) this.keep(new MapRun(record), parent);
    }
    // An execution the restart ended (HostStopped) leaves no map run running.
    if (exec.status !== 'RUNNING') this.executionEnded(exec.executionArn, exec.stopDate!.getTime());
  }

  /** The execution was dropped by the retention bound: its map runs go with it. */
  forget(executionArn: string): void {
    const runs = this.registry.executionMapRuns.get(executionArn);
    if (runs === undefined) return;
    this.registry.executionMapRuns.delete(executionArn);
    for (const run of runs) {
      this.registry.mapRuns.delete(run.arn);
      for (let i = 0; i < run.inputs.length; i++) this.forget(run.childArn(i));
    }
  }

  /** The execution ended (stopped, timed out, failed elsewhere): its map runs still running end ABORTED, and those of their children. */
  executionEnded(executionArn: string, ms: number): void {
    const runs = this.registry.executionMapRuns.get(executionArn);
    if (runs === undefined) return;
    for (const run of runs) {
      if (run.status !== 'RUNNING') continue;
      run.ended('ABORTED', ms);
      for (let i = 0; i < run.inputs.length; i++) this.executionEnded(run.childArn(i), ms);
    }
  }

  /** The map run an ARN names, or InvalidArn / ResourceNotFound as AWS refuses it. */
  mapRun(arn: unknown): MapRun {
    parseArn(arn, 'mapRunArn', ['mapRun']);
    const entry = this.registry.mapRuns.get(arn as string);
    if (entry === undefined) throw new ServiceError('ResourceNotFound', `Resource not found: '${shown(arn)}'`);
    return entry.run;
  }

  /** ListExecutions by `mapRunArn`: the map run's children that have started, newest first. */
  listChildren(mapRunArn: unknown, paging: PageRequest, statusFilter: T.ExecutionStatusName | undefined): T.ListExecutionsOutput {
    const run = this.mapRun(mapRunArn);
    const { parent } = this.registry.mapRuns.get(run.arn)!;
    const children = mapRunChildren(run, parent).filter((e) => statusFilter === undefined || e.status === statusFilter);
    const p = page(
      children.map((child) => listedChild(run, child)),
      paging,
      `ListExecutions ${run.arn} ${statusFilter}`,
      this.registry.clock.now(),
      (e) => e.executionArn,
    );
    return { executions: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async describeMapRun(request: T.DescribeMapRunInput): Promise<T.DescribeMapRunOutput> {
    const run = this.mapRun(request?.mapRunArn);
    const out: T.DescribeMapRunOutput = {
      mapRunArn: run.arn,
      executionArn: run.executionArn,
      status: run.status,
      startDate: new Date(run.startMs),
      maxConcurrency: run.maxConcurrency,
      toleratedFailurePercentage: run.toleratedFailurePercentage ?? 0,
      toleratedFailureCount: run.toleratedFailureCount ?? 0,
      itemCounts: counts(run, true),
      executionCounts: counts(run, false),
      redriveCount: run.redriveCount,
    };
    if (!Number.isNaN(run.redriveMs)) out.redriveDate = new Date(run.redriveMs);
    if (!Number.isNaN(run.stopMs)) out.stopDate = new Date(run.stopMs);
    return out;
  }

  async listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    const paging = pageRequest(request);
    const exec = this.registry.execution(request?.executionArn);
    // Newest first, as ListExecutions lists.
    const items = (this.registry.executionMapRuns.get(exec.executionArn) ?? []).map(listedMapRun).reverse();
    const p = page(items, paging, `ListMapRuns ${exec.executionArn}`, this.registry.clock.now(), (run) => run.mapRunArn);
    return { mapRuns: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async updateMapRun(request: T.UpdateMapRunInput): Promise<T.EmptyOutput> {
    const r = request ?? ({} as T.UpdateMapRunInput);
    const run = this.mapRun(r.mapRunArn);
    const maxConcurrency = checkInteger(r.maxConcurrency, 'maxConcurrency', 0);
    const count = checkInteger(r.toleratedFailureCount, 'toleratedFailureCount', 0);
    const percentage = checkPercentage(r.toleratedFailurePercentage);
    if (maxConcurrency === undefined && count === undefined && percentage === undefined) {
      throw new ServiceError('ValidationException', 'At least one of maxConcurrency, toleratedFailurePercentage or toleratedFailureCount must be given.');
    }
    if (run.status !== 'RUNNING') throw new ServiceError('ValidationException', `Map Run is ${run.status} and cannot be updated: '${run.arn}'`);
    run.update(maxConcurrency, count, percentage);
    return {};
  }
}

/** A child execution as ListExecutions by mapRunArn lists it: with the items it processed (a batch's, or 1). */
function listedChild(run: MapRun, child: ExecutionRecord): T.ExecutionListItem {
  const item = listed(child);
  item.itemCount = run.itemsOf(Number(child.name));
  return item;
}

function listedMapRun(run: MapRun): T.MapRunListItem {
  const item: T.MapRunListItem = { executionArn: run.executionArn, mapRunArn: run.arn, stateMachineArn: run.childMachineArn, startDate: new Date(run.startMs) };
  if (!Number.isNaN(run.stopMs)) item.stopDate = new Date(run.stopMs);
  return item;
}

/** DescribeMapRun's itemCounts (`items`: a batch counts its items) or executionCounts (one per child execution). */
function counts(run: MapRun, items: boolean): T.MapRunCounts {
  const c: T.MapRunCounts = {
    pending: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    timedOut: 0,
    aborted: 0,
    total: 0,
    resultsWritten: 0,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  };
  for (let i = 0; i < run.childStatus.length; i++) {
    const n = items ? run.itemsOf(i) : 1;
    c.total += n;
    switch (run.childStatus[i]) {
      case 'PENDING':
        c.pending += n;
        break;
      case 'RUNNING':
        c.running += n;
        break;
      case 'SUCCEEDED':
        c.succeeded += n;
        c.resultsWritten += n;
        break;
      case 'FAILED':
        c.failed += n;
        c.resultsWritten += n;
        break;
      default:
        c.aborted += n;
    }
  }
  return c;
}

/** UpdateMapRun's toleratedFailurePercentage: a number from 0 to 100, with AWS's constraint wording. */
function checkPercentage(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const member = 'toleratedFailurePercentage';
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${shown(value)}' at '${member}' failed to satisfy constraint: Member must be a number`,
    );
  if (value < 0 || value > 100) {
    const bound = value < 0 ? 'greater than or equal to 0' : 'less than or equal to 100';
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must have value ${bound}`,
    );
  }
  return value;
}
