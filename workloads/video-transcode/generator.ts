/**
 * Inputs of the video-transcode workload: one upload to transcode to one rendition.
 *
 * Options (all optional):
 * - `segments`: about how many 3-second segments the source splits into (default 40)
 * - `frameBytes`: synthetic bytes per frame, the transcode cost knob (default 1024)
 * - `effort`: zlib level 1–9 (default 1)
 * - `transientFailureRate`: chance that a transcode attempt finds the encoder busy (default 0.02)
 */
import { numberOption, randomFor } from '../support/random.js';
import type { GeneratorOptions } from '../types.js';

const RENDITIONS = [
  { name: '1080p', width: 1920, height: 1080, bitrateKbps: 6000 },
  { name: '720p', width: 1280, height: 720, bitrateKbps: 3000 },
  { name: '480p', width: 854, height: 480, bitrateKbps: 1200 },
] as const;

export function generateInput(seed: number, index: number, options?: GeneratorOptions): unknown {
  const random = randomFor(seed, index);
  const segments = Math.max(1, Math.round(numberOption(options, 'segments', 40)));
  const fps = random.pick([24, 25, 30]);
  // A little under `segments` × 3 s, so the last segment is short, as it usually is.
  const durationSeconds = Math.round((segments * 3 - 0.1 - random.next() * 2) * 10) / 10;
  const rendition = random.pick(RENDITIONS);
  const jobId = `job-${seed}-${index}-${random.hex(6)}`;
  return {
    jobId,
    source: {
      uri: `s3://media-ingest/uploads/${jobId}/source.mp4`,
      container: 'mp4',
      codec: 'h264',
      width: 3840,
      height: 2160,
      fps,
      gopSeconds: 2,
      durationSeconds,
      sizeBytes: Math.round(durationSeconds * 2_500_000),
    },
    profile: {
      name: rendition.name,
      width: rendition.width,
      height: rendition.height,
      bitrateKbps: rendition.bitrateKbps,
      frameBytes: Math.max(4, Math.round(numberOption(options, 'frameBytes', 1024))),
      effort: Math.min(9, Math.max(1, Math.round(numberOption(options, 'effort', 1)))),
    },
    segmentSeconds: 3,
    simulation: { transientFailureRate: numberOption(options, 'transientFailureRate', 0.02) },
    requestedBy: `user-${random.int(1000, 9999)}@example.com`,
  };
}
