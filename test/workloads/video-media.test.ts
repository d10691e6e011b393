/**
 * The real-media (ffmpeg) mode of the video-transcode workload. Everything that needs no
 * ffmpeg runs everywhere: tool detection, running and killing child processes, the command
 * lines, ffprobe parsing, the handlers' checks and the workflow's failure without tools.
 * The end-to-end runs need ffmpeg and ffprobe; without them they are skipped, and say so.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mediaOptionsFromBench, parseMediaOptions } from '../../bench/media/options.js';
import { OptionsError, parseBenchOptions } from '../../bench/options.js';
import { runBenchCommand } from '../support/bench-command.js';
import { compile, createPool, validate, virtualClock } from '../../src/index.js';
import videoDefinition from '../../workloads/video-transcode/definition.asl.json' with { type: 'json' };
import {
  checkProfile,
  checkSource,
  concatArgs,
  cutTime,
  sourceVideoArgs,
  splitArgs,
  transcodeArgs,
  type RenditionProfile,
} from '../../workloads/video-transcode/media/commands.js';
import { handlers, locateKeyframes, transcodeSegment } from '../../workloads/video-transcode/media/handlers.js';
import {
  defaultRendition,
  expectedSegments,
  generateSource,
  makeWorkDir,
  mediaDefinition,
  mediaHandlersModule,
  mediaInput,
  mediaProblems,
  removeWorkDir,
  type MediaOutput,
} from '../../workloads/video-transcode/media/job.js';
import { parseOutputProbe, parseSourceProbe } from '../../workloads/video-transcode/media/probe.js';
import { detectFfmpeg, mediaTools, MediaUnavailableCodes, runTool, ToolFailure, ToolFailures } from '../../workloads/video-transcode/media/tools.js';

const fixtures = new URL('./fixtures/', import.meta.url);
const MISSING = 'statemill-test-no-such-program';
const node = process.execPath;

const detection = await detectFfmpeg();
const skipped: string[] = [];

/**
 * Tests that run ffmpeg for real. Where it is missing they are not registered at all (so
 * none passes without testing anything), and the note at the end lists them. Not
 * `test.skip`: .ci/run subtracts uvu's skips from its Total, which does not include them,
 * so each skip would count there as a failure.
 */
function withFfmpeg(name: string, body: () => Promise<void>): void {
  if (detection.available) test(name, body);
  else skipped.push(name);
}

