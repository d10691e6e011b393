import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService, virtualClock } from '../../src/index.js';

/**
 * DescribeMapRun and ListMapRuns against AWS's answers for a Distributed Map over two items,
 * `MaxConcurrency: 1`, STANDARD children of one Pass state (recorded 2023-09-21 in LocalStack's
 * AWS-validated snapshot test_sfn_api_map_run::test_list_map_runs_and_describe_map_run, from a
 * two-row CSV; here the two items come from the input). That recording predates redrive
 * (2023-11), whose members (`redriveCount`, `failuresNotRedrivable`, `pendingRedrive`) the
 * service model has since added.
 */
const recorded = suite('service: map runs as AWS recorded them');
const ROLE = 'arn:aws:iam::111111111111:role/sfn';

const recordedCounts = { aborted: 0, failed: 0, pending: 0, resultsWritten: 2, running: 0, succeeded: 2, timedOut: 0, total: 2 };
const sinceRedrive = { failuresNotRedrivable: 0, pendingRedrive: 0 };

recorded('DescribeMapRun and ListMapRuns: the recorded members, counts, tolerances (0) and maxConcurrency', async () => {
  const s = createService({ clock: virtualClock(0), accountId: '111111111111' });
  try {
    const definition = {
      StartAt: 'MapState',
      States: {
        MapState: {
          Type: 'Map',
          MaxConcurrency: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'PassItem',
            States: { PassItem: { Type: 'Pass', End: true } },
          },
          End: true,
        },
      },
    };
    const { stateMachineArn } = await s.createStateMachine({ name: 'recorded', roleArn: ROLE, definition: JSON.stringify(definition) });
    const input = [
      { Col1: 'Value1', Col2: 'Value2', Col3: 'Value3' },
      { Col1: 'Value4', Col2: 'Value5', Col3: 'Value6' },
    ];
    const { executionArn } = await s.startExecution({ stateMachineArn, input: JSON.stringify(input) });
    await s.waitForExecution({ executionArn });
    const { mapRuns } = await s.listMapRuns({ executionArn });
    assert.is(mapRuns.length, 1);
    assert.equal(Object.keys(mapRuns[0]!).sort(), ['executionArn', 'mapRunArn', 'startDate', 'stateMachineArn', 'stopDate']);
    // The Map has no Label: the recording's snapshot transformer replaced that part of the ARNs
    // only because it matched a UUID, so AWS names it with a UUID there, not the state's name.
    assert.match(mapRuns[0]!.stateMachineArn, new RegExp(`^${stateMachineArn}/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    const described = await s.describeMapRun({ mapRunArn: mapRuns[0]!.mapRunArn });
    const { startDate, stopDate, redriveCount, ...rest } = described as typeof described & { redriveCount?: number };
    assert.instance(startDate, Date);
    assert.instance(stopDate, Date);
    assert.is(redriveCount, 0);
    assert.equal(rest, {
      executionArn,
      mapRunArn: mapRuns[0]!.mapRunArn,
      status: 'SUCCEEDED',
      maxConcurrency: 1,
      toleratedFailureCount: 0,
      toleratedFailurePercentage: 0,
      itemCounts: { ...recordedCounts, ...sinceRedrive },
      executionCounts: { ...recordedCounts, ...sinceRedrive },
    });
  } finally {
    await s.close();
  }
});

recorded.run();
