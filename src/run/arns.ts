import type { Limits } from './limits.js';

/**
 * The engine's one ARN scheme and time-limit rule. A compiled machine names its executions
 * with them, and the pool names the results it makes itself (faults) the same way, so both
 * sides show the same ARNs and enforce the same limit.
 */

/** Where a machine's ARNs point; each field has an AWS-looking default. */
export interface ArnOptions {
  /** Default us-east-1. */
  readonly region?: string;
  /** Default 123456789012. */
  readonly accountId?: string;
  /** `$$.StateMachine.Name` and part of every ARN. Default "statemill". */
  readonly stateMachineName?: string;
  /** `$$.Execution.RoleArn`. Default `arn:aws:iam::<account>:role/statemill`. */
  readonly roleArn?: string;
}

export interface MachineArns {
  readonly region: string;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  /**
   * What every execution ARN starts with: `…:execution:<machine>:` (Standard; the name
   * follows) or `…:express:<machine>:` (Express; the name and a UUID follow).
   */
  readonly executionArnPrefix: string;
  readonly roleArn: string;
}

export function machineArns(options: ArnOptions, standard: boolean): MachineArns {
  const region = options.region ?? 'us-east-1';
  const account = options.accountId ?? '123456789012';
  const stateMachineName = options.stateMachineName ?? 'statemill';
  return {
    region,
    stateMachineName,
    stateMachineArn: `arn:aws:states:${region}:${account}:stateMachine:${stateMachineName}`,
    executionArnPrefix: `arn:aws:states:${region}:${account}:${standard ? 'execution' : 'express'}:${stateMachineName}:`,
    roleArn: options.roleArn ?? `arn:aws:iam::${account}:role/statemill`,
  };
}

/** How long an execution of `definition` may run, in milliseconds: its TimeoutSeconds or `limits.executionMs`, whichever is less. */
export function executionTimeLimit(definition: unknown, limits: Pick<Limits, 'executionMs'>): number {
  const timeoutSeconds = (definition as { TimeoutSeconds?: unknown }).TimeoutSeconds;
  return typeof timeoutSeconds === 'number' ? Math.min(timeoutSeconds * 1000, limits.executionMs) : limits.executionMs;
}
