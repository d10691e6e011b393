/** The built-in workloads, in the order reports list them. */
import { accountOpening } from './account-opening/workload.js';
import { orderProcessing } from './order-processing/workload.js';
import type { Workload } from './types.js';
import { videoTranscode } from './video-transcode/workload.js';
import { webhookNormalize } from './webhook-normalize/workload.js';

export type { GeneratorOptions, InputGenerator, Outcome, Workload, WorkloadHandler, WorkloadHandlers } from './types.js';

export const builtinWorkloads: readonly Workload[] = [webhookNormalize, orderProcessing, accountOpening, videoTranscode];

export function findWorkload(name: string): Workload | undefined {
  return builtinWorkloads.find((workload) => workload.name === name);
}
