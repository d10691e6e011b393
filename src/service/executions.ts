import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { compile, type CompileOptions, type Machine } from '../compile/machine.js';
import type { Handlers } from '../compile/handlers.js';
import { mockHandlers } from '../mocks/index.js';
import { realClock, type Clock } from '../run/clock.js';
import type { HistoryLevel } from '../run/history.js';
import type { Limits } from '../run/limits.js';
import type { ExecutionResult } from '../run/result.js';
import { ActivityQueue, activityPollMs } from './activities.js';
import { invalidDefinition, judgeDefinition, variableReferences } from './definitions.js';
import { standardIntegration } from './standard/integration.js';
import { StandardTasks, type SendTaskFailureInput, type SendTaskHeartbeatInput, type SendTaskSuccessInput } from './standard/tasks.js';
import { ServiceError } from './errors.js';
import type { ActivityRecord, AliasRecord, ExecutionRecord, Revision, StateMachineRecord, VersionRecord } from './records.js';
import { SqliteStore } from './store.js';
import {
  checkBoolean,
  checkEnum,
  checkLength,
  checkMaxResults,
  checkName,
  checkTags,
  missing,
  page,
  parseArn,
  parseExecutionInput,
  requireString,
  type ParsedArn,
} from './requests.js';
import type { IntegrationHost, NestedExecutionHost, ServiceIntegration } from './seam.js';
import { testState, type TestStateRequest, type TestStateResponse } from './test-state/index.js';
import type * as T from './types.js';

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

const standardExecutionMs = 365 * 24 * 3600 * 1000;
const statusValues: readonly T.ExecutionStatusName[] = ['SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE', 'ABORTED', 'FAILED', 'RUNNING'];
const typeValues: readonly T.StateMachineType[] = ['STANDARD', 'EXPRESS'];
const logLevels: readonly T.LogLevel[] = ['ALL', 'ERROR', 'FATAL', 'OFF'];
const aliasNamePattern = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;
const ownedKey: T.EncryptionConfiguration = Object.freeze({ type: 'AWS_OWNED_KEY' }) as T.EncryptionConfiguration;

/**
 * AWS Step Functions' API in-process: every method is an API operation, camelCased, async,
 * taking and returning AWS's request and response shapes; every refusal is a ServiceError
 * named after AWS's exception. Executions run compiled Machines.
 */
export class Service {
  readonly region: string;
  readonly accountId: string;
  readonly clock: Clock;
  private readonly handlers: Handlers;
  private readonly mocks: unknown;
  private readonly limits: Partial<Limits>;
  private readonly historyLevel: HistoryLevel;
  private readonly retainExecutions: number;
  private readonly integrations: readonly ServiceIntegration[];
  /** Task tokens and what waits on them (callbacks, activities, `.sync` children). */
  private readonly standardTasks: StandardTasks;
  private readonly host: IntegrationHost;
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Finished Standard executions, oldest first from `finishedHead`: the retention bound drops from the front. */
  private readonly finished: ExecutionRecord[] = [];
  private finishedHead = 0;
  /** Machines whose execution lists hold forgotten records, compacted with `finished`. */
  private readonly withForgotten = new Set<StateMachineRecord>();
  /** Executions still running (Express ones included), so close() can settle them. */
  private readonly running = new Set<ExecutionRecord>();
  /**
   * The one abort signal of every StartSyncExecution execution: nothing stops one of them
   * alone (StopExecution refuses Express ARNs), only close() stops them all, so they share
   * a controller instead of allocating one each.
   */
  private readonly syncExecutions = new AbortController();
  private readonly activities = new Map<string, ActivityRecord>();
  private readonly activityQueues = new Map<string, ActivityQueue>();
  /** Express executions started by nested-execution Tasks, oldest first, for executionEnded(). */
  private readonly nestedExpress = new Map<string, ExecutionRecord>();
  private readonly tags = new Map<string, Map<string, string>>();
  private closed = false;
  /** Set by releaseActivityPolls(): GetActivityTask answers at once. */
  private pollsReleased = false;
  private readonly store: SqliteStore | null;

  constructor(options: ServiceOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.clock = options.clock ?? realClock;
    this.handlers = options.handlers ?? {};
    this.mocks = options.mocks;
    this.limits = options.limits ?? {};
    this.historyLevel = options.history ?? 'ALL';
    this.retainExecutions = options.retainExecutions ?? 10_000;
    this.standardTasks = new StandardTasks({ clock: this.clock });
    // Standard constructs are built in; integrations the user adds come after, so theirs win.
    this.integrations = [standardIntegration(this.standardTasks), ...(options.integrations ?? [])];
    this.host = {
      service: this,
      clock: this.clock,
      region: this.region,
      accountId: this.accountId,
      activityQueue: (arn) => this.activityQueue(arn),
      nested: this.nestedExecutions(),
    };
    // Every waiting StartSyncExecution execution listens to it.
    setMaxListeners(0, this.syncExecutions.signal);
    this.store = options.store === undefined ? null : typeof options.store === 'string' ? new SqliteStore(options.store) : options.store;
    if (this.store !== null) this.restore(this.store);
  }

