/**
 * Handlers of the real-media video-transcode workflow (definition.asl.json here): each step
 * runs ffprobe or ffmpeg as a child process in the job's working directory, and kills it
 * when the task's AbortSignal aborts. ffmpeg runs with one thread everywhere, so any
 * speedup comes from running segments side by side, the engine's doing.
 *
 * ASL errors: Media.InvalidInput, Media.ToolMissing, Media.ProbeFailed, Media.Aborted,
 * Split.Failed, Split.SegmentMismatch, Transcode.EncoderBusy (retried), Transcode.Failed,
 * Concatenate.MissingSegment, Concatenate.Failed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { workflowError } from '../../support/errors.js';
import { splitSegments as planSegments, type Segment } from '../handlers.js';
import { checkProfile, concatArgs, probeOutputArgs, probeSourceArgs, splitArgs, transcodeArgs } from './commands.js';
import { absolutePath, isSegmentName, jobFiles, partEntry, partFile, segmentFile, segmentIndex } from './files.js';
import { parseOutputProbe, parseSourceProbe, PROBE_FAILED, type OutputScan, type SourceScan } from './probe.js';
import { mediaTools, runTool, ToolFailure, ToolFailures } from './tools.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
export const LOCATE_KEYFRAMES = FUNCTION_ARN + 'media-locate-keyframes';
export const SPLIT_SEGMENTS = FUNCTION_ARN + 'media-split-segments';
export const TRANSCODE_SEGMENT = FUNCTION_ARN + 'media-transcode-segment';
export const CONCATENATE = FUNCTION_ARN + 'media-concatenate';
export const PUBLISH = FUNCTION_ARN + 'media-publish';

/** The part of statemill's task context these handlers read. */
export interface MediaTaskContext {
  readonly attempt: number;
  readonly signal?: AbortSignal;
}

export interface TranscodedPart {
  readonly index: number;
  readonly durationMs: number;
  readonly bytes: number;
  /** First 16 hex digits of the part file's SHA-256. */
  readonly digest: string;
}

/**
 * Runs a tool for one step and turns its failure into the step's ASL error. A system that
 * refuses a new process for now counts as `busyError` (retried where the definition says so).
 */
