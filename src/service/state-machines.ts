import { randomUUID } from 'node:crypto';
import { checkEncryption, checkLogging, checkTracing, ownedKey, revisionOf, sameJson, withRevisionDetails } from './configurations.js';
import { invalidDefinition, judgeDefinition } from './definitions.js';
import { ServiceError } from './errors.js';
import type { Revision, StateMachineRecord } from './records.js';
import type { Registry } from './registry.js';
import { checkBoolean, checkEnum, checkRoleArn, checkMaxResults, checkName, checkTags, page, pageRequest, parseArn, requireString } from './requests.js';
import type * as T from './types.js';
import type { Versions } from './versions.js';

const typeValues: readonly T.StateMachineType[] = ['STANDARD', 'EXPRESS'];

/** The state machine operations: create, describe, list, update, delete, validate. */
export class StateMachines {
  constructor(
    private readonly registry: Registry,
    private readonly versions: Versions,
  ) {}

  async createStateMachine(request: T.CreateStateMachineInput): Promise<T.CreateStateMachineOutput> {
    const r = request ?? ({} as T.CreateStateMachineInput);
    const name = checkName(r.name);
    requireString(r.definition, 'definition', true);
    checkRoleArn(r.roleArn);
    const type = checkEnum(r.type, 'type', typeValues) ?? 'STANDARD';
    const publish = checkBoolean(r.publish, 'publish') ?? false;
    const versionDescription = this.versionDescription(r.versionDescription, publish);
    const loggingConfiguration = checkLogging(r.loggingConfiguration);
    const tracingConfiguration = checkTracing(r.tracingConfiguration);
    const encryptionConfiguration = checkEncryption(r.encryptionConfiguration) ?? ownedKey;
    const tags = checkTags(r.tags);
    const verdict = judgeDefinition(r.definition, type);
    if (!verdict.ok) throw invalidDefinition(verdict.diagnostics);
    const arn = this.registry.arn('stateMachine', name);
    const existing = this.registry.stateMachines.get(arn);
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
    const creationDate = this.registry.now();
    const machine: StateMachineRecord = {
      arn,
      name,
      type,
      creationDate,
      revision: revisionOf(
        r.definition,
        verdict.definition,
        r.roleArn,
        loggingConfiguration,
        tracingConfiguration,
        encryptionConfiguration,
        undefined,
        creationDate,
      ),
      versions: new Map(),
      nextVersion: 1,
      aliases: new Map(),
      executions: [],
    };
    this.registry.stateMachines.set(arn, machine);
    if (tags.length > 0) this.registry.tags.set(arn, new Map(tags.map((t) => [t.key, t.value])));
    if (!publish) return { stateMachineArn: arn, creationDate };
    const version = this.versions.publish(machine, versionDescription);
    return { stateMachineArn: arn, creationDate, stateMachineVersionArn: version.arn };
  }

  private versionDescription(description: unknown, publish: boolean): string | undefined {
    if (description === undefined || description === null) return undefined;
    requireString(description, 'versionDescription', true);
    if (!publish) throw new ServiceError('ValidationException', 'Version description can only be set when publish is true');
    return description;
  }

