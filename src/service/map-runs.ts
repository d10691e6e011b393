import { ServiceError } from './errors.js';
import type { Registry } from './registry.js';
import { checkMaxResults, parseArn } from './requests.js';
import type * as T from './types.js';

/** Map runs: statemill runs no Distributed Map as a separate map run yet, so there are none to show. */
export class MapRuns {
  constructor(private readonly registry: Registry) {}

  async describeMapRun(request: T.DescribeMapRunInput): Promise<never> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }

  async listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    this.registry.execution(request?.executionArn);
    checkMaxResults(request.maxResults);
    return { mapRuns: [] };
  }

  async updateMapRun(request: T.UpdateMapRunInput): Promise<T.EmptyOutput> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }
}
