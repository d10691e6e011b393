/**
 * The real-media benchmark: one generated test video transcoded by the video-transcode
 * workflow with ffmpeg, (a) in-process with the Map one segment at a time, (b) in-process
 * with as many segments at once as there are cores, (c) through the pool with the Map's
 * iterations fanned out across its threads. Every configuration is checked first (status,
 * segment count, duration, frames, the same output bytes), then timed in interleaved rounds.
 */
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../src/index.js';
import { createPool, type Pool } from '../../src/pool/index.js';
import type { SourceSpec } from '../../workloads/video-transcode/media/commands.js';
import { handlers } from '../../workloads/video-transcode/media/handlers.js';
import {
  defaultRendition,
  defaultSource,
  generateSource,
  makeWorkDir,
  mediaDefinition,
  mediaHandlersModule,
  mediaInput,
  mediaProblems,
  removeWorkDir,
  type MediaOutput,
} from '../../workloads/video-transcode/media/job.js';
import { detectFfmpeg } from '../../workloads/video-transcode/media/tools.js';
import { describeMachine, machineInfo } from '../machine.js';
import { median } from '../median.js';

export interface MediaBenchOptions {
  /** Length of the generated source, in whole seconds. */
  readonly seconds: number;
  /** Thread counts of the pool configurations. */
  readonly threads: readonly number[];
  /** MaxConcurrency of configuration (b). */
  readonly cores: number;
  readonly rounds: number;
  /** Chance of a simulated busy encoder per attempt (retried after 1 s, then 2 s). */
  readonly failureRate: number;
  /** Leave the working directory in place and say where it is. */
  readonly keep: boolean;
  readonly json: boolean;
}

export interface MediaBenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const MediaExitCodes = {
  OK: 0,
  /** A configuration failed or produced a wrong video. */
  WRONG_RESULT: 1,
  /** ffmpeg (or ffprobe, or libx264) is not available, or the options are wrong. */
  SETUP: 2,
} as const;

export function defaultMediaOptions(): MediaBenchOptions {
  const cores = availableParallelism();
  return { seconds: defaultSource.seconds, threads: [cores], cores, rounds: 3, failureRate: 0, keep: false, json: false };
}

/** Real media outlasts Express's 5-minute limit on slow machines: executions here may take an hour. */
const EXECUTION_LIMIT_MS = 3_600_000;
const POOL_WORKFLOW = 'video-transcode-media';

interface Configuration {
  readonly key: string;
  readonly label: string;
  readonly maxConcurrency: number;
  readonly threads: number | null;
  run(input: Record<string, unknown>): Promise<{ status: string; output?: unknown; error?: string | null; cause?: string | null }>;
}

export interface MediaRecord {
  readonly configuration: string;
  readonly maxConcurrency: number;
  readonly threads: number | null;
  readonly wallMs: readonly number[];
  readonly medianMs: number;
  readonly speedup: number;
  /** ffmpeg and ffprobe CPU time per run (median); null where it cannot be read. */
  readonly toolCpuMs: number | null;
  /** toolCpuMs ÷ medianMs: cores kept busy. */
  readonly busyCores: number | null;
  readonly segments: number;
  readonly durationMs: number;
  readonly sourceDurationMs: number;
  readonly frames: number;
  readonly digest: string;
}

/** Linux counts CPU time in ticks of 1/100 s in /proc (USER_HZ). */
const MS_PER_TICK = 10;

/**
 * CPU time (ms) of this process's finished child processes, ffmpeg and ffprobe here (the
 * pool's threads are in this process, so their children count too); null off Linux.
 * Divided by wall time, it is how many cores the configuration kept busy.
 */
function childCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5), cutime and cstime, counted from `state` (field 3).
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks * MS_PER_TICK : null;
  } catch {
    return null;
  }
}

