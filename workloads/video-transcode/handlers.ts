/**
 * Handlers of the video-transcode workload. The transcode step does real, deterministic CPU
 * work proportional to the segment's length: it synthesises the segment's frames, compresses
 * them with zlib and hashes the result. `profile.frameBytes` and `profile.effort` tune it.
 */
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { hashString, SeededRandom } from '../support/random.js';
import { workflowError } from '../support/errors.js';
import type { HandlerContext } from '../types.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
export const LOCATE_KEYFRAMES = FUNCTION_ARN + 'video-locate-keyframes';
export const SPLIT_SEGMENTS = FUNCTION_ARN + 'video-split-segments';
export const TRANSCODE_SEGMENT = FUNCTION_ARN + 'video-transcode-segment';
export const CONCATENATE = FUNCTION_ARN + 'video-concatenate';
export const PUBLISH = FUNCTION_ARN + 'video-publish';

export interface Segment {
  index: number;
  startMs: number;
  durationMs: number;
  /** How many first attempts fail with Transcode.EncoderBusy (simulated contention). */
  glitches: number;
}

export interface Profile {
  name: string;
  width: number;
  height: number;
  bitrateKbps: number;
  /** Synthetic bytes per frame: the CPU cost knob. */
  frameBytes: number;
  /** zlib level 1–9. */
  effort: number;
}

export interface TranscodedPart {
  index: number;
  durationMs: number;
  bytes: number;
  digest: string;
}

function frameTimeMs(frame: number, fps: number): number {
  return Math.round((frame * 1000) / fps);
}

/** Keyframes of the source: one per GOP, and earlier ones at simulated scene cuts. */
export function locateKeyframes(input: { jobId: string; durationSeconds: number; fps: number; gopSeconds: number }): {
  keyframesMs: number[];
} {
  const random = new SeededRandom(hashString(input.jobId));
  const totalFrames = Math.round(input.durationSeconds * input.fps);
  const gopFrames = Math.max(1, Math.round(input.gopSeconds * input.fps));
  const keyframesMs: number[] = [];
  for (let frame = 0; frame < totalFrames;) {
    keyframesMs.push(frameTimeMs(frame, input.fps));
    const sceneCut = random.chance(0.3);
    frame += sceneCut ? random.int(Math.max(1, gopFrames >> 2), gopFrames - 1 || 1) : gopFrames;
  }
  return { keyframesMs };
}

/** Cuts the source into segments of about `segmentSeconds`, each starting on a keyframe. */
export function splitSegments(input: {
  jobId: string;
  keyframesMs: number[];
  durationSeconds: number;
  segmentSeconds: number;
  transientFailureRate: number;
}): Segment[] {
  const totalMs = Math.round(input.durationSeconds * 1000);
  const targetMs = input.segmentSeconds * 1000;
  const keyframes = input.keyframesMs;
  const faults = new SeededRandom(hashString(input.jobId) ^ 0x5bd1e995);
  const segments: Segment[] = [];
  let k = 0;
  for (let start = 0; start < totalMs;) {
    const nominalEnd = start + targetMs;
    while (k < keyframes.length && keyframes[k]! <= start) k++;
    // Cut on the keyframe nearest the nominal end (segments can only start on keyframes).
    while (k + 1 < keyframes.length && Math.abs(keyframes[k + 1]! - nominalEnd) <= Math.abs(keyframes[k]! - nominalEnd)) k++;
    const end = k < keyframes.length && nominalEnd < totalMs ? keyframes[k]! : totalMs;
    segments.push({
      index: segments.length,
      startMs: start,
      durationMs: end - start,
      glitches: faults.failures(input.transientFailureRate, 2),
    });
    start = end;
  }
  return segments;
}

/** Deterministic frame data: a gradient that moves from frame to frame, plus noise. */
function synthesizeFrames(seed: number, frames: number, frameBytes: number): Uint8Array {
  const words = Math.max(1, frameBytes >> 2);
  const data = new Uint32Array(frames * words);
  let state = seed | 1;
  for (let f = 0; f < frames; f++) {
    const base = f * words;
    const shift = Math.imul(f, 0x01020304);
    for (let w = 0; w < words; w++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      data[base + w] = ((Math.imul(w, 0x04030201) + shift) & 0xf8f8f8f8) | (state & 0x07070707);
    }
  }
  return new Uint8Array(data.buffer);
}

export function transcodeSegment(input: { jobId: string; fps: number; profile: Profile; segment: Segment }, ctx: HandlerContext): TranscodedPart {
  const segment = input.segment;
  if (ctx.attempt <= segment.glitches) {
    throw workflowError('Transcode.EncoderBusy', `Encoder busy while transcoding segment ${segment.index} of ${input.jobId}`);
  }
  const frames = Math.max(1, Math.round((segment.durationMs * input.fps) / 1000));
  const raw = synthesizeFrames(hashString(input.jobId) ^ Math.imul(segment.index + 1, 0x27d4eb2f), frames, input.profile.frameBytes);
  const encoded = deflateRawSync(raw, { level: input.profile.effort });
  const digest = createHash('sha256').update(encoded).digest('hex').slice(0, 16);
  return { index: segment.index, durationMs: segment.durationMs, bytes: encoded.length, digest };
}

export function concatenate(input: { jobId: string; parts: TranscodedPart[] }): {
  segmentCount: number;
  totalBytes: number;
  durationMs: number;
  digest: string;
} {
  const hash = createHash('sha256');
  let totalBytes = 0;
  let durationMs = 0;
  for (let i = 0; i < input.parts.length; i++) {
    const part = input.parts[i]!;
    if (part.index !== i) throw workflowError('Concatenate.MissingSegment', `Segment ${i} of ${input.jobId} is missing or out of order`);
    totalBytes += part.bytes;
    durationMs += part.durationMs;
    hash.update(part.digest);
  }
  return { segmentCount: input.parts.length, totalBytes, durationMs, digest: hash.digest('hex').slice(0, 32) };
}

export function publish(input: { jobId: string; playlistKey: string; digest: string; segmentCount: number }): {
  url: string;
  etag: string;
} {
  const etag = createHash('md5').update(input.playlistKey).update(input.digest).digest('hex');
  return { url: `https://cdn.example.com/vod/${input.playlistKey}`, etag };
}

export const handlers = {
  [LOCATE_KEYFRAMES]: locateKeyframes,
  [SPLIT_SEGMENTS]: splitSegments,
  [TRANSCODE_SEGMENT]: transcodeSegment,
  [CONCATENATE]: concatenate,
  [PUBLISH]: publish,
};
