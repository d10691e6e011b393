import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from '../../src/index.js';
import { locateKeyframes, splitSegments } from '../../workloads/video-transcode/handlers.js';
import { videoTranscode } from '../../workloads/video-transcode/workload.js';
import { differences, output, runBoth } from './check-workload.js';

const small = { segments: 5, frameBytes: 8 };

test('the definition is valid', () => {
  assert.equal(validate(videoTranscode.definition), []);
});

test('statemill and the baseline agree', async () => {
  const compared = await runBoth(videoTranscode, { ...small, transientFailureRate: 0 }, 4);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    assert.is(output(c.engine).durationMs, Math.round(c.input.source.durationSeconds * 1000));
    assert.match(output(c.engine).playlistUrl, new RegExp(`/${c.input.jobId}/${c.input.profile.name}/index\\.m3u8$`));
  }
});

test('a busy encoder is retried until the segment transcodes', async () => {
  const compared = await runBoth(videoTranscode, { ...small, transientFailureRate: 1 }, 2);
  assert.equal(differences(compared), []);
  for (const c of compared) assert.is(c.engine.status, 'SUCCEEDED');
});

test('the JSONata twin is valid and agrees with the baseline, a busy encoder retried', async () => {
  assert.equal(validate(videoTranscode.jsonataDefinition!), []);
  assert.is(videoTranscode.jsonataDefinition!.QueryLanguage, 'JSONata');
  for (const transientFailureRate of [0, 1]) {
    const compared = await runBoth(videoTranscode, { ...small, transientFailureRate }, 3, 11, true);
    assert.equal(differences(compared), [], `transientFailureRate ${transientFailureRate}`);
    for (const c of compared) assert.is(c.engine.status, 'SUCCEEDED');
  }
});

test('segments are contiguous, start on keyframes and last about 3 seconds', () => {
  const input = { jobId: 'job-x', durationSeconds: 61.5, fps: 30, gopSeconds: 2 };
  const { keyframesMs } = locateKeyframes(input);
  const segments = splitSegments({ jobId: 'job-x', keyframesMs, durationSeconds: 61.5, segmentSeconds: 3, transientFailureRate: 0 });
  let start = 0;
  for (const segment of segments) {
    assert.is(segment.startMs, start);
    assert.ok(keyframesMs.includes(segment.startMs));
    start += segment.durationMs;
  }
  assert.is(start, 61_500);
  const middle = segments.slice(0, -1).map((s) => s.durationMs);
  assert.ok(Math.max(...middle) <= 4000 && Math.min(...middle) >= 2000, `durations ${middle}`);
});

test('the segment count follows the `segments` option', () => {
  const few = (videoTranscode.generateInput(1, 0, { segments: 10 }) as any).source.durationSeconds;
  const many = (videoTranscode.generateInput(1, 0, { segments: 1000 }) as any).source.durationSeconds;
  assert.ok(few < 30 && few > 27, String(few));
  assert.ok(many < 3000 && many > 2997, String(many));
});

test.run();
