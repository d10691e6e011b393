import { DefinitionError, type Problem } from '../asl/problems.js';
import { validateFor } from './validate/validate.js';
import type { WaitingTasks } from './validate/walk.js';
import { executionTimeLimit, machineArns } from '../run/arns.js';
import { realClock, type Clock } from '../run/clock.js';
import { Machine } from '../run/execution.js';
import { historyLevels, type HistoryLevel } from '../run/history.js';
import type { MapExecutor } from '../run/iterations.js';
import type { MapRunHost } from '../run/map-runs.js';
import { defaultLimits, STANDARD_EXECUTION_MS, type Limits } from '../run/limits.js';
import { languageOf } from '../asl/query-language.js';
import type { MachineEnv } from './context.js';
import { HandlerIndex, missingHandlers, type Handlers } from './handlers.js';
import type { Integrations } from './task-patterns.js';
import { compileStates } from './scope.js';
import {
  clockProblem,
  firstProblem,
  handlersProblem,
  limitsProblem,
  machineNameProblem,
  oneOfProblem,
  optionsShapeProblem,
  stringProblem,
  throwOptionProblem,
  type OptionProblem,
} from '../options.js';
import { assignsAnywhere, layoutOf } from './variables.js';

export { Machine, type ExecuteOptions } from '../run/execution.js';

export interface CompileOptions {
  /** Task handlers keyed by Resource (or Lambda function name/ARN for lambda:invoke). */
  handlers?: Handlers;
  /** Time source; `virtualClock()` makes waits and retry intervals pass instantly. */
  clock?: Clock;
  /** Express limits to enforce; defaults: 256 KiB payloads, 5-minute executions. */
  limits?: Partial<Limits>;
  /** `$$.StateMachine.Name` and part of every ARN. Default "statemill". */
  stateMachineName?: string;
  /** Region and account used to build ARNs. Defaults: us-east-1, 123456789012. */
  region?: string;
  accountId?: string;
  /** `$$.Execution.RoleArn`. */
  roleArn?: string;
  /**
   * EXPRESS (default) or STANDARD: the executions' ARNs (`:express:<machine>:<name>:<uuid>` or
   * `:execution:<machine>:<name>`), `$$.Execution.RedriveCount` (Standard only), the
   * 25,000-event history quota (Standard only) and, with `integrations`, whether callback,
   * `.sync` and activity Tasks are accepted.
   */
  workflowType?: 'EXPRESS' | 'STANDARD';
  /** Runs Map iterations elsewhere (set by the pool for Maps that opt in). */
  mapExecutor?: MapExecutor;
  /**
   * Records each execution's history (`result.history`) at an Express logging level: ALL
   * events, ERROR (failures only), FATAL (the execution's failure only). OFF, the default,
   * records nothing and costs nothing.
   */
  history?: HistoryLevel;
  /**
   * Runs Standard workflows' task patterns: `.waitForTaskToken` callbacks, `.sync` jobs,
   * activities and nested executions (createService() passes its own). Without it compile()
   * refuses them, as AWS refuses them in Express workflows. With `workflowType` EXPRESS
   * they stay refused, and the integrations serve only what Express allows (starting
   * executions with `states:startExecution` or `aws-sdk:sfn:startSyncExecution`).
   */
  integrations?: Integrations;
  /** Keeps the map runs the executions' Distributed Maps start, for DescribeMapRun and the like (createService() passes its own). */
  mapRuns?: MapRunHost;
}

/** A STANDARD machine runs its callbacks, `.sync` jobs and activities only with integrations; an Express one never. */
function waitingTasks(workflowType: 'EXPRESS' | 'STANDARD' | undefined, withIntegrations: boolean): WaitingTasks {
  if (workflowType === 'STANDARD') return withIntegrations ? 'allowed' : 'needs-integrations';
  return withIntegrations && workflowType === undefined ? 'allowed' : 'express';
}