  /**
   * Rebuilds the records from the store, and has every operation that changes state
   * machines, activities or tags write them back once it has succeeded.
   */
  private restore(store: SqliteStore): void {
    const restored = store.load(this.retainExecutions, this.now());
    for (const machine of restored.stateMachines) this.stateMachines.set(machine.arn, machine);
    for (const activity of restored.activities) this.activities.set(activity.arn, activity);
    for (const [arn, tags] of restored.tags) this.tags.set(arn, tags);
    for (const exec of restored.executions) {
      this.executions.set(exec.executionArn, exec);
      this.finished.push(exec);
    }
    const save = () => store.saveCatalogue(this.stateMachines.values(), this.activities.values(), this.tags);
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

  private arn(kind: string, rest: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:${kind}:${rest}`;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }

  /** An ARN of this service's region and account, else undefined (nothing lives elsewhere). */
  private local(parsed: ParsedArn): boolean {
    // The service's own ARNs are all of the aws partition (see arn()).
    return parsed.partition === 'aws' && parsed.region === this.region && parsed.account === this.accountId;
  }

  // ── State machines ────────────────────────────────────────────────────────────────────

  async createStateMachine(request: T.CreateStateMachineInput): Promise<T.CreateStateMachineOutput> {
    const r = request ?? ({} as T.CreateStateMachineInput);
    const name = checkName(r.name);
    requireString(r.definition, 'definition');
    requireString(r.roleArn, 'roleArn');
    checkLength(r.roleArn, 'roleArn', 1, 256);
    const type = checkEnum(r.type, 'type', typeValues) ?? 'STANDARD';
    const publish = checkBoolean(r.publish, 'publish') ?? false;
    const versionDescription = this.versionDescription(r.versionDescription, publish);
    const loggingConfiguration = checkLogging(r.loggingConfiguration);
    const tracingConfiguration = checkTracing(r.tracingConfiguration);
    const encryptionConfiguration = checkEncryption(r.encryptionConfiguration) ?? ownedKey;
    const tags = checkTags(r.tags);
    const verdict = judgeDefinition(r.definition, type);
    if (!verdict.ok) throw invalidDefinition(verdict.diagnostics);
    const arn = this.arn('stateMachine', name);
    const existing = this.stateMachines.get(arn);
    if (existing !== undefined) {
      const rev = existing.revision;
      const same =
        existing.type === type &&
        rev.definitionText === r.definition &&
        rev.roleArn === r.roleArn &&
        sameJson(rev.loggingConfiguration, loggingConfiguration) &&
        sameJson(rev.tracingConfiguration, tracingConfiguration);
      if (!same) throw new ServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      const latest = [...existing.versions.values()].pop();
      return { stateMachineArn: arn, creationDate: existing.creationDate, ...(publish && latest !== undefined ? { stateMachineVersionArn: latest.arn } : {}) };
    }
    const creationDate = this.now();
    const machine: StateMachineRecord = {
      arn,
      name,
      type,
      creationDate,
      revision: revisionOf(r.definition, verdict.definition, r.roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration, undefined, creationDate),
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      executions: [],
    };
    this.stateMachines.set(arn, machine);
    if (tags.length > 0) this.tags.set(arn, new Map(tags.map((t) => [t.key, t.value])));
    if (!publish) return { stateMachineArn: arn, creationDate };
    const version = this.publish(machine, versionDescription);
    return { stateMachineArn: arn, creationDate, stateMachineVersionArn: version.arn };
  }

  private versionDescription(description: unknown, publish: boolean): string | undefined {
    if (description === undefined || description === null) return undefined;
    requireString(description, 'versionDescription');
    checkLength(description, 'versionDescription', 0, 256);
    if (!publish) throw new ServiceError('ValidationException', 'Version description can only be set when publish is true');
    return description;
  }

  async describeStateMachine(request: T.DescribeStateMachineInput): Promise<T.DescribeStateMachineOutput> {
    const target = this.stateMachineTarget(request?.stateMachineArn, 'stateMachineArn');
    const { machine } = target;
    if (target.version !== undefined) {
      const v = target.version;
      return {
        ...this.describeRevision(machine, v.revision, v.arn),
        creationDate: v.creationDate,
        ...(v.description !== undefined ? { description: v.description } : {}),
      };
    }
    return this.describeRevision(machine, machine.revision, target.alias?.arn ?? machine.arn);
  }

  private describeRevision(machine: StateMachineRecord, rev: Revision, arn: string): T.DescribeStateMachineOutput {
    const out: T.DescribeStateMachineOutput = {
      stateMachineArn: arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: rev.definitionText,
      roleArn: rev.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
      loggingConfiguration: rev.loggingConfiguration,
      tracingConfiguration: rev.tracingConfiguration,
      encryptionConfiguration: rev.encryptionConfiguration,
    };
    return withRevisionDetails(out, rev);
  }

  async listStateMachines(request: T.ListStateMachinesInput = {}): Promise<T.ListStateMachinesOutput> {
    const all = [...this.stateMachines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.creationDate }));
    const p = page(all, request?.maxResults, request?.nextToken, (m) => m.stateMachineArn);
    return { stateMachines: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async updateStateMachine(request: T.UpdateStateMachineInput): Promise<T.UpdateStateMachineOutput> {
    const r = request ?? ({} as T.UpdateStateMachineInput);
    const parsed = parseArn(r.stateMachineArn, 'stateMachineArn', ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.local(parsed) ? this.stateMachines.get(r.stateMachineArn) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    const publish = checkBoolean(r.publish, 'publish') ?? false;
    const versionDescription = this.versionDescription(r.versionDescription, publish);
    if (r.definition === undefined && r.roleArn === undefined && r.loggingConfiguration === undefined && r.tracingConfiguration === undefined && r.encryptionConfiguration === undefined) {
      throw new ServiceError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
    }
    const old = machine.revision;
    let definitionText = old.definitionText;
    let definition = old.definition;
    if (r.definition !== undefined) {
      requireString(r.definition, 'definition');
      const verdict = judgeDefinition(r.definition, machine.type);
      if (!verdict.ok) throw invalidDefinition(verdict.diagnostics);
      definitionText = r.definition;
      definition = verdict.definition;
    }
    let roleArn = old.roleArn;
    if (r.roleArn !== undefined) {
      requireString(r.roleArn, 'roleArn');
      checkLength(r.roleArn, 'roleArn', 1, 256);
      roleArn = r.roleArn;
    }
    const loggingConfiguration = r.loggingConfiguration !== undefined ? checkLogging(r.loggingConfiguration) : old.loggingConfiguration;
    const tracingConfiguration = r.tracingConfiguration !== undefined ? checkTracing(r.tracingConfiguration) : old.tracingConfiguration;
    const encryptionConfiguration = checkEncryption(r.encryptionConfiguration) ?? old.encryptionConfiguration;
    const changed =
      definitionText !== old.definitionText ||
      roleArn !== old.roleArn ||
      !sameJson(loggingConfiguration, old.loggingConfiguration) ||
      !sameJson(tracingConfiguration, old.tracingConfiguration) ||
      !sameJson(encryptionConfiguration, old.encryptionConfiguration);
    const updateDate = this.now();
    if (changed) {
      machine.revision = revisionOf(definitionText, definition, roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration, randomUUID(), updateDate);
    }
    const out: T.UpdateStateMachineOutput = { updateDate };
    if (machine.revision.revisionId !== undefined) out.revisionId = machine.revision.revisionId;
    if (publish) out.stateMachineVersionArn = this.publish(machine, versionDescription).arn;
    return out;
  }

  async deleteStateMachine(request: T.DeleteStateMachineInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineArn;
    const parsed = parseArn(arn, 'stateMachineArn', ['stateMachine']);
    if (parsed.parts.length > 1) {
      throw new ServiceError('ValidationException', `Invalid Arn: 'Deleting a version or an alias is not supported by DeleteStateMachine: ${arn}'`);
    }
    if (!this.stateMachines.has(arn)) return {};
    // As in AWS, executions in progress run to their end; the machine is gone at once
    // (AWS shows it DELETING until they have).
    this.stateMachines.delete(arn);
    this.tags.delete(arn);
    return {};
  }

  async validateStateMachineDefinition(request: T.ValidateStateMachineDefinitionInput): Promise<T.ValidateStateMachineDefinitionOutput> {
    const r = request ?? ({} as T.ValidateStateMachineDefinitionInput);
    requireString(r.definition, 'definition');
    checkLength(r.definition, 'definition', 1, 1_048_576);
    const type = checkEnum(r.type, 'type', typeValues) ?? 'STANDARD';
    checkEnum(r.severity, 'severity', ['ERROR', 'WARNING'] as const);
    const max = r.maxResults === undefined || r.maxResults === null || r.maxResults === 0 ? 100 : checkMaxResults(r.maxResults, 100);
    const verdict = judgeDefinition(r.definition, type);
    if (verdict.ok) return { result: 'OK', diagnostics: [], truncated: false };
    return { result: 'FAIL', diagnostics: verdict.diagnostics.slice(0, max), truncated: verdict.diagnostics.length > max };
  }

  // ── Versions and aliases ───────────────────────────────────────────────────────────────

  /** Publishes the machine's current revision; the newest version when it already holds it. */
  private publish(machine: StateMachineRecord, description: string | undefined): VersionRecord {
    const latest = [...machine.versions.values()].pop();
    if (latest !== undefined && latest.revision === machine.revision) return latest;
    const number = machine.nextVersion++;
    const version: VersionRecord = { arn: `${machine.arn}:${number}`, number, revision: machine.revision, description, creationDate: this.now() };
    machine.versions.set(number, version);
    return version;
  }

  async publishStateMachineVersion(request: T.PublishStateMachineVersionInput): Promise<T.PublishStateMachineVersionOutput> {
    const r = request ?? ({} as T.PublishStateMachineVersionInput);
    const parsed = parseArn(r.stateMachineArn, 'stateMachineArn', ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.local(parsed) ? this.stateMachines.get(r.stateMachineArn) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    if (r.description !== undefined) {
      requireString(r.description, 'description');
      checkLength(r.description, 'description', 0, 256);
    }
    if (r.revisionId !== undefined && r.revisionId !== null && r.revisionId !== (machine.revision.revisionId ?? 'INITIAL')) {
      throw new ServiceError('ConflictException', `Failed to publish the State Machine version for revision ${r.revisionId}. The current State Machine revision is ${machine.revision.revisionId ?? 'INITIAL'}.`);
    }
    const version = this.publish(machine, r.description);
    return { creationDate: version.creationDate, stateMachineVersionArn: version.arn };
  }

  async listStateMachineVersions(request: T.ListStateMachineVersionsInput): Promise<T.ListStateMachineVersionsOutput> {
    const machine = this.baseMachine(request?.stateMachineArn, 'stateMachineArn');
    const all = [...machine.versions.values()].reverse().map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate }));
    const p = page(all, request.maxResults, request.nextToken, (v) => v.stateMachineVersionArn);
    return { stateMachineVersions: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async deleteStateMachineVersion(request: T.DeleteStateMachineVersionInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineVersionArn;
    const parsed = parseArn(arn, 'stateMachineVersionArn', ['stateMachine']);
    const number = parsed.parts.length === 2 && /^\d+$/.test(parsed.parts[1]!) ? Number(parsed.parts[1]) : NaN;
    if (Number.isNaN(number)) throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine version ARN: ${arn}'`);
    const machine = this.stateMachines.get(this.arn('stateMachine', parsed.parts[0]!));
    const version = machine?.versions.get(number);
    if (machine === undefined || version === undefined) return {};
    const referencing = [...machine.aliases.values()].filter((a) => a.routing.some((route) => route.stateMachineVersionArn === version.arn));
    if (referencing.length > 0) {
      throw new ServiceError(
        'ConflictException',
        `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${referencing.map((a) => a.name).join(', ')}]`,
      );
    }
    machine.versions.delete(number);
    return {};
  }

