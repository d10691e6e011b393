import { sameJson } from './configurations.js';
import { ServiceError } from './errors.js';
import type { AliasRecord, StateMachineRecord, VersionRecord } from './records.js';
import type { Registry } from './registry.js';
import { missing, page, pageRequest, parseArn, requireString, shown, type ParsedArn } from './requests.js';
import type * as T from './types.js';

/** Versions (published revisions of a machine) and aliases (weighted routes to versions). */
export class Versions {
  constructor(private readonly registry: Registry) {}

  publish(machine: StateMachineRecord, description: string | undefined): VersionRecord {
    const latest = [...machine.versions.values()].pop();
    if (latest !== undefined && latest.revision === machine.revision) return latest;
    const number = machine.nextVersion++;
    const version: VersionRecord = { arn: `${machine.arn}:${number}`, number, revision: machine.revision, description, creationDate: this.registry.now() };
    machine.versions.set(number, version);
    return version;
  }

  async publishStateMachineVersion(request: T.PublishStateMachineVersionInput): Promise<T.PublishStateMachineVersionOutput> {
    const r = request ?? ({} as T.PublishStateMachineVersionInput);
    const parsed = parseArn(r.stateMachineArn, 'stateMachineArn', ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.registry.local(parsed) ? this.registry.stateMachines.get(r.stateMachineArn) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${r.stateMachineArn}'`);
    if (r.description !== undefined) requireString(r.description, 'description', true);
    if (r.revisionId !== undefined && r.revisionId !== null && r.revisionId !== (machine.revision.revisionId ?? 'INITIAL')) {
      throw new ServiceError(
        'ConflictException',
        `Failed to publish the State Machine version for revision ${r.revisionId}. The current State Machine revision is ${machine.revision.revisionId ?? 'INITIAL'}.`,
      );
    }
    const version = this.publish(machine, r.description);
    return { creationDate: version.creationDate, stateMachineVersionArn: version.arn };
  }

  async listStateMachineVersions(request: T.ListStateMachineVersionsInput): Promise<T.ListStateMachineVersionsOutput> {
    const paging = pageRequest(request);
    const machine = this.registry.baseMachine(request?.stateMachineArn);
    const all = [...machine.versions.values()].reverse().map((v) => ({ stateMachineVersionArn: v.arn, creationDate: v.creationDate }));
    const p = page(all, paging, `ListStateMachineVersions ${machine.arn}`, this.registry.clock.now(), (v) => v.stateMachineVersionArn);
    return { stateMachineVersions: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  async deleteStateMachineVersion(request: T.DeleteStateMachineVersionInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineVersionArn;
    const parsed = parseArn(arn, 'stateMachineVersionArn', ['stateMachine']);
    const number = parsed.parts.length === 2 && /^\d+$/.test(parsed.parts[1]!) ? Number(parsed.parts[1]) : NaN;
    if (Number.isNaN(number)) throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine version ARN: ${arn}'`);
    const machine = this.registry.stateMachines.get(this.registry.arn('stateMachine', parsed.parts[0]!));
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
      if (existing.description === description && sameJson(existing.routing, routing))
        return { stateMachineAliasArn: arn, creationDate: existing.creationDate };
      throw new ServiceError(
        'ConflictException',
        'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
      );
    }
    const alias: AliasRecord = { arn, name, description, routing, creationDate: this.registry.now(), updateDate: undefined };
    machine.aliases.set(name, alias);
    return { stateMachineAliasArn: arn, creationDate: alias.creationDate };
  }

  /** Routing to one or two versions of one machine, weights summing to 100. */
  private checkRouting(value: unknown): { machine: StateMachineRecord; routing: T.RoutingConfigurationListItem[] } {
    if (value === undefined || value === null) throw missing('routingConfiguration');
    if (!Array.isArray(value))
      throw new ServiceError(
        'ValidationException',
        "1 validation error detected: Value at 'routingConfiguration' failed to satisfy constraint: Member must be a list",
      );
    const routing: T.RoutingConfigurationListItem[] = [];
    const parsedArns: ParsedArn[] = [];
    for (const [i, item] of (value as unknown[]).entries()) {
      const route = (item ?? {}) as { stateMachineVersionArn?: unknown; weight?: unknown };
      const parsed = parseArn(route.stateMachineVersionArn, `routingConfiguration.${i + 1}.member.stateMachineVersionArn`, ['stateMachine']);
      parsedArns.push(parsed);
      const weightAt = `routingConfiguration.${i + 1}.member.weight`;
      if (route.weight === undefined || route.weight === null) throw missing(weightAt);
      if (typeof route.weight !== 'number' || !Number.isInteger(route.weight))
        throw new ServiceError(
          'ValidationException',
          `1 validation error detected: Value '${shown(route.weight)}' at '${weightAt}' failed to satisfy constraint: Member must be an integer`,
        );
      routing.push({ stateMachineVersionArn: route.stateMachineVersionArn as string, weight: route.weight });
    }
    const unversioned = parsedArns.filter((p) => p.parts.length !== 2 || !/^\d+$/.test(p.parts[1]!));
    if (unversioned.length > 0) {
      throw new ServiceError('ValidationException', `Routing configuration must contain state machine version ARNs. Received: [${versionArns(routing)}]`);
    }
    const names = new Set(parsedArns.map((p) => p.parts[0]));
    if (names.size > 1) throw new ServiceError('ValidationException', 'Routing configuration must contain versions of the same state machine.');
    if (new Set(routing.map((route) => route.stateMachineVersionArn)).size !== routing.length) {
      throw new ServiceError(
        'ValidationException',
        `Routing configuration must contain distinct state machine version ARNs. Received: [${versionArns(routing)}]`,
      );
    }
    if (routing.reduce((sum, route) => sum + route.weight, 0) !== 100)
      throw new ServiceError(
        'ValidationException',
        `Sum of routing configuration weights must equal 100. Received: [${routing.map((route) => route.weight).join(', ')}]`,
      );
    const machine = this.registry.stateMachines.get(this.registry.arn('stateMachine', parsedArns[0]!.parts[0]!));
    for (const [i, p] of parsedArns.entries()) {
      if (machine === undefined || !this.registry.local(p) || !machine.versions.has(Number(p.parts[1]))) {
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
    alias.updateDate = this.registry.now();
    return { updateDate: alias.updateDate };
  }

  async deleteStateMachineAlias(request: T.DeleteStateMachineAliasInput): Promise<T.EmptyOutput> {
    const arn = request?.stateMachineAliasArn;
    const parsed = parseArn(arn, 'stateMachineAliasArn', ['stateMachine']);
    if (parsed.parts.length !== 2 || /^\d+$/.test(parsed.parts[1]!))
      throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine alias ARN: ${arn}'`);
    this.registry.stateMachines.get(this.registry.arn('stateMachine', parsed.parts[0]!))?.aliases.delete(parsed.parts[1]!);
    return {};
  }

  async listStateMachineAliases(request: T.ListStateMachineAliasesInput): Promise<T.ListStateMachineAliasesOutput> {
    const paging = pageRequest(request);
    const arn = request?.stateMachineArn;
    // A version ARN lists the aliases that route to that version, as AWS documents.
    const version = typeof arn === 'string' && /:\d+$/.test(arn) ? this.registry.stateMachineTarget(arn) : null;
    const machine = version?.machine ?? this.registry.baseMachine(arn);
    const aliases = [...machine.aliases.values()].filter((a) => version === null || a.routing.some((r) => r.stateMachineVersionArn === version.version?.arn));
    const all = aliases.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: a.creationDate }));
    const p = page(all, paging, `ListStateMachineAliases ${arn}`, this.registry.clock.now(), (a) => a.stateMachineAliasArn);
    return { stateMachineAliases: p.items, ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
  }

  private aliasOf(arn: unknown): AliasRecord {
    const parsed = parseArn(arn, 'stateMachineAliasArn', ['stateMachine']);
    if (parsed.parts.length !== 2 || /^\d+$/.test(parsed.parts[1]!))
      throw new ServiceError('ValidationException', `Invalid Arn: 'Not a state machine alias ARN: ${shown(arn)}'`);
    const alias = this.registry.local(parsed)
      ? this.registry.stateMachines.get(this.registry.arn('stateMachine', parsed.parts[0]!))?.aliases.get(parsed.parts[1]!)
      : undefined;
    if (alias === undefined) throw new ServiceError('ResourceNotFound', 'Request references a resource that does not exist.');
    return alias;
  }

  /** Picks the version an alias routes this execution to, by its weights. */
  route(alias: AliasRecord, machine: StateMachineRecord): VersionRecord {
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
}

function checkAliasName(name: unknown): string {
  requireString(name, 'name');
  return name;
}

function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  requireString(value, 'description', true);
  return value;
}

const versionArns = (routing: readonly T.RoutingConfigurationListItem[]): string => routing.map((route) => route.stateMachineVersionArn).join(', ');
