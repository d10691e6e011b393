import type { Handlers } from '../compile/handlers.js';
import { isObject } from '../json.js';
import { realClock, type Clock } from '../run/clock.js';
import { historyLevels, type HistoryLevel } from '../run/history.js';
import type { Limits } from '../run/limits.js';
import {
  clockProblem,
  firstProblem,
  handlersProblem,
  limitsProblem,
  oneOfProblem,
  optionsShapeProblem,
  integerProblem,
  stringProblem,
  throwOptionProblem,
  type OptionProblem,
} from '../options.js';
import { Activities, type ActivityQueue } from './activities.js';
import { Executions } from './executions.js';
import { executionHistory } from './history.js';
import { MapRuns } from './map-runs.js';
import { Registry } from './registry.js';
import { checkRequestModel } from './request-model.js';
import type { ServiceIntegration } from './seam.js';
import { operations } from './send.js';
import { StateMachines } from './state-machines.js';
import { standardIntegration } from './standard/integration.js';
import { StandardTasks, type SendTaskFailureInput, type SendTaskHeartbeatInput, type SendTaskSuccessInput } from './standard/tasks.js';
import { SqliteStore } from './store.js';
import { Tags } from './tags.js';
import { testState, type TestStateRequest, type TestStateResponse } from './test-state/index.js';
import type * as T from './types.js';
import { Versions } from './versions.js';

export interface ServiceOptions {
  /** Task handlers keyed by Resource, as compile() takes them. */
  handlers?: Handlers;
  /** Time source; `virtualClock()` makes waits and retry intervals pass instantly. */
  clock?: Clock;
  /**
   * A Step Functions Local mock configuration (MockConfigFile.json's content). StartExecution
   * on `stateMachineArn#TestCase` runs that test case, as Step Functions Local does.
   */
  mocks?: unknown;
  /** Region and account of every ARN. Defaults: us-east-1, 123456789012. */
  region?: string;
  accountId?: string;
  /** Limits for every execution; Standard executions default to one year, Express ones to five minutes. */
  limits?: Partial<Limits>;
  /** History level recorded for Standard executions (default ALL, as AWS keeps all); Express executions record none. */
  history?: HistoryLevel;
  /** How many finished executions are kept for Describe/List/GetExecutionHistory; the oldest go first. Default 10,000. */
  retainExecutions?: number;
  /**
   * An SQLite file (or an open SqliteStore) keeping state machines, activities, tags and
   * Standard executions with their history across restarts (see src/service/store.ts).
   */
  store?: string | SqliteStore;
  /** Task integrations the service supplies to its executions (see seam.ts). */
  integrations?: readonly ServiceIntegration[];
}

/**
 * AWS Step Functions' API in-process: every method is an API operation, camelCased, async,
 * taking and returning AWS's request and response shapes; every refusal is a ServiceError
 * named after AWS's exception. The operations live in one module per resource (state
 * machines, versions and aliases, executions, history, activities, tags, map runs), over
 * one Registry of records; this class wires them together.
 */
export class Service {
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  private readonly handlers: Handlers;
  private readonly registry: Registry;
  /** Task tokens and what waits on them (callbacks, activities, `.sync` children). */
  private readonly standardTasks: StandardTasks;
  private readonly stateMachineOperations: StateMachines;
  private readonly versionOperations: Versions;
  private readonly executionOperations: Executions;
  private readonly activityOperations: Activities;
  private readonly tagOperations: Tags;
  private readonly mapRunOperations: MapRuns;
  private readonly store: SqliteStore | null;

  constructor(options: ServiceOptions = {}) {
    throwOptionProblem('createService()', serviceOptionsProblem(options));
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.clock = options.clock ?? realClock;
    this.handlers = options.handlers ?? {};
    this.registry = new Registry(this.region, this.accountId, this.clock);
    this.standardTasks = new StandardTasks({ clock: this.clock });
    // Standard constructs are built in; integrations the user adds come after, so theirs win.
    const integrations = [standardIntegration(this.standardTasks), ...(options.integrations ?? [])];
    this.store = options.store === undefined ? null : typeof options.store === 'string' ? new SqliteStore(options.store) : options.store;
    this.versionOperations = new Versions(this.registry);
    this.stateMachineOperations = new StateMachines(this.registry, this.versionOperations);
    this.activityOperations = new Activities(this.registry, integrations);
    this.tagOperations = new Tags(this.registry);
    this.mapRunOperations = new MapRuns(this.registry);
    if (this.store !== null) this.store.mapRunRecords = (executionArn) => this.mapRunOperations.records(executionArn);
    const executionOptions = {
      handlers: this.handlers,
      mocks: options.mocks,
      limits: options.limits ?? {},
      history: options.history ?? 'ALL',
      retainExecutions: options.retainExecutions ?? 10_000,
      integrations,
      store: this.store,
      tokens: this.standardTasks.tokens,
      mapRuns: this.mapRunOperations,
    };
    this.executionOperations = new Executions(this.registry, this.versionOperations, executionOptions, {
      service: this,
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      activityQueue: (arn) => this.activityQueue(arn),
    });
    this.checkRequestsFirst();
    if (this.store === null) return;
    try {
      this.restore(this.store, executionOptions.retainExecutions);
    } catch (error) {
      // A store this service opened is closed again, so a refused file is not left open (and locked).
      if (typeof options.store === 'string') this.store.close();
      throw error;
    }
  }

