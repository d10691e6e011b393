/**
 * Map fan-out latency: one execution whose only state is the video-transcode Map over N
 * segments, timed from start to end (= Map entry to Map exit), against the ideal: N times
 * one segment's transcode time, divided by the threads available.
 */
import { transcodeSegment, type Segment, type TranscodedPart } from '../../workloads/video-transcode/handlers.js';
import { videoTranscode } from '../../workloads/video-transcode/workload.js';
import { differenceBetween, type Outcome } from '../outcome.js';
import { NO_PAYLOAD_LIMIT } from '../engines/pool.js';
import { statemillSubject } from '../engines/statemill.js';
import { isPromiseLike, type Subject } from '../engines/subject.js';
import type { ModeName } from '../options.js';
import type { Progress } from '../progress.js';
import { formatLatency } from '../units.js';
import type { FanoutRecord } from '../report/types.js';
import type { BenchWorkflow } from '../workflow.js';

/** Synthetic bytes per frame: one 3-second segment then costs about 0.2 ms on the reference machine. */
const FRAME_BYTES = 48;
const FPS = 30;

function fanoutDefinition(): Record<string, unknown> {
  const states = videoTranscode.definition.States as Record<string, Record<string, unknown>>;
  const map: Record<string, unknown> = { ...states.TranscodeSegments!, ResultPath: '$.parts', OutputPath: '$.parts', End: true };
  delete map.Next;
  return { Comment: 'The video-transcode Map alone', StartAt: 'TranscodeSegments', States: { TranscodeSegments: map } };
}

function fanoutInput(items: number): { jobId: string; source: { fps: number }; profile: Record<string, unknown>; segments: Segment[] } {
  const segments: Segment[] = Array.from({ length: items }, (_, index) => ({ index, startMs: index * 3000, durationMs: 3000, glitches: 0 }));
  return {
    jobId: `fanout-${items}`,
    source: { fps: FPS },
    profile: { name: '720p', width: 1280, height: 720, bitrateKbps: 3000, frameBytes: FRAME_BYTES, effort: 1 },
    segments,
  };
}

function expectedParts(input: ReturnType<typeof fanoutInput>): TranscodedPart[] {
  return input.segments.map((segment) => transcodeSegment({ jobId: input.jobId, fps: FPS, profile: input.profile as never, segment }, { attempt: 1 }));
}

/** Median time of one segment's transcode, called directly. */
function itemMicroseconds(input: ReturnType<typeof fanoutInput>): number {
  const samples: number[] = [];
  const request = { jobId: input.jobId, fps: FPS, profile: input.profile as never, segment: input.segments[0]! };
  for (let i = 0; i < 400; i++) {
    const started = performance.now();
    transcodeSegment(request, { attempt: 1 });
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1]! * 1000;
}

export function fanoutWorkflow(): BenchWorkflow {
  return {
    name: 'map-fanout',
    definition: fanoutDefinition(),
    handlers: videoTranscode.handlers,
    handlersModule: videoTranscode.handlersModule,
    generator: null,
    inputs: [],
    baseline: null,
    expected: null,
  };
}

/** Builds the subject that runs the fan-out definition in a given mode and thread count. */
export type FanoutSubjectFactory = (workflow: BenchWorkflow, threads: number) => Promise<Subject | string>;

export interface FanoutPlan {
  readonly items: readonly number[];
  readonly modes: readonly { readonly mode: ModeName; readonly threads: number; readonly factory: FanoutSubjectFactory }[];
  /** Rough time budget per (items, mode) cell. */
  readonly budgetMs: number;
}

export const inProcessFanout: FanoutSubjectFactory = async (workflow) => statemillSubject(workflow, { payloadBytes: NO_PAYLOAD_LIMIT });

export async function measureFanout(plan: FanoutPlan, progress: Progress, skipped: string[]): Promise<FanoutRecord[]> {
  const workflow = fanoutWorkflow();
  const records: FanoutRecord[] = [];
  for (const { mode, threads, factory } of plan.modes) {
    const subject = await factory(workflow, threads);
    if (typeof subject === 'string') {
      skipped.push(`fan-out in ${mode} mode with ${threads} threads: ${subject}`);
      continue;
    }
    try {
      for (const items of plan.items) {
        const input = fanoutInput(items);
        const expected: Outcome = { status: 'SUCCEEDED', output: expectedParts(input) };
        const difference = differenceBetween(expected, await subject.outcome(input));
        if (difference !== null) {
          skipped.push(`fan-out of ${items} items in ${mode} mode: wrong answer (${difference})`);
          continue;
        }
        const itemUs = itemMicroseconds(input);
        const idealMs = (items * itemUs) / 1000 / threads;
        const runs = Math.max(1, Math.min(15, Math.floor(plan.budgetMs / Math.max(idealMs, 1))));
        progress.start(`map fan-out · ${items} items · ${mode}${mode === 'inproc' ? '' : ` · ${threads} threads`}`);
        const times: number[] = [];
        for (let run = 0; run < runs; run++) {
          const started = performance.now();
          const out = subject.run(input);
          if (isPromiseLike(out)) await out;
          times.push(performance.now() - started);
          progress.update(
            run + 1,
            times.reduce((a, b) => a + b, 0),
          );
        }
        times.sort((a, b) => a - b);
        const measuredMs = times[times.length >> 1]!;
        const record: FanoutRecord = {
          items,
          mode,
          threads,
          itemUs: Math.round(itemUs * 100) / 100,
          idealMs: Math.round(idealMs * 100) / 100,
          measuredMs: Math.round(measuredMs * 100) / 100,
          ratioToIdeal: Math.round((measuredMs / idealMs) * 100) / 100,
          runs,
        };
        records.push(record);
        progress.done(`${formatLatency(record.measuredMs * 1000)} (ideal ${formatLatency(record.idealMs * 1000)}, ×${record.ratioToIdeal})`);
      }
    } finally {
      await subject.close();
    }
  }
  return records;
}