  async createStateMachineAlias(request: T.CreateStateMachineAliasInput): Promise<T.CreateStateMachineAliasOutput> {
    const r = request ?? ({} as T.CreateStateMachineAliasInput);
    const name = checkAliasName(r.name);
    const description = checkDescription(r.description);
    const { machine, routing } = this.checkRouting(r.routingConfiguration);
    const arn = `${machine.arn}:${name}`;
    const existing = machine.aliases.get(name);
    if (existing !== undefined) {
      if (existing.description === description && sameJson(existing.routing, routing)) return { stateMachineAliasArn: arn, creationDate: existing.creationDate };
      throw new ServiceError('ConflictException', 'Failed to create alias because an alias with the same name and a different routing configuration already exists.');
    }
    const alias: AliasRecord = { arn, name, description, routing, creationDate: this.now(), updateDate: undefined };
    machine.aliases.set(name, alias);
    return { stateMachineAliasArn: arn, creationDate: alias.creationDate };
  }

  /** Routing to one or two versions of one machine, weights summing to 100. */
  private checkRouting(value: unknown): { machine: StateMachineRecord; routing: T.RoutingConfigurationListItem[] } {
    if (value === undefined || value === null) throw missing('routingConfiguration');
    if (!Array.isArray(value)) throw new ServiceError('ValidationException', "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must be a list");
    if (value.length < 1 || value.length > 2) {
      throw new ServiceError('ValidationException', `1 validation error detected: Value '${JSON.stringify(value)}' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2`);
    }
    const routing: T.RoutingConfigurationListItem[] = [];
    const parsedArns: ParsedArn[] = [];
    for (const [i, item] of (value as unknown[]).entries()) {
      const route = (item ?? {}) as { stateMachineVersionArn?: unknown; weight?: unknown };
      const parsed = parseArn(route.stateMachineVersionArn, `routingConfiguration.${i + 1}.member.stateMachineVersionArn`, ['stateMachine']);
      parsedArns.push(parsed);
      if (typeof route.weight !== 'number' || !Number.isInteger(route.weight) || route.weight < 0 || route.weight > 100) {
        throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(route.weight)}' at 'routingConfiguration.${i + 1}.member.weight' failed to satisfy constraint: Member must have value between 0 and 100`);
      }
      routing.push({ stateMachineVersionArn: route.stateMachineVersionArn as string, weight: route.weight });
    }
    const unversioned = parsedArns.filter((p) => p.parts.length !== 2 || !/^\d+$/.test(p.parts[1]!));
    if (unversioned.length > 0) {
      throw new ServiceError('ValidationException', `Routing configuration must contain state machine version ARNs. Received: [${routing.map((route) => route.stateMachineVersionArn).join(', ')}]`);
    }
    const names = new Set(parsedArns.map((p) => p.parts[0]));
    if (names.size > 1) throw new ServiceError('ValidationException', 'Routing configuration must contain versions of the same state machine.');
    if (new Set(routing.map((route) => route.stateMachineVersionArn)).size !== routing.length) {
      throw new ServiceError('ValidationException', 'Routing configuration must contain distinct state machine version ARNs.');
    }
    if (routing.reduce((sum, route) => sum + route.weight, 0) !== 100) throw new ServiceError('ValidationException', 'Sum of routing configuration weights must equal 100.');
    const machine = this.stateMachines.get(this.arn('stateMachine', parsedArns[0]!.parts[0]!));
    for (const [i, p] of parsedArns.entries()) {
      if (machine === undefined || !this.local(p) || !machine.versions.has(Number(p.parts[1]))) {
        throw new ServiceError('ResourceNotFound', `Resource not found: '${routing[i]!.stateMachineVersionArn}'`);
      }
    }
    return { machine: machine!, routing };
  }

  async describeStateMachineAlias(request: T.DescribeStateMachineAliasInput): Promise<T.DescribeStateMachineAliasOutput> {
    const alias = this.aliasOf(request?.stateMachineAliasArn);
    return {
      stateMachineAliasArn: alias.arn,
      name: alias.name,
      ...(alias.description !== undefined ? { description: alias.description } : {}),
      routingConfiguration: alias.routing,
      creationDate: alias.creationDate,
      ...(alias.updateDate !== undefined ? { updateDate: alias.updateDate } : {}),
    };
  }

  async updateStateMachineAlias(request: T.UpdateStateMachineAliasInput): Promise<T.UpdateStateMachineAliasOutput> {
    const r = request ?? ({} as T.UpdateStateMachineAliasInput);
    const alias = this.aliasOf(r.stateMachineAliasArn);
    if (r.description === undefined && r.routingConfiguration === undefined) {
      throw new ServiceError('MissingRequiredParameter', 'Either the description or the RoutingConfiguration must be specified');
    }
    const description = r.description !== undefined ? checkDescription(r.description) : alias.description;
    const routing = r.routingConfiguration !== undefined ? this.checkRouting(r.routingConfiguration).routing : alias.routing;
    alias.description = description;
    alias.routing = routing;
    alias.updateDate = this.now();
    return { updateDate: alias.updateDate };
  }

  async deleteStateMachineAlias(request: T.DeleteStateMachineAliasInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineAliasArn;
    const parsed = parseArn(arn, 'stateMachineAliasArn', ['stateMachine']);
    if (parsed.parts.length !== 2 || /^\d+$/.test(parsed.parts[1]!)) throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine alias ARN: ${arn}'`);
    this.stateMachines.get(this.arn('stateMachine', parsed.parts[0]!))?.aliases.delete(parsed.parts[1]!);
    return {};
  }

  async listStateMachineAliases(request: T.ListStateMachineAliasesInput): Promise<T.ListStateMachineAliasesOutput> {
    const maxResults = checkMaxResults(request?.maxResults);
    const arn = request?.stateMachineArn;
    // A version ARN lists the aliases that route to that version, as AWS documents.
    const version = typeof arn === 'string' && /:\d+$/.test(arn) ? this.stateMachineTarget(arn, 'stateMachineArn') : null;
    const machine = version?.machine ?? this.baseMachine(arn, 'stateMachineArn');
    const aliases = [...machine.aliases.values()].filter((a) => version === null || a.routing.some((r) => r.stateMachineVersionArn === version.version?.arn));
    const all = aliases.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.creationDate }));
    const p = page(all, maxResults, request.nextToken, (a) => a.stateMachineAliasArn);
    return { stateMachineAliases: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  private aliasOf(arn: unknown): AliasRecord {
    const parsed = parseArn(arn, 'stateMachineAliasArn', ['stateMachine']);
    if (parsed.parts.length !== 2 || /^\d+$/.test(parsed.parts[1]!)) throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine alias ARN: ${String(arn)}'`);
    const alias = this.local(parsed) ? this.stateMachines.get(this.arn('stateMachine', parsed.parts[0]!))?.aliases.get(parsed.parts[1]!) : undefined;
    if (alias === undefined) throw new ServiceError('ResourceNotFound', 'Request references a resource that does not exist.');
    return alias;
  }

  /** The unqualified machine an ARN names, or StateMachineDoesNotExist. */
  private baseMachine(arn: unknown, member: string): StateMachineRecord {
    const parsed = parseArn(arn, member, ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.local(parsed) ? this.stateMachines.get(arn as string) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  /** A machine, a version of it or an alias of it, as StartExecution and DescribeStateMachine take them. */
  private stateMachineTarget(arn: unknown, member: string): { machine: StateMachineRecord; version?: VersionRecord; alias?: AliasRecord } {
    const parsed = parseArn(arn, member, ['stateMachine']);
    const notFound = () => new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    if (!this.local(parsed) || parsed.parts.length > 2) throw notFound();
    const machine = this.stateMachines.get(this.arn('stateMachine', parsed.parts[0]!));
    if (machine === undefined) throw notFound();
    if (parsed.parts.length === 1) return { machine };
    const qualifier = parsed.parts[1]!;
    if (/^\d+$/.test(qualifier)) {
      const version = machine.versions.get(Number(qualifier));
      if (version === undefined) throw notFound();
      return { machine, version };
    }
    const alias = machine.aliases.get(qualifier);
    if (alias === undefined) throw notFound();
    return { machine, alias };
  }

  // ── Executions ─────────────────────────────────────────────────────────────────────────

  async startExecution(request: T.StartExecutionInput): Promise<T.StartExecutionOutput> {
    const r = request ?? ({} as T.StartExecutionInput);
    const { target, testCase } = this.splitTestCase(r.stateMachineArn);
    const resolved = this.stateMachineTarget(target, 'stateMachineArn');
    const name = r.name === undefined || r.name === null ? randomUUID() : checkName(r.name);
    const input = parseExecutionInput(r.input);
    const traceHeader = checkTraceHeader(r.traceHeader);
    this.refuseWhenClosed();
    const { machine } = resolved;
    if (machine.type === 'STANDARD') {
      const executionArn = this.arn('execution', `${machine.name}:${name}`);
      const existing = this.executions.get(executionArn);
      if (existing !== undefined) {
        if (existing.status === 'RUNNING' && existing.inputText === input.text) return { executionArn, startDate: existing.startDate };
        throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
    }
    const exec = this.begin(resolved, name, input, traceHeader, testCase);
    return { executionArn: exec.executionArn, startDate: exec.startDate };
  }

  async startSyncExecution(request: T.StartSyncExecutionInput): Promise<T.StartSyncExecutionOutput> {
    const r = request ?? ({} as T.StartSyncExecutionInput);
    const { target, testCase } = this.splitTestCase(r.stateMachineArn);
    const resolved = this.stateMachineTarget(target, 'stateMachineArn');
    const name = r.name === undefined || r.name === null ? randomUUID() : checkName(r.name);
    const input = parseExecutionInput(r.input);
    const traceHeader = checkTraceHeader(r.traceHeader);
    const includedData = checkEnum(r.includedData, 'includedData', ['ALL_DATA', 'METADATA_ONLY'] as const) ?? 'ALL_DATA';
    if (resolved.machine.type !== 'EXPRESS') throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    this.refuseWhenClosed();
    const exec = this.begin(resolved, name, input, traceHeader, testCase, this.syncExecutions);
    // Most Express executions end within begin(): then there is nothing to wait for.
    if (exec.status === 'RUNNING') await exec.done;
    const included = includedData === 'ALL_DATA';
    const out: T.StartSyncExecutionOutput = {
      executionArn: exec.executionArn,
      stateMachineArn: resolved.version?.arn ?? resolved.alias?.arn ?? resolved.machine.arn,
      name: exec.name,
      startDate: exec.startDate,
      stopDate: exec.stopDate!,
      status: exec.status as T.StartSyncExecutionOutput['status'],
    };
    if (exec.error !== undefined) out.error = exec.error;
    if (exec.cause !== undefined) out.cause = exec.cause;
    if (included) out.input = exec.inputText;
    out.inputDetails = { included };
    if (exec.outputText !== undefined && included) out.output = exec.outputText;
    if (exec.status === 'SUCCEEDED') out.outputDetails = { included };
    if (traceHeader !== undefined) out.traceHeader = traceHeader;
    const durationMs = exec.stopDate!.getTime() - exec.startDate.getTime();
    out.billingDetails = { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil(durationMs / 100) * 100) };
    return out;
  }

  /** `arn#TestCase` selects a mock test case when the service has a mock configuration. */
  private splitTestCase(arn: unknown): { target: unknown; testCase: string } {
    if (this.mocks === undefined || typeof arn !== 'string') return { target: arn, testCase: '' };
    const hash = arn.indexOf('#');
    return hash < 0 ? { target: arn, testCase: '' } : { target: arn.slice(0, hash), testCase: arn.slice(hash + 1) };
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new ServiceError('ValidationException', 'The service is closed: it starts no more executions.');
  }

  /** Picks the version an alias routes this execution to, by its weights. */
  private route(alias: AliasRecord, machine: StateMachineRecord): VersionRecord {
    let draw = Math.random() * 100;
    for (const route of alias.routing) {
      draw -= route.weight;
      if (draw < 0 || route === alias.routing[alias.routing.length - 1]) {
        const version = machine.versions.get(Number(route.stateMachineVersionArn.slice(route.stateMachineVersionArn.lastIndexOf(':') + 1)));
        if (version !== undefined) return version;
      }
    }
    throw new ServiceError('ResourceNotFound', `Resource not found: '${alias.arn}'`);
  }

  /**
   * Starts one execution: compiles (once per revision and test case) and runs it. An
   * execution whose definition cannot compile (a Task without a handler) fails at once with
   * States.Runtime and the reason, as an AWS execution fails on a missing function.
   */
  private begin(
    target: { machine: StateMachineRecord; version?: VersionRecord; alias?: AliasRecord },
    name: string,
    input: { text: string; value: unknown },
    traceHeader: string | undefined,
    testCase: string,
    controller: AbortController = new AbortController(),
  ): ExecutionRecord {
    const { machine, alias } = target;
    const version = target.version ?? (alias !== undefined ? this.route(alias, machine) : undefined);
    const revision = version?.revision ?? machine.revision;
    const standard = machine.type === 'STANDARD';
    const expressId = standard ? undefined : randomUUID();
    const executionArn = standard ? this.arn('execution', `${machine.name}:${name}`) : this.arn('express', `${machine.name}:${name}:${expressId}`);
    const startDate = this.now();
    const exec: ExecutionRecord = {
      executionArn,
      name,
      machine,
      revision,
      versionArn: version?.arn,
      aliasArn: alias?.arn,
      inputText: input.text,
      traceHeader,
      startDate,
      controller,
      status: 'RUNNING',
      stopDate: undefined,
      outputText: undefined,
      error: undefined,
      cause: undefined,
      events: null,
      liveEvents: null,
      stopRequest: null,
      done: Promise.resolve(),
    };
    if (standard) {
      this.executions.set(executionArn, exec);
      machine.executions.push(exec);
    }
    this.running.add(exec);
    let compiled: Machine;
    try {
      compiled = this.compiled(machine, revision, testCase);
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      if (thrown instanceof ServiceError) {
        this.forget(exec);
        throw thrown;
      }
      this.settle(exec, null, 'States.Runtime', message);
      return exec;
    }
    // The input's text bounds its size: the machine need not walk the value to check the payload limit.
    const result = compiled.run(
      input.value,
      standard
        ? {
            name,
            inputText: input.text,
            signal: exec.controller.signal,
            onHistory: (events) => {
              exec.liveEvents = events as readonly T.HistoryEventShape[];
            },
          }
        : { name, executionId: expressId, inputText: input.text, signal: exec.controller.signal },
    );
    if (result instanceof Promise) {
      // Still running (waiting, or a handler is): the store learns of it now. One that ended
      // at once is written once, when it is settled.
      if (standard) this.store?.executionStarted(exec);
      exec.done = result.then((settled) => this.settle(exec, settled));
    } else this.settle(exec, result);
    return exec;
  }

  /** Undoes begin() for a refused start: nothing is left half-created. */
  private forget(exec: ExecutionRecord): void {
    this.running.delete(exec);
    if (this.executions.get(exec.executionArn) === exec) {
      this.executions.delete(exec.executionArn);
      const list = exec.machine.executions;
      list.splice(list.indexOf(exec), 1);
    }
  }

  /**
   * The compiled machine of a revision (and mock test case), compiled on first use: the
   * integrations' handlers under the user's (or the mock test case's), and their compile
   * options over the service's.
   */
  private compiled(machine: StateMachineRecord, revision: Revision, testCase: string): Machine {
    const cached = revision.machines.get(testCase);
    if (cached !== undefined) return cached;
    const integrated = { stateMachineArn: machine.arn, name: machine.name, type: machine.type, definition: revision.definition, roleArn: revision.roleArn };
    let handlers: Handlers = this.handlers;
    for (const integration of this.integrations) {
      if (integration.handlers !== undefined) handlers = { ...integration.handlers(integrated, this.host), ...handlers };
    }
    if (testCase !== '') {
      try {
        handlers = mockHandlers(revision.definition, this.mocks, { testCase, stateMachine: machine.name, handlers });
      } catch (thrown) {
        if (thrown instanceof Error && thrown.name === 'MockConfigError') throw new ServiceError('ValidationException', thrown.message);
        throw thrown;
      }
    }
    const standard = machine.type === 'STANDARD';
    let options: CompileOptions = {
      handlers,
      clock: this.clock,
      limits: { ...(standard ? { executionMs: standardExecutionMs } : {}), ...this.limits },
      stateMachineName: machine.name,
      region: this.region,
      accountId: this.accountId,
      roleArn: revision.roleArn,
      workflowType: machine.type,
      history: standard ? this.historyLevel : 'OFF',
    };
    for (const integration of this.integrations) {
      if (integration.compileOptions !== undefined) options = { ...options, ...integration.compileOptions(integrated, this.host) };
    }
    const compiled = compile(revision.definition, options);
    revision.machines.set(testCase, compiled);
    return compiled;
  }

  /** Records how an execution ended (`result` null: it could not start). */
  private settle(exec: ExecutionRecord, result: ExecutionResult | null, error?: string, cause?: string): void {
    this.running.delete(exec);
    if (result === null) {
      exec.status = 'FAILED';
      exec.stopDate = this.now();
      exec.error = error;
      exec.cause = cause;
      exec.events = [
        startedEvent(exec),
        { id: 2, previousEventId: 0, timestamp: exec.stopDate, type: 'ExecutionFailed', executionFailedEventDetails: errorDetails(error, cause) },
      ];
    } else {
      exec.status = result.status;
      exec.stopDate = result.stopDate;
      exec.error = result.error ?? undefined;
      exec.cause = result.cause ?? undefined;
      // The recorder's array is the execution's own, and no longer grows: kept as it is.
      exec.events = (result.history ?? []) as unknown as T.HistoryEventShape[];
      exec.liveEvents = null;
      if (result.status === 'SUCCEEDED') this.recordOutput(exec, result.output);
      if (result.status === 'ABORTED') this.recordStop(exec);
    }
    if (exec.machine.type === 'STANDARD') this.retain(exec);
  }

  /**
   * The output as JSON text. A value too deep to write (built up state by state: inputs are
   * refused past 1,000 levels) fails the execution instead, its last event included.
   */
  private recordOutput(exec: ExecutionRecord, output: unknown): void {
    try {
      exec.outputText = JSON.stringify(output) ?? 'null';
      return;
    } catch (thrown) {
      exec.status = 'FAILED';
      exec.error = 'States.Runtime';
      exec.cause = `The execution output could not be written as JSON: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
    }
    const events = exec.events!;
    const last = events[events.length - 1];
    if (last !== undefined && last.type === 'ExecutionSucceeded') {
      events[events.length - 1] = { id: last.id, previousEventId: last.previousEventId, timestamp: last.timestamp, type: 'ExecutionFailed', executionFailedEventDetails: errorDetails(exec.error, exec.cause) };
    }
  }

  /** AWS shows a stopped execution's error and cause as StopExecution gave them, and links the event to none. */
  private recordStop(exec: ExecutionRecord): void {
    const stop = exec.stopRequest;
    exec.error = stop?.error;
    exec.cause = stop?.cause;
    const events = exec.events!;
    const last = events[events.length - 1];
    if (last !== undefined && last.type === 'ExecutionAborted') {
      events[events.length - 1] = { ...last, previousEventId: 0, executionAbortedEventDetails: errorDetails(exec.error, exec.cause) };
    }
  }

  /**
   * Keeps a finished Standard execution, forgetting the oldest past the bound. Forgetting
   * costs O(1): `finished` advances a head index, and a forgotten record stays in its
   * machine's list, marked, until both are compacted in one pass once half is dead.
   */
  private retain(exec: ExecutionRecord): void {
    this.finished.push(exec);
    let forgotten: ExecutionRecord[] | null = null;
    while (this.finished.length - this.finishedHead > this.retainExecutions) {
      const old = this.finished[this.finishedHead]!;
      this.finished[this.finishedHead++] = undefined as never;
      old.forgotten = true;
      if (this.executions.get(old.executionArn) === old) this.executions.delete(old.executionArn);
      this.withForgotten.add(old.machine);
      if (this.store !== null) (forgotten ??= []).push(old);
    }
    // One transaction: the ended execution in, the ones the bound drops out.
    this.store?.executionEnded(exec, forgotten);
    if (this.finishedHead >= 1024 && this.finishedHead * 2 >= this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
      for (const machine of this.withForgotten) {
        const kept = machine.executions.filter((e) => e.forgotten !== true);
        machine.executions.length = 0;
        machine.executions.push(...kept);
      }
      this.withForgotten.clear();
    }
  }

  /** A Standard execution by ARN; Express ARNs are refused as AWS refuses them. */
  private execution(arn: unknown, member = 'executionArn'): ExecutionRecord {
    const parsed = parseArn(arn, member, ['execution', 'express']);
    if (parsed.kind === 'express') throw new ServiceError('InvalidArn', "Invalid Arn: 'Resource type not valid in this context: express'");
    const exec = this.executions.get(arn as string);
    if (exec === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return exec;
  }

  async describeExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    const exec = this.execution(request?.executionArn);
    const includedData = checkEnum(request.includedData, 'includedData', ['ALL_DATA', 'METADATA_ONLY'] as const) ?? 'ALL_DATA';
    return described(exec, includedData === 'ALL_DATA');
  }

  async describeStateMachineForExecution(request: T.DescribeStateMachineForExecutionInput): Promise<T.DescribeStateMachineForExecutionOutput> {
    const exec = this.execution(request?.executionArn);
    const rev = exec.revision;
    const out: T.DescribeStateMachineForExecutionOutput = {
      stateMachineArn: exec.machine.arn,
      name: exec.machine.name,
      definition: rev.definitionText,
      roleArn: rev.roleArn,
      updateDate: rev.updateDate,
      loggingConfiguration: rev.loggingConfiguration,
      tracingConfiguration: rev.tracingConfiguration,
      encryptionConfiguration: rev.encryptionConfiguration,
    };
    return withRevisionDetails(out, rev);
  }

  async listExecutions(request: T.ListExecutionsInput = {}): Promise<T.ListExecutionsOutput> {
    const r = request ?? {};
    const statusFilter = checkEnum(r.statusFilter, 'statusFilter', statusValues);
    checkEnum(r.redriveFilter, 'redriveFilter', ['REDRIVEN', 'NOT_REDRIVEN'] as const);
    if (r.mapRunArn !== undefined && r.mapRunArn !== null) {
      parseArn(r.mapRunArn, 'mapRunArn', ['mapRun']);
      throw new ServiceError('ResourceNotFound', `Resource not found: '${r.mapRunArn}'`);
    }
    if (r.stateMachineArn === undefined || r.stateMachineArn === null) throw new ServiceError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
    const target = this.stateMachineTarget(r.stateMachineArn, 'stateMachineArn');
    if (target.machine.type === 'EXPRESS') throw new ServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    const qualifier = target.version?.arn ?? target.alias?.arn;
    const matching = target.machine.executions.filter(
      (e) => e.forgotten !== true && (statusFilter === undefined || e.status === statusFilter) && (qualifier === undefined || e.versionArn === qualifier || e.aliasArn === qualifier),
    );
    const items = matching.reverse().map((e) => {
      const item: T.ExecutionListItem = { executionArn: e.executionArn, stateMachineArn: e.machine.arn, name: e.name, status: e.status, startDate: e.startDate };
      if (e.stopDate !== undefined) item.stopDate = e.stopDate;
      if (e.versionArn !== undefined) item.stateMachineVersionArn = e.versionArn;
      if (e.aliasArn !== undefined) item.stateMachineAliasArn = e.aliasArn;
      item.redriveCount = 0;
      return item;
    });
    const p = page(items, r.maxResults, r.nextToken, (e) => e.executionArn);
    return { executions: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  /**
   * Not an AWS operation: resolves, once the Standard execution has ended, with what
   * DescribeExecution then answers (instead of polling it).
   */
  async waitForExecution(request: T.DescribeExecutionInput): Promise<T.DescribeExecutionOutput> {
    const exec = this.execution(request?.executionArn);
    await exec.done;
    return this.describeExecution(request);
  }

  /**
   * Executions as a nested-execution Task needs them (`states:startExecution`, `.sync`,
   * `.sync:2`): start one, learn when it ended, stop it. Standard and Express children
   * alike: Express ones started here stay reachable by ARN (up to the retention bound),
   * though the API does not show them.
   */
  nestedExecutions(): NestedExecutionHost {
    return {
      startExecution: async (request) => {
        const { target, testCase } = this.splitTestCase(request.stateMachineArn);
        const resolved = this.stateMachineTarget(target, 'stateMachineArn');
        const name = request.name === undefined ? randomUUID() : checkName(request.name);
        const input = parseExecutionInput(request.input);
        this.refuseWhenClosed();
        const executionArn = this.arn('execution', `${resolved.machine.name}:${name}`);
        if (resolved.machine.type === 'STANDARD' && this.executions.has(executionArn)) {
          throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
        }
        const exec = this.begin(resolved, name, input, undefined, testCase);
        if (resolved.machine.type === 'EXPRESS') this.rememberNestedExpress(exec);
        return { executionArn: exec.executionArn, startDate: exec.startDate };
      },
      executionEnded: async (executionArn) => {
        const exec = this.executions.get(executionArn) ?? this.nestedExpress.get(executionArn);
        if (exec === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
        await exec.done;
        return described(exec, true);
      },
      stopExecution: (executionArn, error, cause) => {
        const exec = this.executions.get(executionArn) ?? this.nestedExpress.get(executionArn);
        if (exec === undefined || exec.status !== 'RUNNING') return;
        exec.stopRequest = { error, cause };
        exec.controller.abort(new Error(cause));
      },
      startSyncExecution: async (request) => {
        const answer = await this.startSyncExecution({ stateMachineArn: request.stateMachineArn, name: request.name, input: request.input });
        const { billingDetails: _billing, inputDetails: _in, outputDetails: _out, ...ended } = answer;
        return { ...ended, stateMachineArn: answer.stateMachineArn ?? request.stateMachineArn, name: answer.name ?? '' };
      },
    };
  }

  private rememberNestedExpress(exec: ExecutionRecord): void {
    this.nestedExpress.set(exec.executionArn, exec);
    if (this.nestedExpress.size > this.retainExecutions) this.nestedExpress.delete(this.nestedExpress.keys().next().value!);
  }

  async stopExecution(request: T.StopExecutionInput): Promise<T.StopExecutionOutput> {
    const r = request ?? ({} as T.StopExecutionInput);
    const exec = this.execution(r.executionArn);
    if (r.error !== undefined && r.error !== null) {
      requireString(r.error, 'error');
      checkLength(r.error, 'error', 0, 256);
    }
    if (r.cause !== undefined && r.cause !== null) {
      requireString(r.cause, 'cause');
      checkLength(r.cause, 'cause', 0, 32768);
    }
    if (exec.status !== 'RUNNING') return { stopDate: exec.stopDate! };
    exec.stopRequest = { error: r.error ?? undefined, cause: r.cause ?? undefined };
    exec.controller.abort(new Error(r.cause ?? 'The execution was stopped.'));
    await exec.done;
    return { stopDate: exec.stopDate! };
  }

  async getExecutionHistory(request: T.GetExecutionHistoryInput): Promise<T.GetExecutionHistoryOutput> {
    const r = request ?? ({} as T.GetExecutionHistoryInput);
    const exec = this.execution(r.executionArn);
    const reverse = checkBoolean(r.reverseOrder, 'reverseOrder') ?? false;
    const includeData = checkBoolean(r.includeExecutionData, 'includeExecutionData') ?? true;
    // With the `history` option OFF nothing is recorded, and the history is empty.
    let events = exec.events ?? (exec.liveEvents !== null ? exec.liveEvents.slice() : []);
    if (exec.versionArn !== undefined && events.length > 0 && events[0]!.type === 'ExecutionStarted') events = [startedThrough(events[0]!, exec), ...events.slice(1)];
    if (reverse) events = [...events].reverse();
    if (!includeData) events = events.map(withoutData);
    const p = page(events, r.maxResults, r.nextToken, (e) => String(e.id));
    return { events: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async redriveExecution(request: T.RedriveExecutionInput): Promise<T.RedriveExecutionOutput> {
    const exec = this.execution(request?.executionArn);
    throw new ServiceError('ExecutionNotRedrivable', `Execution is ${exec.status} and cannot be redriven: statemill does not redrive executions ('${exec.executionArn}')`);
  }

  // ── Map runs: statemill runs no Distributed Map as a separate map run yet ───────────────

  async describeMapRun(request: T.DescribeMapRunInput): Promise<never> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }

  async listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    this.execution(request?.executionArn);
    checkMaxResults(request.maxResults);
    return { mapRuns: [] };
  }

  async updateMapRun(request: T.UpdateMapRunInput): Promise<T.EmptyOutput> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }

  // ── Activities (the registry; workers' GetActivityTask/SendTask* run on it) ─────────────

  async createActivity(request: T.CreateActivityInput): Promise<T.CreateActivityOutput> {
    const name = checkName(request?.name);
    const tags = checkTags(request.tags);
    checkEncryption(request.encryptionConfiguration);
    const arn = this.arn('activity', name);
    const existing = this.activities.get(arn);
    if (existing !== undefined) return { activityArn: arn, creationDate: existing.creationDate };
    const activity: ActivityRecord = { arn, name, creationDate: this.now() };
    this.activities.set(arn, activity);
    if (tags.length > 0) this.tags.set(arn, new Map(tags.map((t) => [t.key, t.value])));
    return { activityArn: arn, creationDate: activity.creationDate };
  }

  /** The activity an ARN names, or ActivityDoesNotExist. */
  activity(arn: unknown): ActivityRecord {
    parseArn(arn, 'activityArn', ['activity']);
    const activity = this.activities.get(arn as string);
    if (activity === undefined) throw new ServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${String(arn)}'`);
    return activity;
  }

  /**
   * The queue of an existing activity's tasks (created on first use): an execution that
   * reaches a Task whose Resource is this activity schedules its task here.
   */
  activityQueue(arn: unknown): ActivityQueue {
    const activity = this.activity(arn);
    let queue = this.activityQueues.get(activity.arn);
    if (queue === undefined) {
      queue = new ActivityQueue();
      this.activityQueues.set(activity.arn, queue);
    }
    return queue;
  }

  /** A worker's long poll: the next task of the activity, or `{}` after 60 seconds without one. */
  async getActivityTask(request: T.GetActivityTaskInput): Promise<T.GetActivityTaskOutput> {
    const r = request ?? ({} as T.GetActivityTaskInput);
    if (r.workerName !== undefined && r.workerName !== null) {
      requireString(r.workerName, 'workerName');
      checkLength(r.workerName, 'workerName', 1, 80);
    }
    const queue = this.activityQueue(r.activityArn);
    if (this.closed || this.pollsReleased) return {};
    const task = await queue.take(this.clock, activityPollMs);
    if (task === null) return {};
    for (const integration of this.integrations) integration.activityTaken?.(task.taskToken, r.workerName ?? undefined);
    return { taskToken: task.taskToken, input: task.input };
  }

  // ── Task tokens (callbacks and activities) ──────────────────────────────────────────────

  async sendTaskSuccess(request: SendTaskSuccessInput): Promise<T.EmptyOutput> {
    return this.standardTasks.sendTaskSuccess(request);
  }

  async sendTaskFailure(request: SendTaskFailureInput): Promise<T.EmptyOutput> {
    return this.standardTasks.sendTaskFailure(request);
  }

  async sendTaskHeartbeat(request: SendTaskHeartbeatInput): Promise<T.EmptyOutput> {
    return this.standardTasks.sendTaskHeartbeat(request);
  }

  async describeActivity(request: T.DescribeActivityInput): Promise<T.DescribeActivityOutput> {
    const activity = this.activity(request?.activityArn);
    return { activityArn: activity.arn, name: activity.name, creationDate: activity.creationDate, encryptionConfiguration: ownedKey };
  }

  async listActivities(request: T.ListActivitiesInput = {}): Promise<T.ListActivitiesOutput> {
    const all = [...this.activities.values()].map((a) => ({ activityArn: a.arn, name: a.name, creationDate: a.creationDate }));
    const p = page(all, request?.maxResults, request?.nextToken, (a) => a.activityArn);
    return { activities: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async deleteActivity(request: T.DeleteActivityInput): Promise<T.EmptyOutput> {
    parseArn(request?.activityArn, 'activityArn', ['activity']);
    this.activities.delete(request.activityArn);
    this.activityQueues.get(request.activityArn)?.release();
    this.activityQueues.delete(request.activityArn);
    this.tags.delete(request.activityArn);
    return {};
  }

  // ── Tags ───────────────────────────────────────────────────────────────────────────────

  /** The tag map of an existing state machine or activity, or ResourceNotFound. */
  private tagsOf(arn: unknown): Map<string, string> {
    const parsed = parseArn(arn, 'resourceArn', ['stateMachine', 'activity']);
    const exists = parsed.kind === 'activity' ? this.activities.has(arn as string) : parsed.parts.length === 1 && this.stateMachines.has(arn as string);
    if (!exists) throw new ServiceError('ResourceNotFound', `Resource not found: '${String(arn)}'`);
    let tags = this.tags.get(arn as string);
    if (tags === undefined) {
      tags = new Map();
      this.tags.set(arn as string, tags);
    }
    return tags;
  }

  async tagResource(request: T.TagResourceInput): Promise<T.EmptyOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    const added = checkTags(request.tags ?? missingTags());
    const keys = new Set([...tags.keys(), ...added.map((t) => t.key)]);
    if (keys.size > 50) throw new ServiceError('TooManyTags', `Too many tags: a resource can have at most 50 ('${request.resourceArn}')`);
    for (const t of added) tags.set(t.key, t.value);
    return {};
  }

  async untagResource(request: T.UntagResourceInput): Promise<T.EmptyOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    if (!Array.isArray(request.tagKeys)) throw missing('tagKeys');
    for (const key of request.tagKeys) tags.delete(key);
    return {};
  }

  async listTagsForResource(request: T.ListTagsForResourceInput): Promise<T.ListTagsForResourceOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    return { tags: [...tags].map(([key, value]) => ({ key, value })) };
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
    this.pollsReleased = true;
    for (const queue of this.activityQueues.values()) queue.release();
  }

  /** Stops every running execution (ABORTED) and waits until each has settled; starts nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    this.releaseActivityPolls();
    const pending = [...this.running];
    for (const exec of pending) exec.controller.abort(new Error('The service was closed.'));
    await Promise.all(pending.map((e) => e.done));
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

/** DescribeExecution's answer for an execution record. */
function described(exec: ExecutionRecord, included: boolean): T.DescribeExecutionOutput & { name: string } {
  const out: T.DescribeExecutionOutput & { name: string } = {
    executionArn: exec.executionArn,
    stateMachineArn: exec.machine.arn,
    name: exec.name,
    status: exec.status,
    startDate: exec.startDate,
  };
  if (exec.stopDate !== undefined) out.stopDate = exec.stopDate;
  if (included) out.input = exec.inputText;
  out.inputDetails = { included };
  if (exec.outputText !== undefined) {
    if (included) out.output = exec.outputText;
    out.outputDetails = { included };
  }
  if (exec.error !== undefined) out.error = exec.error;
  if (exec.cause !== undefined) out.cause = exec.cause;
  if (exec.traceHeader !== undefined) out.traceHeader = exec.traceHeader;
  if (exec.versionArn !== undefined) out.stateMachineVersionArn = exec.versionArn;
  if (exec.aliasArn !== undefined) out.stateMachineAliasArn = exec.aliasArn;
  out.redriveCount = 0;
  out.redriveStatus = 'NOT_REDRIVABLE';
  out.redriveStatusReason = exec.status === 'RUNNING' || exec.status === 'SUCCEEDED' ? `Execution is ${exec.status} and cannot be redriven` : 'statemill does not redrive executions';
  return out;
}

function startedEvent(exec: ExecutionRecord): T.HistoryEventShape {
  return {
    id: 1,
    previousEventId: 0,
    timestamp: exec.startDate,
    type: 'ExecutionStarted',
    executionStartedEventDetails: { input: exec.inputText, inputDetails: { truncated: false }, roleArn: exec.revision.roleArn },
  };
}

/** ExecutionStarted of an execution started through a version or alias: AWS names them in its details. */
function startedThrough(event: T.HistoryEventShape, exec: ExecutionRecord): T.HistoryEventShape {
  const details = { ...(event.executionStartedEventDetails as Record<string, unknown>) };
  if (exec.aliasArn !== undefined) details.stateMachineAliasArn = exec.aliasArn;
  details.stateMachineVersionArn = exec.versionArn;
  return { ...event, executionStartedEventDetails: details };
}

function errorDetails(error: string | undefined, cause: string | undefined): Record<string, string> {
  const details: Record<string, string> = {};
  if (error !== undefined) details.error = error;
  if (cause !== undefined) details.cause = cause;
  return details;
}

/** An event without its payloads (GetExecutionHistory's includeExecutionData: false). */
function withoutData(event: T.HistoryEventShape): T.HistoryEventShape {
  const out: T.HistoryEventShape = { ...event };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
    const details = { ...(value as Record<string, unknown>) };
    delete details.input;
    delete details.output;
    out[key] = details;
  }
  return out;
}

function revisionOf(
  definitionText: string,
  definition: Record<string, unknown>,
  roleArn: string,
  loggingConfiguration: T.LoggingConfiguration,
  tracingConfiguration: T.TracingConfiguration,
  encryptionConfiguration: T.EncryptionConfiguration,
  revisionId: string | undefined,
  updateDate: Date,
): Revision {
  return { definitionText, definition, roleArn, loggingConfiguration, tracingConfiguration, encryptionConfiguration, revisionId, updateDate, machines: new Map() };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function missingTags(): never {
  throw missing('tags');
}

/** Logging as AWS stores it: level OFF and no execution data unless given; a level other than OFF needs one destination. */
function checkLogging(value: unknown): T.LoggingConfiguration {
  if (value === undefined || value === null) return { level: 'OFF', includeExecutionData: false };
  if (typeof value !== 'object') throw new ServiceError('ValidationException', "1 validation error detected: Value at 'loggingConfiguration' failed to satisfy constraint: Member must be a structure");
  const v = value as T.LoggingConfiguration;
  const level = checkEnum(v.level, 'loggingConfiguration.level', logLevels) ?? 'OFF';
  const includeExecutionData = checkBoolean(v.includeExecutionData, 'loggingConfiguration.includeExecutionData') ?? false;
  const destinations = v.destinations ?? [];
  if (!Array.isArray(destinations)) throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  if (level !== 'OFF' && destinations.length !== 1) throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  if (destinations.length > 1) throw new ServiceError('InvalidLoggingConfiguration', 'Invalid Logging Configuration: Must specify exactly one Log Destination.');
  for (const d of destinations) {
    const arn = d?.cloudWatchLogsLogGroup?.logGroupArn;
    if (typeof arn !== 'string' || !/^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:.+:\*$/.test(arn)) {
      throw new ServiceError('InvalidLoggingConfiguration', `Invalid Logging Configuration: Log Destination not a valid CloudWatch Logs log group ARN: ${String(arn)}`);
    }
  }
  const out: T.LoggingConfiguration = { level, includeExecutionData };
  if (destinations.length > 0) out.destinations = destinations;
  return out;
}

/**
 * Encryption as AWS takes it. statemill holds no keys: a customer managed key is recorded
 * and shown, not used.
 */
function checkEncryption(value: unknown): T.EncryptionConfiguration | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new ServiceError('ValidationException', "1 validation error detected: Value at 'encryptionConfiguration' failed to satisfy constraint: Member must be a structure");
  const v = value as T.EncryptionConfiguration;
  const type = checkEnum(v.type, 'encryptionConfiguration.type', ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'] as const);
  if (type === undefined) throw missing('encryptionConfiguration.type');
  if (type === 'AWS_OWNED_KEY') {
    if (v.kmsKeyId !== undefined || v.kmsDataKeyReusePeriodSeconds !== undefined) {
      throw new ServiceError('InvalidEncryptionConfiguration', 'Invalid Encryption Configuration: kmsKeyId and kmsDataKeyReusePeriodSeconds are not allowed with AWS_OWNED_KEY.');
    }
    return { type };
  }
  if (typeof v.kmsKeyId !== 'string' || v.kmsKeyId.length === 0) throw new ServiceError('InvalidEncryptionConfiguration', 'Invalid Encryption Configuration: kmsKeyId is required with CUSTOMER_MANAGED_KMS_KEY.');
  const period = v.kmsDataKeyReusePeriodSeconds ?? 300;
  if (typeof period !== 'number' || !Number.isInteger(period) || period < 60 || period > 900) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(period)}' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value between 60 and 900`);
  }
  return { type, kmsKeyId: v.kmsKeyId, kmsDataKeyReusePeriodSeconds: period };
}