  /**
   * Has every operation check its request against AWS's service model before it does anything
   * else, as AWS's front end does (request-model.ts), whether called directly or through send().
   */
  private checkRequestsFirst(): void {
    for (const [operation, method] of Object.entries(operations)) {
      const answer = this[method] as (this: Service, request: unknown, ...rest: unknown[]) => Promise<unknown>;
      // Configurable: restore() wraps the operations that change the catalogue once more.
      Object.defineProperty(this, method, {
        configurable: true,
        value: (request: unknown, ...rest: unknown[]) => {
          try {
            checkRequestModel(operation, request);
          } catch (refusal) {
            return Promise.reject(refusal);
          }
          return answer.call(this, request, ...rest);
        },
      });
    }
  }

  /**
   * Rebuilds the records from the store, and has every operation that changes state
   * machines, activities or tags write them back once it has succeeded.
   */
  private restore(store: SqliteStore, retainExecutions: number): void {
    const restored = store.load(retainExecutions, this.registry.now());
    const { stateMachines, activities, tags } = this.registry;
    for (const machine of restored.stateMachines) stateMachines.set(machine.arn, machine);
    for (const activity of restored.activities) activities.set(activity.arn, activity);
    for (const [arn, resourceTags] of restored.tags) tags.set(arn, resourceTags);
    for (const exec of restored.executions) this.executionOperations.restored(exec);
    // Map runs are taken back once every execution is: a parked one resumes counting in its own.
    for (const exec of [...restored.executions, ...restored.suspended]) this.mapRunOperations.restore(exec);
    for (const exec of restored.suspended) this.executionOperations.resumeSuspended(exec);
    const save = () => store.saveCatalogue(stateMachines.values(), activities.values(), tags);
    for (const method of catalogueOperations) {
      const operation = this[method] as (this: Service, request: never) => Promise<unknown>;
      Object.defineProperty(this, method, {
        value: async (request: never) => {
          const answer = await operation.call(this, request);
          save();
          return answer;
        },
      });
    }
  }

  // ── State machines ────────────────────────────────────────────────────────────────────

  createStateMachine(request: T.CreateStateMachineInput): Promise<T.CreateStateMachineOutput> {
    return this.stateMachineOperations.createStateMachine(request);
  }

  describeStateMachine(request: T.DescribeStateMachineInput): Promise<T.DescribeStateMachineOutput> {
    return this.stateMachineOperations.describeStateMachine(request);
  }

  listStateMachines(request: T.ListStateMachinesInput = {}): Promise<T.ListStateMachinesOutput> {
    return this.stateMachineOperations.listStateMachines(request);
  }

  updateStateMachine(request: T.UpdateStateMachineInput): Promise<T.UpdateStateMachineOutput> {
    return this.stateMachineOperations.updateStateMachine(request);
  }

  deleteStateMachine(request: T.DeleteStateMachineInput): Promise<T.EmptyOutput> {
    return this.stateMachineOperations.deleteStateMachine(request);
  }

  validateStateMachineDefinition(request: T.ValidateStateMachineDefinitionInput): Promise<T.ValidateStateMachineDefinitionOutput> {
    return this.stateMachineOperations.validateStateMachineDefinition(request);
  }

  // ── Versions and aliases ───────────────────────────────────────────────────────────────

  publishStateMachineVersion(request: T.PublishStateMachineVersionInput): Promise<T.PublishStateMachineVersionOutput> {
    return this.versionOperations.publishStateMachineVersion(request);
  }

  listStateMachineVersions(request: T.ListStateMachineVersionsInput): Promise<T.ListStateMachineVersionsOutput> {
    return this.versionOperations.listStateMachineVersions(request);
  }

  deleteStateMachineVersion(request: T.DeleteStateMachineVersionInput): Promise<T.EmptyOutput> {
    return this.versionOperations.deleteStateMachineVersion(request);
  }

