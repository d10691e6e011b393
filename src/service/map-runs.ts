import type { MapRun, MapRunHost } from '../run/map-runs.js';
import { ServiceError } from './errors.js';
import type { Registry } from './registry.js';
import { checkInteger, page, pageRequest, parseArn, shown } from './requests.js';
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
    const parent = this.registry.executions.get(run.executionArn);
    // Only the service's own Standard executions keep their map runs.
    if (parent !== undefined) this.registry.mapRuns.set(run.arn, { run, parent });
  }

  /** The map run an ARN names, or InvalidArn / ResourceNotFound as AWS refuses it. */
  mapRun(arn: unknown, member = 'mapRunArn'): MapRun {
    parseArn(arn, member, ['mapRun']);
    const entry = this.registry.mapRuns.get(arn as string);
    if (entry === undefined) throw new ServiceError('ResourceNotFound', `Resource not found: '${shown(arn)}'`);
    return entry.run;
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
      redriveCount: 0,
    };
    if (!Number.isNaN(run.stopMs)) out.stopDate = new Date(run.stopMs);
    return out;
  }

  async listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    const paging = pageRequest(request);
    const exec = this.registry.execution(request?.executionArn);
    const items: T.MapRunListItem[] = [];
    for (const { run } of this.registry.mapRuns.values()) if (run.executionArn === exec.executionArn) items.push(listedMapRun(run));
    // Newest first, as ListExecutions lists.
    items.reverse();
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
    const n = items && run.batched ? batchSize(run.inputs[i]) : 1;
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

function batchSize(input: unknown): number {
  const items = (input as { Items?: unknown } | null)?.Items;
  return Array.isArray(items) ? items.length : 1;
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