/**
 * Validates and compiles a definition. Throws one DefinitionError listing every problem
 * (structure, paths, intrinsics, handlers) when the definition cannot run.
 */
export function compile(definition: unknown, options: CompileOptions = {}): Machine {
  throwOptionProblem('compile()', compileOptionsProblem(options));
  const integrations = options.integrations ?? null;
  const problems: Problem[] = validateFor(definition, waitingTasks(options.workflowType, integrations !== null));
  // Missing handlers are listed with the definition's own problems, not in a second round
  // (integrations answer Resources of their own: with them, compiling finds what is missing).
  if (problems.length > 0) {
    throw new DefinitionError(integrations === null ? [...problems, ...missingHandlers(definition, options.handlers ?? {}, problems)] : problems);
  }
  const def = definition as Record<string, unknown>;
  const limits: Limits = { ...defaultLimits, ...(options.workflowType === 'STANDARD' ? { executionMs: STANDARD_EXECUTION_MS } : {}), ...options.limits };
  const env: MachineEnv = {
    handlers: new HandlerIndex(options.handlers ?? {}),
    limits,
    problems: [],
    mapExecutor: options.mapExecutor ?? null,
    processors: new Map(),
    integrations,
    mapRuns: options.mapRuns ?? null,
  };
  const states = compileStates(env, def, '', languageOf(def, 'JSONPath'));
  if (env.problems.length > 0) throw new DefinitionError(env.problems);
  const standardWorkflow = options.workflowType === 'STANDARD';
  return new Machine({
    start: states.get(def.StartAt as string)!,
    states,
    processors: env.processors,
    arns: machineArns(options, standardWorkflow),
    standard: standardWorkflow,
    clock: options.clock ?? realClock,
    limits,
    timeoutMs: executionTimeLimit(def, limits),
    history: options.history ?? 'OFF',
    assigns: assignsAnywhere(def.States),
    layout: layoutOf(def),
  });
}

const COMPILE_OPTIONS: readonly (keyof CompileOptions)[] = [
  'handlers',
  'clock',
  'limits',
  'stateMachineName',
  'region',
  'accountId',
  'roleArn',
  'workflowType',
  'mapExecutor',
  'history',
  'integrations',
  'mapRuns',
];

/** What is wrong with compile()'s options (OptionError names it), checked before anything runs. */
export function compileOptionsProblem(options: unknown): OptionProblem | null {
  const shape = optionsShapeProblem(options, COMPILE_OPTIONS);
  if (shape !== null || options === undefined) return shape;
  const o = options as Record<string, unknown>;
  return firstProblem(
    handlersProblem(o.handlers),
    clockProblem(o.clock),
    limitsProblem(o.limits),
    machineNameProblem(o.stateMachineName),
    stringProblem(o.region, 'region'),
    stringProblem(o.accountId, 'accountId'),
    stringProblem(o.roleArn, 'roleArn'),
    oneOfProblem(o.workflowType, 'workflowType', ['EXPRESS', 'STANDARD']),
    oneOfProblem(o.history, 'history', historyLevels),
    o.mapExecutor === undefined || typeof o.mapExecutor === 'function' ? null : { option: 'mapExecutor', problem: 'must be a function' },
    integrationsProblem(o.integrations),
    o.mapRuns === undefined || typeof (o.mapRuns as MapRunHost | null)?.mapRunStarted === 'function'
      ? null
      : { option: 'mapRuns', problem: 'must be an object with a mapRunStarted(run) method' },
  );
}

/** Undefined, null, or Integrations: an object with its task `tokens` (new StandardTasks().integrations() makes one). */
function integrationsProblem(integrations: unknown): OptionProblem | null {
  if (integrations === undefined || integrations === null) return null;
  if (typeof integrations === 'object' && typeof (integrations as { tokens?: unknown }).tokens === 'object') return null;
  return { option: 'integrations', problem: 'must be Integrations: an object with its task tokens (new StandardTasks().integrations())' };
}
