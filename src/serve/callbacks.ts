import type { Clock } from '../run/clock.js';
import type { ServiceIntegration } from '../service/seam.js';
import { StepFunctionsService } from '../service/index.js';
import type { Service } from '../service/service.js';
import { StandardTasks } from '../service/standard/tasks.js';

/**
 * Task tokens, activity tasks and nested executions for the endpoint while the service does
 * not run them itself (SEAM.md: the standard branch's StandardTasks, plugged in through the
 * service's integration seam). Once createService()'s class has a sendTaskSuccess method, this
 * gives nothing and the service's operations are served.
 */
export interface CallbackWiring {
  /** For createService({ integrations }). */
  readonly integrations: readonly ServiceIntegration[];
  /** SendTaskSuccess/Failure/Heartbeat and GetActivityTask, answered by the tasks' tokens and queues. */
  operations(service: Service): Record<string, (request: never) => unknown>;
  /** Answers every pending GetActivityTask long poll with no task (the endpoint is stopping). */
  release(): void;
}

export function callbackWiring(clock: Clock | undefined): CallbackWiring | null {
  if (typeof (StepFunctionsService.prototype as unknown as Record<string, unknown>).sendTaskSuccess === 'function') return null;
  let owner: Service | null = null;
  const stopping = new AbortController();
  const tasks = new StandardTasks({
    ...(clock === undefined ? {} : { clock }),
    // Activities are the service's: an unknown one is refused with ActivityDoesNotExist.
    activityExists: (arn) => (owner === null ? true : (owner.activity(arn), true)),
  });
  return {
    integrations: [{ compileOptions: (_machine, host) => ({ integrations: tasks.integrations(host.nested) }) }],
    operations(service) {
      owner = service;
      return {
        sendTaskSuccess: (request) => tasks.sendTaskSuccess(request),
        sendTaskFailure: (request) => tasks.sendTaskFailure(request),
        sendTaskHeartbeat: (request) => tasks.sendTaskHeartbeat(request),
        getActivityTask: (request) => tasks.getActivityTask(request, stopping.signal),
      };
    },
    release: () => stopping.abort(),
  };
}
