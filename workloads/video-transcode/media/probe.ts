/** Reading ffprobe's JSON: the facts the pipeline needs, or a Media.ProbeFailed error. */
import { workflowError } from '../../support/errors.js';

export const PROBE_FAILED = 'Media.ProbeFailed';

/** What LocateKeyframes learns about the source's video. */
export interface SourceScan {
  readonly keyframesMs: number[];
  readonly durationMs: number;
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly codec: string;
}

/** What Concatenate learns about the finished file. */
export interface OutputScan {
  readonly durationMs: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly hasAudio: boolean;
}

type Entries = Record<string, unknown>;

function parse(text: string, what: string): Entries {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Entries;
  } catch {
    // Reported below with the rest.
  }
  throw workflowError(PROBE_FAILED, `ffprobe's report on the ${what} is not a JSON object`);
}

function list(report: Entries, key: string): Entries[] {
  const value = report[key];
  return Array.isArray(value) ? value.filter((entry): entry is Entries => entry !== null && typeof entry === 'object') : [];
}

/** ffprobe writes numbers as strings ("60.000000", "1500", "N/A"). */
function numberOf(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** "25/1", "30000/1001" → frames per second. */
function rate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (match === null || match[2] === '0') return null;
  return Number(match[1]) / Number(match[2]);
}

function durationMsOf(stream: Entries, report: Entries): number | null {
  const format = report.format as Entries | undefined;
  const seconds = numberOf(stream.duration) ?? (format !== undefined && format !== null ? numberOf(format.duration) : null);
  return seconds === null ? null : Math.round(seconds * 1000);
}

/** The source's keyframe times (ms, ascending) and its video stream. */
export function parseSourceProbe(text: string): SourceScan {
  const report = parse(text, 'source');
  const stream = list(report, 'streams')[0];
  if (stream === undefined) throw workflowError(PROBE_FAILED, 'the source has no video stream');
  const packets = list(report, 'packets');
  const keyframes = new Set<number>();
  for (const packet of packets) {
    const time = numberOf(packet.pts_time);
    if (time !== null && typeof packet.flags === 'string' && packet.flags.startsWith('K')) keyframes.add(Math.round(time * 1000));
  }
  const keyframesMs = [...keyframes].sort((a, b) => a - b);
  if (keyframesMs.length === 0) throw workflowError(PROBE_FAILED, 'the source has no keyframes');
  const durationMs = durationMsOf(stream, report);
  const fps = rate(stream.r_frame_rate);
  if (durationMs === null || fps === null) throw workflowError(PROBE_FAILED, 'the source has no duration or frame rate');
  return {
    keyframesMs,
    durationMs,
    frames: numberOf(stream.nb_frames) ?? packets.length,
    fps: Math.round(fps * 1000) / 1000,
    width: numberOf(stream.width) ?? 0,
    height: numberOf(stream.height) ?? 0,
    codec: typeof stream.codec_name === 'string' ? stream.codec_name : 'unknown',
  };
}

/** The finished file's video stream, and whether it has sound. */
export function parseOutputProbe(text: string): OutputScan {
  const report = parse(text, 'output');
  const streams = list(report, 'streams');
  const video = streams.find((s) => s.codec_type === 'video');
  if (video === undefined) throw workflowError(PROBE_FAILED, 'the output has no video stream');
  const durationMs = durationMsOf(video, report);
  const frames = numberOf(video.nb_frames);
  if (durationMs === null || frames === null) throw workflowError(PROBE_FAILED, 'the output has no duration or frame count');
  return {
    durationMs,
    frames,
    width: numberOf(video.width) ?? 0,
    height: numberOf(video.height) ?? 0,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}