  createStateMachineAlias(request: T.CreateStateMachineAliasInput): Promise<T.CreateStateMachineAliasOutput> {
    return this.versionOperations.createStateMachineAlias(request);
  }

  describeStateMachineAlias(request: T.DescribeStateMachineAliasInput): Promise<T.DescribeStateMachineAliasOutput> {
    return this.versionOperations.describeStateMachineAlias(request);
  }

  updateStateMachineAlias(request: T.UpdateStateMachineAliasInput): Promise<T.UpdateStateMachineAliasOutput> {
    return this.versionOperations.updateStateMachineAlias(request);
  }

  deleteStateMachineAlias(request: T.DeleteStateMachineAliasInput): Promise<T.EmptyOutput> {
    return this.versionOperations.deleteStateMachineAlias(request);
  }

  listStateMachineAliases(request: T.ListStateMachineAliasesInput): Promise<T.ListStateMachineAliasesOutput> {
    return this.versionOperations.listStateMachineAliases(request);
  }

  // ── Executions ─────────────────────────────────────────────────────────────────────────

  startExecution(request: T.StartExecutionInput): Promise<T.StartExecutionOutput> {
    return this.executionOperations.startExecution(request);
  }

  startSyncExecution(request: T.StartSyncExecutionInput): Promise<T.StartSyncExecutionOutput> {
    return this.executionOperations.startSyncExecution(request);
  }

  describeExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    return this.executionOperations.describeExecution(request);
  }

  describeStateMachineForExecution(request: T.DescribeStateMachineForExecutionInput): Promise<T.DescribeStateMachineForExecutionOutput> {
    return this.executionOperations.describeStateMachineForExecution(request);
  }

  listExecutions(request: T.ListExecutionsInput = {}): Promise<T.ListExecutionsOutput> {
    return this.executionOperations.listExecutions(request);
  }

  /**
   * Not an AWS operation: resolves, once the Standard execution has ended, with what
   * DescribeExecution then answers (instead of polling it).
   */
  waitForExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    return this.executionOperations.waitForExecution(request);
  }

  /** Start, await and stop executions as nested-execution Tasks do (see NestedExecutionHost). */
  nestedExecutions(): ReturnType<Executions['nestedExecutions']> {
    return this.executionOperations.nestedExecutions();
  }

  stopExecution(request: T.StopExecutionInput): Promise<T.StopExecutionOutput> {
    return this.executionOperations.stopExecution(request);
  }

  async getExecutionHistory(request: T.GetExecutionHistoryInput): Promise<T.GetExecutionHistoryOutput> {
    return executionHistory(this.registry, request);
  }

  redriveExecution(request: T.RedriveExecutionInput): Promise<T.RedriveExecutionOutput> {
    return this.executionOperations.redriveExecution(request);
  }

  // ── Map runs ───────────────────────────────────────────────────────────────────────────

  describeMapRun(request: T.DescribeMapRunInput): Promise<T.DescribeMapRunOutput> {
    return this.mapRunOperations.describeMapRun(request);
  }

  listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    return this.mapRunOperations.listMapRuns(request);
  }

  updateMapRun(request: T.UpdateMapRunInput): Promise<T.EmptyOutput> {
    return this.mapRunOperations.updateMapRun(request);
  }

  // ── Activities ─────────────────────────────────────────────────────────────────────────

  createActivity(request: T.CreateActivityInput): Promise<T.CreateActivityOutput> {
    return this.activityOperations.createActivity(request);
  }

  describeActivity(request: T.DescribeActivityInput): Promise<T.DescribeActivityOutput> {
    return this.activityOperations.describeActivity(request);
  }

  listActivities(request: T.ListActivitiesInput = {}): Promise<T.ListActivitiesOutput> {
    return this.activityOperations.listActivities(request);
  }

  deleteActivity(request: T.DeleteActivityInput): Promise<T.EmptyOutput> {
    return this.activityOperations.deleteActivity(request);
  }

  getActivityTask(request: T.GetActivityTaskInput, signal?: AbortSignal): Promise<T.GetActivityTaskOutput> {
    return this.activityOperations.getActivityTask(request, signal);
  }

  /** The task queue of an existing activity (created on first use), or ActivityDoesNotExist. */
  activityQueue(arn: unknown): ActivityQueue {
    return this.activityOperations.activityQueue(arn);
  }

  // ── Task tokens (callbacks and activities) ──────────────────────────────────────────────

  async sendTaskSuccess(request: SendTaskSuccessInput): Promise<T.EmptyOutput> {
    return this.standardTasks.sendTaskSuccess(request);
  }

  async sendTaskFailure(request: SendTaskFailureInput): Promise<T.EmptyOutput> {
    return this.standardTasks.sendTaskFailure(request);
  }

  async sendTaskHeartbeat(request: SendTaskHeartbeatInput): Promise<T.EmptyOutput> {
    const answered = this.standardTasks.sendTaskHeartbeat(request);
    const beat = this.store === null ? null : this.standardTasks.tokens.heartbeatOf(request.taskToken);
    // Kept only for an execution the store would resume (parked): a restart counts HeartbeatSeconds from here.
    if (beat !== null && this.registry.executions.get(beat.executionId)?.suspension != null) {
      this.store!.heartbeats.beat(beat.executionId, request.taskToken, beat.heartbeatAt);
    }
    return answered;
  }

  // ── Tags ───────────────────────────────────────────────────────────────────────────────

  tagResource(request: T.TagResourceInput): Promise<T.EmptyOutput> {
    return this.tagOperations.tagResource(request);
  }

  untagResource(request: T.UntagResourceInput): Promise<T.EmptyOutput> {
    return this.tagOperations.untagResource(request);
  }

  listTagsForResource(request: T.ListTagsForResourceInput): Promise<T.ListTagsForResourceOutput> {
    return this.tagOperations.listTagsForResource(request);
  }

  // ── TestState ─────────────────────────────────────────────────────────────────────────

  /** One state run on its own, with its data-flow stages (test-state/); an unmocked Task runs the service's handler. */
  async testState(request: TestStateRequest): Promise<TestStateResponse> {
    return testState(request, { handlers: this.handlers, clock: this.clock, region: this.region, accountId: this.accountId });
  }

  // ── Lifetime ───────────────────────────────────────────────────────────────────────────

  /**
   * Ends every pending GetActivityTask long poll now, and has later ones answer at once,
   * with no task: an endpoint that is stopping lets its workers go instead of holding their
   * requests for 60 seconds.
   */
  releaseActivityPolls(): void {
    this.activityOperations.releaseActivityPolls();
  }

  /**
   * Stops every running execution (ABORTED) and waits until each has settled; starts nothing
   * more. With a store, executions parked on their main line stay parked in it for the next start.
   */
  async close(): Promise<void> {
    this.registry.closed = true;
    this.releaseActivityPolls();
    await this.executionOperations.close();
    this.store?.close();
  }
}

