import type { IntegrationHost, ServiceIntegration } from '../seam.js';
import type { StandardTasks } from './tasks.js';

/**
 * The service's built-in integration for Standard constructs: every machine compiles with
 * the StandardTasks' integrations — tokens answered by SendTaskSuccess/Failure/Heartbeat,
 * activity tasks queued on the service's activities (GetActivityTask), nested executions
 * started, followed and stopped through the service. EXPRESS machines get them too, for
 * what AWS allows there (`states:startExecution`, `aws-sdk:sfn:startSyncExecution`);
 * compile() refuses their `.sync`, `.waitForTaskToken` and activities.
 */
export function standardIntegration(tasks: StandardTasks): ServiceIntegration {
  return {
    compileOptions(_machine, host: IntegrationHost) {
      return { integrations: tasks.integrations(host.nested, (activityArn) => host.activityQueue(activityArn)) };
    },
    activityTaken(taskToken, workerName) {
      tasks.activityStarted(taskToken, workerName);
    },
  };
}
