/** video-transcode written by hand: the same handlers, called in order by plain code. */
import { workflowErrorOutcome } from '../support/outcome.js';
import type { Outcome } from '../types.js';
import { concatenate, locateKeyframes, publish, splitSegments, transcodeSegment, type Profile, type TranscodedPart } from './handlers.js';

interface VideoJob {
  jobId: string;
  source: { durationSeconds: number; fps: number; gopSeconds: number };
  profile: Profile;
  segmentSeconds: number;
  simulation: { transientFailureRate: number };
}

const TRANSCODE_MAX_RETRIES = 3;

/** The Retry field as a loop (the interval passes instantly, as under the virtual clock). */
function transcodeWithRetry(input: Parameters<typeof transcodeSegment>[0]): TranscodedPart {
  for (let attempt = 1; ; attempt++) {
    try {
      return transcodeSegment(input, { attempt });
    } catch (error) {
      if ((error as Error).name !== 'Transcode.EncoderBusy' || attempt > TRANSCODE_MAX_RETRIES) throw error;
    }
  }
}

export function runVideoTranscode(input: unknown): Outcome {
  const job = input as VideoJob;
  try {
    const scan = locateKeyframes({
      jobId: job.jobId,
      durationSeconds: job.source.durationSeconds,
      fps: job.source.fps,
      gopSeconds: job.source.gopSeconds,
    });
    const segments = splitSegments({
      jobId: job.jobId,
      keyframesMs: scan.keyframesMs,
      durationSeconds: job.source.durationSeconds,
      segmentSeconds: job.segmentSeconds,
      transientFailureRate: job.simulation.transientFailureRate,
    });
    const parts: TranscodedPart[] = new Array(segments.length);
    for (let i = 0; i < segments.length; i++) {
      parts[i] = transcodeWithRetry({ jobId: job.jobId, fps: job.source.fps, profile: job.profile, segment: segments[i]! });
    }
    const assembled = concatenate({ jobId: job.jobId, parts });
    const publication = publish({
      jobId: job.jobId,
      playlistKey: `${job.jobId}/${job.profile.name}/index.m3u8`,
      digest: assembled.digest,
      segmentCount: assembled.segmentCount,
    });
    return {
      status: 'SUCCEEDED',
      output: {
        jobId: job.jobId,
        profile: job.profile.name,
        playlistUrl: publication.url,
        segmentCount: assembled.segmentCount,
        totalBytes: assembled.totalBytes,
        durationMs: assembled.durationMs,
        digest: assembled.digest,
      },
    };
  } catch (error) {
    return workflowErrorOutcome(error);
  }
}