/** The operations that change what the store's catalogue holds. */
const catalogueOperations = [
  'createStateMachine',
  'updateStateMachine',
  'deleteStateMachine',
  'publishStateMachineVersion',
  'deleteStateMachineVersion',
  'createStateMachineAlias',
  'updateStateMachineAlias',
  'deleteStateMachineAlias',
  'createActivity',
  'deleteActivity',
  'tagResource',
  'untagResource',
] as const satisfies ReadonlyArray<keyof Service>;

const SERVICE_OPTIONS: readonly (keyof ServiceOptions)[] = [
  'handlers',
  'clock',
  'mocks',
  'region',
  'accountId',
  'limits',
  'history',
  'retainExecutions',
  'store',
  'integrations',
];

/** What is wrong with createService()'s options (OptionError names it), checked before anything is built. */
function serviceOptionsProblem(options: unknown): OptionProblem | null {
  const shape = optionsShapeProblem(options, SERVICE_OPTIONS);
  if (shape !== null || options === undefined) return shape;
  const o = options as Record<string, unknown>;
  return firstProblem(
    handlersProblem(o.handlers),
    clockProblem(o.clock),
    limitsProblem(o.limits),
    stringProblem(o.region, 'region'),
    stringProblem(o.accountId, 'accountId'),
    oneOfProblem(o.history, 'history', historyLevels),
    integerProblem(o.retainExecutions, 'retainExecutions', 0, Number.MAX_SAFE_INTEGER, true),
    o.store === undefined || typeof o.store === 'string' || o.store instanceof SqliteStore
      ? null
      : { option: 'store', problem: 'must be the path of an SQLite file or an open SqliteStore' },
    o.integrations === undefined || Array.isArray(o.integrations) ? null : { option: 'integrations', problem: 'must be an array of integrations' },
    mocksProblem(o.mocks),
  );
}

/** Undefined, or a mock configuration's outline (its test cases are checked when one runs, as Step Functions Local does). */
function mocksProblem(mocks: unknown): OptionProblem | null {
  if (mocks === undefined) return null;
  const outline = mocks !== null && typeof mocks === 'object' ? (mocks as Record<string, unknown>) : null;
  if (outline !== null && isObject(outline.StateMachines) && isObject(outline.MockedResponses)) return null;
  return { option: 'mocks', problem: 'must be a mock configuration: an object with StateMachines and MockedResponses objects' };
}