async function runStep(command: string, args: string[], signal: AbortSignal | undefined, failedError: string, busyError = failedError): Promise<string> {
  try {
    return await runTool(command, args, signal);
  } catch (error) {
    if (!(error instanceof ToolFailure)) throw error;
    if (error.code === ToolFailures.NOT_FOUND)
      throw workflowError('Media.ToolMissing', `${error.detail}: install ffmpeg or set STATEMILL_FFMPEG / STATEMILL_FFPROBE`);
    if (error.code === ToolFailures.ABORTED) throw workflowError('Media.Aborted', error.message);
    throw workflowError(error.code === ToolFailures.BUSY ? busyError : failedError, error.message);
  }
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** ffprobe the source: keyframe times from the packet flags, duration, frames and rate of the video. */
export async function locateKeyframes(input: { source: string }, ctx: MediaTaskContext): Promise<SourceScan> {
  const source = absolutePath(input.source, 'source');
  return parseSourceProbe(await runStep(mediaTools().ffprobe, probeSourceArgs(source), ctx.signal, PROBE_FAILED));
}

/**
 * Plans segments of about `segmentSeconds` that start on keyframes (the synthetic workload's
 * planner, so both modes cut alike), then cuts the video into them by stream copy.
 */
export async function splitSegments(
  input: { jobId: string; source: string; workDir: string; keyframesMs: number[]; durationMs: number; segmentSeconds: number; transientFailureRate: number },
  ctx: MediaTaskContext,
): Promise<Segment[]> {
  const source = absolutePath(input.source, 'source');
  const files = jobFiles(input.workDir);
  const segments = planSegments({
    jobId: input.jobId,
    keyframesMs: input.keyframesMs,
    durationSeconds: input.durationMs / 1000,
    segmentSeconds: input.segmentSeconds,
    transientFailureRate: input.transientFailureRate,
  });
  await rm(files.segmentsDir, { recursive: true, force: true });
  await mkdir(files.segmentsDir, { recursive: true });
  const cuts = segments.slice(1).map((segment) => segment.startMs);
  await runStep(mediaTools().ffmpeg, splitArgs(source, cuts, files.segmentPattern), ctx.signal, 'Split.Failed');
  const made = (await readdir(files.segmentsDir)).filter(isSegmentName).length;
  if (made !== segments.length) {
    throw workflowError('Split.SegmentMismatch', `planned ${segments.length} segments of ${input.jobId}, ffmpeg cut ${made}`);
  }
  return segments;
}

/**
 * Transcodes one segment to the rendition. The first `segment.glitches` attempts find the
 * encoder busy (simulated contention, as in the synthetic workload); a system out of
 * processes or files is busy for real. A failed or aborted attempt leaves no part behind.
 */
export async function transcodeSegment(
  input: { jobId: string; workDir: string; profile: unknown; segment: Segment },
  ctx: MediaTaskContext,
): Promise<TranscodedPart> {
  const segment = input.segment;
  const index = segmentIndex(segment?.index);
  if (ctx.attempt <= segment.glitches) {
    throw workflowError('Transcode.EncoderBusy', `Encoder busy while transcoding segment ${index} of ${input.jobId}`);
  }
  const profile = checkProfile(input.profile);
  const files = jobFiles(input.workDir);
  const part = partFile(files, index);
  await mkdir(files.partsDir, { recursive: true });
  try {
    await runStep(mediaTools().ffmpeg, transcodeArgs(segmentFile(files, index), part, profile), ctx.signal, 'Transcode.Failed', 'Transcode.EncoderBusy');
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  }
  const bytes = await readFile(part);
  return { index, durationMs: segment.durationMs, bytes: bytes.length, digest: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
}

/** Joins the parts in order with the concat demuxer, adds the source's audio, and probes the result. */
export async function concatenate(
  input: { jobId: string; source: string; workDir: string; parts: TranscodedPart[] },
  ctx: MediaTaskContext,
): Promise<OutputScan & { segmentCount: number; partBytes: number; bytes: number }> {
  const source = absolutePath(input.source, 'source');
  const files = jobFiles(input.workDir);
  const lines: string[] = [];
  let partBytes = 0;
  for (let i = 0; i < input.parts.length; i++) {
    const part = input.parts[i];
    if (part?.index !== i) throw workflowError('Concatenate.MissingSegment', `Segment ${i} of ${input.jobId} is missing or out of order`);
    lines.push(`file '${partEntry(i)}'`);
    partBytes += part.bytes;
  }
  await writeFile(files.partList, lines.join('\n') + '\n');
  const tools = mediaTools();
  await runStep(tools.ffmpeg, concatArgs(files.partList, source, files.output), ctx.signal, 'Concatenate.Failed');
  const scan = parseOutputProbe(await runStep(tools.ffprobe, probeOutputArgs(files.output), ctx.signal, PROBE_FAILED));
  const { size } = await stat(files.output);
  return { ...scan, segmentCount: input.parts.length, partBytes, bytes: size };
}

/** Hashes the output and writes the job's manifest next to it. */
export async function publish(input: {
  jobId: string;
  workDir: string;
  manifestKey: string;
  segmentCount: number;
  durationMs: number;
  frames: number;
  parts: TranscodedPart[];
}): Promise<{ url: string; digest: string; bytes: number; manifest: string }> {
  const files = jobFiles(input.workDir);
  const digest = await sha256File(files.output);
  const { size } = await stat(files.output);
  const manifest = {
    jobId: input.jobId,
    key: input.manifestKey,
    output: { file: 'output.mp4', bytes: size, sha256: digest, durationMs: input.durationMs, frames: input.frames },
    segments: input.parts.map((part) => ({ file: partEntry(part.index), durationMs: part.durationMs, bytes: part.bytes, digest: part.digest })),
  };
  await writeFile(files.manifest, JSON.stringify(manifest, null, 2) + '\n');
  return { url: `https://cdn.example.com/vod/${input.manifestKey}`, digest, bytes: size, manifest: 'manifest.json' };
}

export const handlers = {
  [LOCATE_KEYFRAMES]: locateKeyframes,
  [SPLIT_SEGMENTS]: splitSegments,
  [TRANSCODE_SEGMENT]: transcodeSegment,
  [CONCATENATE]: concatenate,
  [PUBLISH]: publish,
};
