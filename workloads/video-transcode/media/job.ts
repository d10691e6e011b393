/**
 * One real-media job, for the benchmark and the tests: a working directory, the generated
 * source video, the workflow input, and the checks its result must pass.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { siblingModule } from '../../support/modules.js';
import { sourceVideoArgs, type RenditionProfile, type SourceSpec } from './commands.js';
import definition from './definition.asl.json' with { type: 'json' };
import { mediaTools, runTool } from './tools.js';

export const mediaDefinition: Record<string, unknown> = definition;

/** The handlers module, for worker threads (which load handlers by module URL). */
export const mediaHandlersModule = siblingModule(import.meta.url, 'handlers');

/** 60 s of 640x360 at 25 fps, a keyframe every 3 s: 20 segments. */
export const defaultSource: SourceSpec = { seconds: 60, width: 640, height: 360, fps: 25, gopSeconds: 3 };

export const defaultRendition: RenditionProfile = { name: '270p', width: 480, height: 270, bitrateKbps: 500, preset: 'veryfast' };

/** Segments are cut every 3 s, on the source's keyframes. */
export const SEGMENT_SECONDS = 3;

/** A fresh directory under the system's temp directory; remove it with `removeWorkDir`. */
export function makeWorkDir(prefix = 'statemill-media-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export function removeWorkDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Writes the test source to `file` (absolute); resolves once ffmpeg has finished. */
export async function generateSource(file: string, spec: SourceSpec = defaultSource, signal?: AbortSignal): Promise<void> {
  await runTool(mediaTools().ffmpeg, sourceVideoArgs(spec, file), signal);
}

export interface MediaJob {
  readonly jobId: string;
  /** Absolute path of the source video. */
  readonly source: string;
  /** Absolute path of the job's own (existing or to-be-created) working directory. */
  readonly workDir: string;
  /** The Map's MaxConcurrency: segments transcoded at once (0: all). */
  readonly maxConcurrency: number;
  readonly profile?: RenditionProfile;
  /** Chance that each of a segment's first two attempts finds the encoder busy. */
  readonly transientFailureRate?: number;
}

/** The workflow input for one job. */
export function mediaInput(job: MediaJob): Record<string, unknown> {
  return {
    jobId: job.jobId,
    source: job.source,
    workDir: job.workDir,
    segmentSeconds: SEGMENT_SECONDS,
    maxConcurrency: job.maxConcurrency,
    profile: job.profile ?? defaultRendition,
    simulation: { transientFailureRate: job.transientFailureRate ?? 0 },
  };
}

/** Segments a source of `spec` splits into: its keyframes fall every 3 s, so one per 3 s started. */
export function expectedSegments(spec: SourceSpec): number {
  return Math.ceil(spec.seconds / SEGMENT_SECONDS - 1e-9);
}

/** What the workflow's output says about the finished file (the Done state's fields). */
export interface MediaOutput {
  readonly segmentCount: number;
  readonly durationMs: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly hasAudio: boolean;
  readonly bytes: number;
  readonly digest: string;
  readonly source: { readonly durationMs: number; readonly frames: number; readonly fps: number };
}

/**
 * Everything wrong with a job's result: segment count, duration within two frames of the
 * source's, every frame there, the rendition's size, sound kept, the file and manifest
 * where the output says. Empty when the job did its work.
 */
export async function mediaProblems(output: MediaOutput, spec: SourceSpec, workDir: string, profile: RenditionProfile = defaultRendition): Promise<string[]> {
  const problems: string[] = [];
  const segments = expectedSegments(spec);
  if (output.segmentCount !== segments) problems.push(`${output.segmentCount} segments, expected ${segments}`);
  const frameMs = 1000 / spec.fps;
  const sourceMs = spec.seconds * 1000;
  if (Math.abs(output.source.durationMs - sourceMs) > 2 * frameMs) problems.push(`the source lasts ${output.source.durationMs} ms, expected ${sourceMs}`);
  if (Math.abs(output.durationMs - output.source.durationMs) > 2 * frameMs) {
    problems.push(`the output lasts ${output.durationMs} ms, the source ${output.source.durationMs} ms (more than two frames apart)`);
  }
  if (output.frames !== output.source.frames) problems.push(`the output has ${output.frames} frames, the source ${output.source.frames}`);
  if (output.width !== profile.width || output.height !== profile.height)
    problems.push(`the output is ${output.width}x${output.height}, expected ${profile.width}x${profile.height}`);
  if (!output.hasAudio) problems.push('the output has no audio');
  const file = await stat(join(workDir, 'output.mp4')).catch(() => null);
  if (file === null) problems.push('no output.mp4 in the working directory');
  else if (file.size !== output.bytes) problems.push(`output.mp4 has ${file.size} bytes, the result says ${output.bytes}`);
  const manifest = await readFile(join(workDir, 'manifest.json'), 'utf8').catch(() => null);
  if (manifest === null) problems.push('no manifest.json in the working directory');
  else if ((JSON.parse(manifest) as { output?: { sha256?: string } }).output?.sha256 !== output.digest)
    problems.push("the manifest's digest differs from the result's");
  return problems;
}