function seconds(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

class WrongResult extends Error {
  override readonly name = 'WrongResult';
}

/** Runs one configuration in a fresh working directory and checks everything about the video it made. */
async function runChecked(
  configuration: Configuration,
  source: string,
  spec: SourceSpec,
  workDir: string,
  options: MediaBenchOptions,
): Promise<{ ms: number; cpuMs: number | null; output: MediaOutput }> {
  const input = mediaInput({ jobId: 'media-bench', source, workDir, maxConcurrency: configuration.maxConcurrency, transientFailureRate: options.failureRate });
  const cpuBefore = childCpuMs();
  const began = performance.now();
  const result = await configuration.run(input);
  const ms = performance.now() - began;
  const cpuAfter = childCpuMs();
  const cpuMs = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  if (result.status !== 'SUCCEEDED') throw new WrongResult(`${configuration.label}: ${result.status} ${result.error ?? ''}: ${result.cause ?? ''}`);
  const output = result.output as MediaOutput;
  const problems = await mediaProblems(output, spec, workDir);
  if (problems.length > 0) throw new WrongResult(`${configuration.label}: ${problems.join('; ')}`);
  return { ms, cpuMs, output };
}

function configurations(options: MediaBenchOptions, pools: Map<number, Pool>): Configuration[] {
  const machine = compile(mediaDefinition, { handlers, limits: { executionMs: EXECUTION_LIMIT_MS } });
  const inProcess = (input: Record<string, unknown>) => machine.execute(input);
  const list: Configuration[] = [
    { key: 'a', label: '(a) in-process, Map MaxConcurrency 1', maxConcurrency: 1, threads: null, run: inProcess },
    { key: 'b', label: `(b) in-process, Map MaxConcurrency ${options.cores}`, maxConcurrency: options.cores, threads: null, run: inProcess },
  ];
  for (const threads of options.threads) {
    const pool = createPool({ threads, batch: 1, mapFanOutMinItems: 1 });
    pool.register(POOL_WORKFLOW, {
      definition: mediaDefinition,
      handlers: mediaHandlersModule,
      mapFanOut: true,
      options: { limits: { executionMs: EXECUTION_LIMIT_MS } },
    });
    pools.set(threads, pool);
    list.push({
      key: `c${threads}`,
      label: `(c) pool, ${threads} thread${threads === 1 ? '' : 's'}, Map fan-out, MaxConcurrency ${threads}`,
      maxConcurrency: threads,
      threads,
      run: (input) => pool.execute(POOL_WORKFLOW, input),
    });
  }
  return list;
}

function renderTable(records: readonly MediaRecord[], rounds: number): string {
  const lines = [
    `| configuration | wall time (median of ${rounds}) | best | speedup vs (a) | ffmpeg CPU | cores busy | segments | output duration (source) | frames |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of records) {
    lines.push(
      `| ${r.configuration} | ${seconds(r.medianMs)} | ${seconds(Math.min(...r.wallMs))} | ${r.speedup.toFixed(2)}× | ` +
        `${r.toolCpuMs === null ? 'n/a' : seconds(r.toolCpuMs, 1)} | ${r.busyCores === null ? 'n/a' : r.busyCores.toFixed(2)} | ${r.segments} | ` +
        `${seconds(r.durationMs, 3)} (${seconds(r.sourceDurationMs, 3)}) | ${r.frames} |`,
    );
  }
  return lines.join('\n') + '\n';
}

/** The whole run; resolves to the exit code. */
export async function runMediaBench(options: MediaBenchOptions, io: MediaBenchIo): Promise<number> {
  const detection = await detectFfmpeg();
  if (!detection.available) {
    io.stderr.write(`real-media benchmark: ${detection.reason}\n`);
    return MediaExitCodes.SETUP;
  }
  const spec: SourceSpec = { ...defaultSource, seconds: options.seconds };
  const root = await makeWorkDir('statemill-media-bench-');
  // Ctrl-C ends the children with us (same process group); take their files away too.
  const onInterrupt = () => {
    if (!options.keep) rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  const pools = new Map<number, Pool>();
  try {
    const source = join(root, 'source.mp4');
    io.stderr.write(`generating ${spec.seconds} s of ${spec.width}x${spec.height} at ${spec.fps} fps …\n`);
    const startMachine = machineInfo();
    const began = performance.now();
    await generateSource(source, spec);
    const generatedMs = performance.now() - began;
    const list = configurations(options, pools);

    // Answers first: each configuration once (also its warm-up), and the same bytes from all.
    const checked = new Map<string, MediaOutput>();
    for (const configuration of list) {
      io.stderr.write(`checking ${configuration.label} …\n`);
      const workDir = join(root, `check-${configuration.key}`);
      const { output } = await runChecked(configuration, source, spec, workDir, options);
      checked.set(configuration.key, output);
      if (!options.keep) await removeWorkDir(workDir);
    }
    const reference = checked.get('a')!;
    for (const [key, output] of checked) {
      if (output.digest !== reference.digest)
        throw new WrongResult(`configuration ${key} made different bytes than (a): ${output.digest} vs ${reference.digest}`);
    }

    // Then time, in interleaved rounds so a busy neighbour slows every configuration alike.
    const times = new Map<string, number[]>(list.map((c) => [c.key, []]));
    const cpu = new Map<string, number[]>(list.map((c) => [c.key, []]));
    for (let round = 1; round <= options.rounds; round++) {
      for (const configuration of list) {
        const workDir = join(root, `round-${round}-${configuration.key}`);
        const { ms, cpuMs, output } = await runChecked(configuration, source, spec, workDir, options);
        if (cpuMs !== null) cpu.get(configuration.key)!.push(cpuMs);
        if (output.digest !== reference.digest) throw new WrongResult(`${configuration.label}, round ${round}: different output bytes`);
        times.get(configuration.key)!.push(ms);
        io.stderr.write(`round ${round}/${options.rounds} · ${configuration.label}: ${seconds(ms)}\n`);
        if (!options.keep) await removeWorkDir(workDir);
      }
    }

    const baseline = median(times.get('a')!);
    const records: MediaRecord[] = list.map((configuration) => {
      const output = checked.get(configuration.key)!;
      const wallMs = times.get(configuration.key)!.map((ms) => Math.round(ms));
      const medianMs = median(wallMs);
      const cpuRuns = cpu.get(configuration.key)!;
      const toolCpuMs = cpuRuns.length === 0 ? null : Math.round(median(cpuRuns));
      return {
        configuration: configuration.label,
        maxConcurrency: configuration.maxConcurrency,
        threads: configuration.threads,
        wallMs,
        medianMs,
        speedup: Math.round((baseline / medianMs) * 100) / 100,
        toolCpuMs,
        busyCores: toolCpuMs === null ? null : Math.round((toolCpuMs / medianMs) * 100) / 100,
        segments: output.segmentCount,
        durationMs: output.durationMs,
        sourceDurationMs: output.source.durationMs,
        frames: output.frames,
        digest: output.digest,
      };
    });
    const machine = startMachine;
    const endLoad = machineInfo().loadAverage;
    const rendition = defaultRendition;
    if (options.json) {
      const report = {
        machine,
        loadAverageAtEnd: endLoad,
        ffmpeg: detection.version,
        ffmpegThreads: 1,
        source: spec,
        generatedMs: Math.round(generatedMs),
        rendition,
        failureRate: options.failureRate,
        rounds: options.rounds,
        records,
      };
      io.stdout.write(JSON.stringify(report, null, 2) + '\n');
    } else {
      io.stdout.write(
        [
          'Real media: the video-transcode workflow with ffmpeg.',
          `Machine: ${describeMachine(machine)} at the start, ${endLoad.join(' / ')} at the end (the machine is shared: compare ratios from the same run).`,
          `${detection.version}. Every ffmpeg runs with -threads 1 (decoding, scaling, encoding), so a speedup is the engine running segments side by side, not ffmpeg's own threading.`,
          `Source: ${spec.seconds} s of ${spec.width}x${spec.height} at ${spec.fps} fps (lavfi testsrc2 + sine, H.264 + AAC, a keyframe every ${spec.gopSeconds} s), generated in ${seconds(generatedMs, 1)}. ` +
            `Rendition: ${rendition.width}x${rendition.height}, ${rendition.bitrateKbps} kb/s, libx264 ${rendition.preset}.`,
          `Checked first: every configuration SUCCEEDED with ${reference.segmentCount} segments and ${reference.frames} frames, lasting ${seconds(reference.durationMs, 3)} ` +
            `(source ${seconds(reference.source.durationMs, 3)}), with identical output bytes (sha256 ${reference.digest.slice(0, 16)}…).` +
            (options.failureRate > 0 ? ` Simulated busy-encoder rate ${options.failureRate}: its retries wait 1 s, then 2 s, on the real clock.` : ''),
          `"ffmpeg CPU" is the CPU time of the run's ffmpeg and ffprobe processes; "cores busy" is that over the wall time: how many cores the configuration kept working. ` +
            `On a machine others are using it stays well below ${options.cores}, and so do the speedups.`,
          '',
          renderTable(records, options.rounds),
        ].join('\n'),
      );
    }
    if (options.keep) io.stderr.write(`kept: ${root}\n`);
    return MediaExitCodes.OK;
  } catch (error) {
    if (!(error instanceof WrongResult)) throw error;
    io.stderr.write(`real-media benchmark: wrong result: ${error.message}\n`);
    return MediaExitCodes.WRONG_RESULT;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await Promise.all([...pools.values()].map((pool) => pool.close()));
    if (!options.keep) await removeWorkDir(root);
  }
}