/** Runs `body` with environment variables set, then puts them back. */
async function withEnv<T>(vars: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

// ---- without ffmpeg ----

test('detection says plainly that a missing ffmpeg is missing', async () => {
  const missing = await detectFfmpeg({ ffmpeg: MISSING, ffprobe: MISSING });
  assert.is(missing.available, false);
  if (missing.available) return;
  assert.is(missing.code, MediaUnavailableCodes.FFMPEG_NOT_FOUND);
  assert.ok(missing.reason.includes(`'${MISSING}'`), missing.reason);
  assert.ok(missing.reason.includes('install ffmpeg'), missing.reason);
});

test('a program that is not ffmpeg is not taken for one', async () => {
  const impostor = await detectFfmpeg({ ffmpeg: node, ffprobe: node });
  assert.is(impostor.available, false);
});

test('mediaTools reads STATEMILL_FFMPEG and STATEMILL_FFPROBE, else the PATH names', () => {
  assert.equal(mediaTools({}), { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
  assert.equal(mediaTools({ STATEMILL_FFMPEG: '/opt/ff/ffmpeg', STATEMILL_FFPROBE: '/opt/ff/ffprobe' }), {
    ffmpeg: '/opt/ff/ffmpeg',
    ffprobe: '/opt/ff/ffprobe',
  });
});

test('runTool resolves with stdout and passes arguments untouched, without a shell', async () => {
  const out = await runTool(node, ['-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', '$(echo no)', "a 'b' ; c"]);
  assert.equal(JSON.parse(out), ['$(echo no)', "a 'b' ; c"]);
});

test('runTool failures: a missing program, a non-zero exit with its stderr', async () => {
  const missing = await rejection(runTool(MISSING, []));
  assert.instance(missing, ToolFailure);
  assert.is((missing as ToolFailure).code, ToolFailures.NOT_FOUND);
  const exited = await rejection(runTool(node, ['-e', 'console.error("first"); console.error("the reason"); process.exit(3)']));
  assert.is((exited as ToolFailure).code, ToolFailures.EXITED);
  assert.ok((exited as ToolFailure).detail.includes('the reason'), (exited as ToolFailure).detail);
});

test('runTool kills the child when its signal aborts', async () => {
  const controller = new AbortController();
  const began = performance.now();
  const running = runTool(node, ['-e', 'setInterval(() => {}, 1000)'], controller.signal);
  setTimeout(() => controller.abort(), 100);
  // A child left running would keep `running` pending for ever: give up after 5 s.
  let giveUp: NodeJS.Timeout | undefined;
  const tooLate = new Promise<never>((_, reject) => {
    giveUp = setTimeout(() => reject(new Error('the child was not killed within 5 s')), 5000);
  });
  const error = await rejection(Promise.race([running, tooLate]));
  clearTimeout(giveUp);
  assert.is((error as ToolFailure).code, ToolFailures.ABORTED, error.message);
  assert.ok(performance.now() - began < 5000);
});

const profile: RenditionProfile = { name: '270p', width: 480, height: 270, bitrateKbps: 500, preset: 'veryfast' };

test('the transcode command: one thread to decode, scale and encode; the rendition; file: paths', () => {
  const args = transcodeArgs('/w/segments/seg-0003.mp4', '/w/parts/part-0003.mp4', profile);
  assert.ok(args.every((arg) => typeof arg === 'string'));
  const threads = args.flatMap((arg, i) => (arg === '-threads' ? [args[i + 1]] : []));
  assert.equal(threads, ['1', '1']);
  assert.is(args[args.indexOf('-filter_threads') + 1], '1');
  assert.ok(args.indexOf('-threads') < args.indexOf('-i'), 'decoder threads are an input option');
  assert.is(args[args.indexOf('-i') + 1], 'file:/w/segments/seg-0003.mp4');
  assert.is(args[args.length - 1], 'file:/w/parts/part-0003.mp4');
  assert.is(args[args.indexOf('-vf') + 1], 'scale=480:270');
  assert.is(args[args.indexOf('-c:v') + 1], 'libx264');
  assert.is(args[args.indexOf('-preset') + 1], 'veryfast');
  assert.is(args[args.indexOf('-b:v') + 1], '500k');
  assert.ok(args.includes('-nostdin'));
});

const badProfiles: [string, unknown][] = [
  ['a preset outside the list', { ...profile, preset: 'veryfast -f null' }],
  ['a missing preset', { ...profile, preset: undefined }],
  ['an odd width', { ...profile, width: 481 }],
  ['a width as text', { ...profile, width: '480' }],
  ['a fractional bitrate', { ...profile, bitrateKbps: 500.5 }],
  ['a huge height', { ...profile, height: 100_000 }],
  ['no profile', null],
];
for (const [what, bad] of badProfiles) {
  test(`checkProfile refuses ${what} with Media.InvalidInput`, () => {
    assert.is(thrown(() => checkProfile(bad)).name, 'Media.InvalidInput');
  });
}

test('relative paths never reach ffmpeg', () => {
  assert.is(thrown(() => transcodeArgs('segments/seg-0000.mp4', '/w/p.mp4', profile)).name, 'Media.InvalidInput');
  assert.is(thrown(() => concatArgs('/w/parts.txt', '-i', '/w/out.mp4')).name, 'Media.InvalidInput');
});

test('split cuts half a millisecond before each keyframe; a single segment gets no cut', () => {
  assert.is(cutTime(3000), '2.9995');
  assert.is(cutTime(3003), '3.0025');
  const args = splitArgs('/w/source.mp4', [3000, 6000], '/w/segments/seg-%04d.mp4');
  assert.is(args[args.indexOf('-segment_times') + 1], '2.9995,5.9995');
  assert.is(args[args.indexOf('-c') + 1], 'copy');
  const whole = splitArgs('/w/source.mp4', [], '/w/segments/seg-%04d.mp4');
  assert.not.ok(whole.includes('-segment_times'));
  assert.ok(Number(whole[whole.indexOf('-segment_time') + 1]) >= 1e8);
});

test('the source: testsrc2 and sine for the asked length, a keyframe every gopSeconds', () => {
  const args = sourceVideoArgs({ seconds: 8, width: 640, height: 360, fps: 25, gopSeconds: 3 }, '/w/source.mp4');
  assert.ok(args.includes('testsrc2=size=640x360:rate=25:duration=8'));
  assert.ok(args.some((arg) => arg.startsWith('sine=') && arg.endsWith(':duration=8')));
  assert.is(args[args.indexOf('-g') + 1], '75');
  assert.is(args[args.indexOf('-keyint_min') + 1], '75');
  assert.is(args[args.indexOf('-sc_threshold') + 1], '0');
  assert.is(thrown(() => checkSource({ seconds: 8, width: 640, height: 360, fps: 25, gopSeconds: 0.01 })).name, 'Media.InvalidInput');
});

test('parseSourceProbe reads keyframes, duration, frames and rate from ffprobe', async () => {
  const scan = parseSourceProbe(await readFile(new URL('ffprobe-source.json', fixtures), 'utf8'));
  assert.equal(scan, { keyframesMs: [0, 1000, 2000], durationMs: 2500, frames: 25, fps: 10, width: 64, height: 36, codec: 'h264' });
});

test('parseOutputProbe reads the video stream and notices the audio', async () => {
  const scan = parseOutputProbe(await readFile(new URL('ffprobe-output.json', fixtures), 'utf8'));
  assert.equal(scan, { durationMs: 2500, frames: 25, width: 64, height: 36, hasAudio: true });
});

test('ffprobe reports without what the pipeline needs fail with Media.ProbeFailed', () => {
  const cases = [
    'not json',
    '[]',
    '{"streams": []}',
    '{"packets": [{"pts_time": "0.0", "flags": "__"}], "streams": [{"r_frame_rate": "25/1", "duration": "1.0"}]}',
    '{"packets": [{"pts_time": "0.0", "flags": "K_"}], "streams": [{"r_frame_rate": "0/0", "duration": "1.0"}]}',
  ];
  for (const text of cases) assert.is(thrown(() => parseSourceProbe(text)).name, 'Media.ProbeFailed', text);
  assert.is(thrown(() => parseOutputProbe('{"streams": [{"codec_type": "audio"}]}')).name, 'Media.ProbeFailed');
});

test('a busy encoder is reported before any process starts', async () => {
  const input = { jobId: 'job-t', workDir: '/nonexistent/w', profile, segment: { index: 0, startMs: 0, durationMs: 3000, glitches: 2 } };
  await withEnv({ STATEMILL_FFMPEG: MISSING }, async () => {
    assert.is((await rejection(transcodeSegment(input, { attempt: 1 }))).name, 'Transcode.EncoderBusy');
    assert.is((await rejection(transcodeSegment(input, { attempt: 2 }))).name, 'Transcode.EncoderBusy');
  });
});

test('the handlers refuse a relative working directory and a segment index that is not a number', async () => {
  const segment = { index: 0, startMs: 0, durationMs: 3000, glitches: 0 };
  assert.is((await rejection(transcodeSegment({ jobId: 'j', workDir: 'tmp/w', profile, segment }, { attempt: 1 }))).name, 'Media.InvalidInput');
  const sneaky = { ...segment, index: '../../etc/x' as unknown as number };
  assert.is((await rejection(transcodeSegment({ jobId: 'j', workDir: '/tmp/w', profile, segment: sneaky }, { attempt: 1 }))).name, 'Media.InvalidInput');
  assert.is((await rejection(locateKeyframes({ source: 'source.mp4' }, { attempt: 1 }))).name, 'Media.InvalidInput');
});

test('without ffprobe the workflow fails with Media.ToolMissing', async () => {
  const machine = compile(mediaDefinition, { handlers });
  const input = mediaInput({ jobId: 'job-t', source: '/nonexistent/source.mp4', workDir: '/nonexistent/w', maxConcurrency: 1 });
  const result = await withEnv({ STATEMILL_FFPROBE: MISSING }, () => machine.execute(input));
  assert.is(result.status, 'FAILED');
  assert.is(result.error, 'Media.ToolMissing');
});

test('the definition is valid and has the synthetic workflow shape', () => {
  assert.equal(validate(mediaDefinition), []);
  const shape = (definition: Record<string, any>) => Object.entries(definition.States as Record<string, any>).map(([name, state]) => [name, state.Type]);
  assert.equal(shape(mediaDefinition), shape(videoDefinition));
  const map = (mediaDefinition.States as Record<string, any>).TranscodeSegments;
  assert.equal(map.ItemProcessor.States.TranscodeSegment.Retry[0].ErrorEquals, ['Transcode.EncoderBusy']);
  assert.is(map.MaxConcurrencyPath, '$.maxConcurrency');
});

test('expected segments: one per 3 s started', () => {
  const spec = { width: 640, height: 360, fps: 25, gopSeconds: 3 };
  assert.is(expectedSegments({ ...spec, seconds: 60 }), 20);
  assert.is(expectedSegments({ ...spec, seconds: 8 }), 3);
  assert.is(expectedSegments({ ...spec, seconds: 9 }), 3);
  assert.is(expectedSegments({ ...spec, seconds: 10 }), 4);
});

test('bench:media options: defaults, lists, and refusals', () => {
  const defaults = parseMediaOptions([]);
  assert.is(defaults.seconds, 60);
  assert.is(defaults.rounds, 3);
  assert.is(defaults.failureRate, 0);
  const chosen = parseMediaOptions(['--seconds', '9', '--threads', '1,2', '--cores', '4', '--rounds', '1', '--failure-rate', '0.5', '--keep', '--json']);
  assert.equal({ ...chosen }, { help: false, seconds: 9, threads: [1, 2], cores: 4, rounds: 1, failureRate: 0.5, keep: true, json: true });
  for (const bad of [
    ['--seconds', '0'],
    ['--seconds', '2.5'],
    ['--threads', '1,x'],
    ['--failure-rate', '2'],
    ['--rounds', '-1'],
    ['--frames', '3'],
  ]) {
    assert.instance(
      thrown(() => parseMediaOptions(bad)),
      OptionsError,
      bad.join(' '),
    );
  }
});

test('statemill bench --media ffmpeg: only with video-transcode; --quick, --threads, --rounds, --json carry over', () => {
  const options = parseBenchOptions(['--workload', 'video-transcode', '--media', 'ffmpeg', '--quick', '--threads', '1,2', '--rounds', '2', '--json']);
  assert.is(options.media, 'ffmpeg');
  const media = mediaOptionsFromBench(options);
  assert.equal([media.seconds, media.threads, media.rounds, media.json], [15, [1, 2], 2, true]);
  assert.is(parseBenchOptions([]).media, null);
  assert.instance(
    thrown(() => parseBenchOptions(['--media', 'gstreamer'])),
    OptionsError,
  );
  assert.instance(
    thrown(() => parseBenchOptions(['--workload', 'webhook-normalize', '--media', 'ffmpeg'])),
    OptionsError,
  );
});

test('statemill bench --media ffmpeg without ffmpeg says so and exits 2', async () => {
  const { code, stdout, stderr } = await withEnv({ STATEMILL_FFMPEG: MISSING }, () => runBenchCommand(['--workload', 'video-transcode', '--media', 'ffmpeg']));
  assert.is(code, 2);
  assert.is(stdout, '');
  assert.ok(stderr.includes('ffmpeg is not available'), stderr);
  assert.ok(stderr.includes(MISSING), stderr);
});

// ---- with ffmpeg ----

const spec = { seconds: 8, width: 640, height: 360, fps: 25, gopSeconds: 3 };
let root = '';
let source = '';
let firstDigest = '';

test.before(async () => {
  if (!detection.available) return;
  root = await makeWorkDir('statemill-media-test-');
  source = join(root, 'source.mp4');
  await generateSource(source, spec);
});

test.after(async () => {
  if (root !== '') await removeWorkDir(root);
});

withFfmpeg('an 8 s video: 3 segments, every frame, the source duration, a manifest', async () => {
  const machine = compile(mediaDefinition, { handlers });
  const workDir = join(root, 'run-1');
  const result = await machine.execute(mediaInput({ jobId: 'job-media', source, workDir, maxConcurrency: 2 }));
  assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
  const output = result.output as MediaOutput;
  assert.equal(await mediaProblems(output, spec, workDir), []);
  assert.is(output.segmentCount, 3);
  assert.is(output.frames, 200);
  assert.ok(Math.abs(output.durationMs - 8000) <= 80, String(output.durationMs));
  assert.equal(await readdir(join(workDir, 'parts')), ['part-0000.mp4', 'part-0001.mp4', 'part-0002.mp4']);
  const manifest = JSON.parse(await readFile(join(workDir, 'manifest.json'), 'utf8'));
  assert.is(manifest.segments.length, 3);
  assert.is(manifest.output.sha256, output.digest);
  firstDigest = output.digest;
});

withFfmpeg('one segment at a time, every attempt retried twice: the same bytes', async () => {
  // The virtual clock makes the retry intervals pass at once; no execution deadline, since
  // virtual time would run out while ffmpeg works for real.
  const machine = compile(mediaDefinition, { handlers, clock: virtualClock(), limits: { executionMs: Infinity } });
  const workDir = join(root, 'run-2');
  const result = await machine.execute(mediaInput({ jobId: 'job-media', source, workDir, maxConcurrency: 1, transientFailureRate: 1 }));
  assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
  assert.is((result.output as MediaOutput).digest, firstDigest);
});

withFfmpeg('through the pool with Map fan-out: the same bytes', async () => {
  const pool = createPool({ threads: 2, mapFanOutMinItems: 1 });
  try {
    pool.register('media', { definition: mediaDefinition, handlers: mediaHandlersModule, mapFanOut: true });
    const workDir = join(root, 'run-3');
    const result = await pool.execute('media', mediaInput({ jobId: 'job-media', source, workDir, maxConcurrency: 2 }));
    assert.is(result.status, 'SUCCEEDED', `${result.error}: ${result.cause}`);
    assert.equal(await mediaProblems(result.output as MediaOutput, spec, workDir, defaultRendition), []);
    assert.is((result.output as MediaOutput).digest, firstDigest);
  } finally {
    await pool.close();
  }
});

withFfmpeg('an aborted execution kills its ffmpeg processes', async () => {
  const machine = compile(mediaDefinition, { handlers });
  const workDir = join(root, 'run-aborted');
  const controller = new AbortController();
  const running = machine.execute(mediaInput({ jobId: 'job-media', source, workDir, maxConcurrency: 2 }), { signal: controller.signal });
  // Abort once the transcodes are under way.
  for (let i = 0; i < 200; i++) {
    if ((await readdir(join(workDir, 'parts')).catch(() => [])).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  controller.abort();
  const result = await running;
  assert.is(result.status, 'ABORTED');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const { stdout } = await promisify(execFile)('ps', ['-eo', 'args']);
  const left = stdout.split('\n').filter((line) => line.includes(workDir));
  assert.equal(left, []);
});

withFfmpeg('detection names ffprobe when only ffmpeg is there', async () => {
  if (!detection.available) return;
  const found = await detectFfmpeg({ ffmpeg: detection.tools.ffmpeg, ffprobe: MISSING });
  assert.is(found.available, false);
  if (!found.available) assert.is(found.code, MediaUnavailableCodes.FFPROBE_NOT_FOUND);
});

if (skipped.length > 0) {
  console.log(`  video-media: ${skipped.length} end-to-end tests with ffmpeg skipped: ${detection.available ? '' : detection.reason}`);
  for (const name of skipped) console.log(`    skipped: ${name}`);
}

test.run();
