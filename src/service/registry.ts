import type { Clock } from '../run/clock.js';
import type { MapRun } from '../run/map-runs.js';
import { ServiceError } from './errors.js';
import { mapRunChild } from './map-run-children.js';
import type { ActivityRecord, AliasRecord, ExecutionRecord, StateMachineRecord, VersionRecord } from './records.js';
import { parseArn, shown, type ParsedArn } from './requests.js';

/** A machine, a version of it or an alias of it, as StartExecution and DescribeStateMachine take them. */
export interface StateMachineTarget {
  machine: StateMachineRecord;
  version?: VersionRecord;
  alias?: AliasRecord;
}

/**
 * Every record the service holds (state machines, Standard executions, activities, tags)
 * and their look-ups by ARN: what the operation modules share.
 */
export class Registry {
  readonly stateMachines = new Map<string, StateMachineRecord>();
  readonly executions = new Map<string, ExecutionRecord>();
  readonly activities = new Map<string, ActivityRecord>();
  readonly tags = new Map<string, Map<string, string>>();
  /** Map runs by ARN, each with the execution that started it. */
  readonly mapRuns = new Map<string, { readonly run: MapRun; readonly parent: ExecutionRecord }>();
  /** Each execution's map runs, oldest first. */
  readonly executionMapRuns = new Map<string, MapRun[]>();
  /** Set by close(): nothing new starts. */
  closed = false;

  constructor(
    readonly region: string,
    readonly accountId: string,
    readonly clock: Clock,
  ) {}

  arn(kind: string, rest: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:${kind}:${rest}`;
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  /** An ARN of this service's region and account (nothing lives elsewhere). */
  local(parsed: ParsedArn): boolean {
    // The service's own ARNs are all of the aws partition (see arn()).
    return parsed.partition === 'aws' && parsed.region === this.region && parsed.account === this.accountId;
  }

  /** The unqualified machine an ARN names, or StateMachineDoesNotExist. */
  baseMachine(arn: unknown): StateMachineRecord {
    const parsed = parseArn(arn, 'stateMachineArn', ['stateMachine']);
    const machine = parsed.parts.length === 1 && this.local(parsed) ? this.stateMachines.get(arn as string) : undefined;
    if (machine === undefined) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${shown(arn)}'`);
    return machine;
  }

  /** A machine, a version of it or an alias of it, or StateMachineDoesNotExist. */
  stateMachineTarget(arn: unknown): StateMachineTarget {
    // A machine's own ARN, the common case, needs no parse; the comparison keeps another region's or account's ARN out.
    const own = typeof arn === 'string' ? this.stateMachines.get(arn) : undefined;
    if (own !== undefined && arn === this.arn('stateMachine', own.name)) return { machine: own };
    const parsed = parseArn(arn, 'stateMachineArn', ['stateMachine']);
    // AWS: "If you provide a qualified state machine ARN that refers to a Distributed Map state, the request fails with ValidationException."
    if (parsed.parts[0]!.includes('/'))
      throw new ServiceError(
        'ValidationException',
        `'${shown(arn)}' is the ARN of a Distributed Map state's child state machine (<machine>/<label>): give the state machine's ARN, or a version's or an alias's`,
      );
    const notFound = () => new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${shown(arn)}'`);
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

  /** A Standard execution by ARN; Express ARNs are refused as AWS refuses them. */
  execution(arn: unknown): ExecutionRecord {
    const parsed = parseArn(arn, 'executionArn', ['execution', 'express']);
    if (parsed.kind === 'express') throw new ServiceError('InvalidArn', "Invalid Arn: 'Resource type not valid in this context: express'");
    // A map run's child execution is made from its map run when asked for.
    const exec = this.executions.get(arn as string) ?? mapRunChild(this, arn as string);
    if (exec === undefined) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${shown(arn)}'`);
    return exec;
  }

  /** The activity an ARN names, or ActivityDoesNotExist. */
  activity(arn: unknown): ActivityRecord {
    parseArn(arn, 'activityArn', ['activity']);
    const activity = this.activities.get(arn as string);
    if (activity === undefined) throw new ServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${shown(arn)}'`);
    return activity;
  }
}
