import { ServiceError } from './errors.js';
import type { Registry } from './registry.js';
import { page, pageRequest, parseArn } from './requests.js';
import type * as T from './types.js';

/** Map runs: statemill runs no Distributed Map as a separate map run yet, so there are none to show. */
export class MapRuns {
  constructor(private readonly registry: Registry) {}

  async describeMapRun(request: T.DescribeMapRunInput): Promise<never> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }

  async listMapRuns(request: T.ListMapRunsInput): Promise<T.ListMapRunsOutput> {
    const paging = pageRequest(request);
    const exec = this.registry.execution(request?.executionArn);
    // Paged like every list, so a nextToken no list gave is refused (InvalidToken), not ignored.
    return { mapRuns: page<T.MapRunListItem>([], paging, `ListMapRuns ${exec.executionArn}`, this.registry.clock.now(), (run) => run.mapRunArn).items };
  }

  async updateMapRun(request: T.UpdateMapRunInput): Promise<T.EmptyOutput> {
    parseArn(request?.mapRunArn, 'mapRunArn', ['mapRun']);
    throw new ServiceError('ResourceNotFound', `Resource not found: '${request.mapRunArn}'`);
  }
}