function checkTracing(value: unknown): T.TracingConfiguration {
  if (value === undefined || value === null) return { enabled: false };
  if (typeof value !== 'object') throw new ServiceError('InvalidTracingConfiguration', 'Invalid Tracing Configuration: must be an object with a boolean "enabled"');
  const enabled = (value as T.TracingConfiguration).enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new ServiceError('InvalidTracingConfiguration', 'Invalid Tracing Configuration: "enabled" must be a boolean');
  return { enabled: enabled ?? false };
}

function checkAliasName(name: unknown): string {
  requireString(name, 'name');
  checkLength(name, 'name', 1, 80);
  if (!aliasNamePattern.test(name)) {
    throw new ServiceError('ValidationException', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$`);
  }
  return name;
}

function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  requireString(value, 'description');
  checkLength(value, 'description', 0, 256);
  return value;
}

function checkTraceHeader(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  requireString(value, 'traceHeader');
  checkLength(value, 'traceHeader', 0, 256);
  return value;
}

/** What a described revision adds when it has it: its revisionId, and the variables its states reference. */
function withRevisionDetails<Out extends { revisionId?: string; variableReferences?: ReturnType<typeof variableReferences> }>(out: Out, rev: Revision): Out {
  if (rev.revisionId !== undefined) out.revisionId = rev.revisionId;
  const references = variableReferences(rev.definition);
  if (references !== undefined) out.variableReferences = references;
  return out;
}