  async describeStateMachine(request: T.DescribeStateMachineInput): Promise<T.DescribeStateMachineOutput> {
    const target = this.registry.stateMachineTarget(request?.stateMachineArn);
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
    const paging = pageRequest(request);
    // AWS lists state machines by name, not by creation (recorded: statemachine_10_… before statemachine_1_…).
    const all = [...this.registry.stateMachines.values()]
      .map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: m.creationDate }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const p = page(all, paging, 'ListStateMachines', this.registry.clock.now(), (m) => m.stateMachineArn);
    return { stateMachines: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async updateStateMachine(request: T.UpdateStateMachineInput): Promise<T.UpdateStateMachineOutput> {
    const r = request ?? ({} as T.UpdateStateMachineInput);
    const parsed = parseArn(r.stateMachineArn, 'stateMachineArn', ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.registry.local(parsed) ? this.registry.stateMachines.get(r.stateMachineArn) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    const publish = checkBoolean(r.publish, 'publish') ?? false;
    const versionDescription = this.versionDescription(r.versionDescription, publish);
    if (
      r.definition === undefined &&
      r.roleArn === undefined &&
      r.loggingConfiguration === undefined &&
      r.tracingConfiguration === undefined &&
      r.encryptionConfiguration === undefined
    ) {
      throw new ServiceError(
        'MissingRequiredParameter',
        'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified',
      );
    }
    const old = machine.revision;
    let definitionText = old.definitionText;
    let definition = old.definition;
    if (r.definition !== undefined) {
      requireString(r.definition, 'definition', true);
      const verdict = judgeDefinition(r.definition, machine.type);
      if (!verdict.ok) throw invalidDefinition(verdict.diagnostics);
      definitionText = r.definition;
      definition = verdict.definition;
    }
    let roleArn = old.roleArn;
    if (r.roleArn !== undefined) roleArn = checkRoleArn(r.roleArn);
    const loggingConfiguration = r.loggingConfiguration !== undefined ? checkLogging(r.loggingConfiguration) : old.loggingConfiguration;
    const tracingConfiguration = r.tracingConfiguration !== undefined ? checkTracing(r.tracingConfiguration) : old.tracingConfiguration;
    const encryptionConfiguration = checkEncryption(r.encryptionConfiguration) ?? old.encryptionConfiguration;
    const changed =
      definitionText !== old.definitionText ||
      roleArn !== old.roleArn ||
      !sameJson(loggingConfiguration, old.loggingConfiguration) ||
      !sameJson(tracingConfiguration, old.tracingConfiguration) ||
      !sameJson(encryptionConfiguration, old.encryptionConfiguration);
    const updateDate = this.registry.now();
    if (changed) {
      machine.revision = revisionOf(
        definitionText,
        definition,
        roleArn,
        loggingConfiguration,
        tracingConfiguration,
        encryptionConfiguration,
        randomUUID(),
        updateDate,
      );
    }
    const out: T.UpdateStateMachineOutput = { updateDate };
    if (machine.revision.revisionId !== undefined) out.revisionId = machine.revision.revisionId;
    if (publish) out.stateMachineVersionArn = this.versions.publish(machine, versionDescription).arn;
    return out;
  }

  async deleteStateMachine(request: T.DeleteStateMachineInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineArn;
    const parsed = parseArn(arn, 'stateMachineArn', ['stateMachine']);
    if (parsed.parts.length > 1) {
      throw new ServiceError('ValidationException', `Invalid Arn: 'Deleting a version or an alias is not supported by DeleteStateMachine: ${arn}'`);
    }
    if (!this.registry.stateMachines.has(arn)) return {};
    // As in AWS, executions in progress run to their end; the machine is gone at once
    // (AWS shows it DELETING until they have).
    this.registry.stateMachines.delete(arn);
    this.registry.tags.delete(arn);
    return {};
  }

  async validateStateMachineDefinition(request: T.ValidateStateMachineDefinitionInput): Promise<T.ValidateStateMachineDefinitionOutput> {
    const r = request ?? ({} as T.ValidateStateMachineDefinitionInput);
    requireString(r.definition, 'definition', true);
    const type = checkEnum(r.type, 'type', typeValues) ?? 'STANDARD';
    checkEnum(r.severity, 'severity', ['ERROR', 'WARNING'] as const);
    const max = r.maxResults === undefined || r.maxResults === null || r.maxResults === 0 ? 100 : checkMaxResults(r.maxResults, 100);
    const verdict = judgeDefinition(r.definition, type);
    if (verdict.ok) return { result: 'OK', diagnostics: [], truncated: false };
    return { result: 'FAIL', diagnostics: verdict.diagnostics.slice(0, max), truncated: verdict.diagnostics.length > max };
  }
}
