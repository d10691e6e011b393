/**
 * Options of the real-media benchmark: from its own command line (`npm run bench:media`)
 * or from `statemill bench --workload video-transcode --media ffmpeg`.
 */
import { parseArgs } from 'node:util';
import { defaultMediaOptions, type MediaBenchOptions } from './run.js';
import { OptionsError, type BenchOptions } from '../options.js';

export const MEDIA_HELP = `Usage: npm run bench:media -- [options]

Transcodes a generated test video for real with ffmpeg through the video-transcode
workflow: (a) in-process, Map MaxConcurrency 1; (b) in-process, MaxConcurrency = cores;
(c) through the worker pool, the Map fanned out across its threads. Checks every
configuration's video first (segments, duration, frames, identical bytes), then times
them in interleaved rounds. Needs ffmpeg and ffprobe on the PATH (or STATEMILL_FFMPEG and
STATEMILL_FFPROBE); without them it says so and exits 2.

  --seconds <n>        length of the generated video, whole seconds (default 60: 20 segments)
  --threads <list>     pool threads for (c), comma-separated (default: the number of cores)
  --cores <n>          MaxConcurrency of (b) (default: the number of cores)
  --rounds <n>         timed rounds per configuration (default 3)
  --failure-rate <p>   chance of a simulated busy encoder per attempt, 0–1 (default 0)
  --keep               keep the working directory and print where it is
  --json               print the results as JSON
  -h, --help           show this help

Exit codes: 0 done, 1 a configuration made a wrong video, 2 ffmpeg missing or bad options.
`;

function positive(text: string, name: string, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new OptionsError(`--${name} takes a whole number from 1 to ${max}, not '${text}'`);
  return value;
}

export function parseMediaOptions(argv: readonly string[]): MediaBenchOptions & { readonly help: boolean } {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        seconds: { type: 'string' },
        threads: { type: 'string' },
        cores: { type: 'string' },
        rounds: { type: 'string' },
        'failure-rate': { type: 'string' },
        keep: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const defaults = defaultMediaOptions();
  let failureRate = defaults.failureRate;
  if (values['failure-rate'] !== undefined) {
    failureRate = Number(values['failure-rate']);
    if (!(failureRate >= 0 && failureRate <= 1)) throw new OptionsError(`--failure-rate takes a number from 0 to 1, not '${values['failure-rate']}'`);
  }
  return {
    help: values.help === true,
    seconds: values.seconds === undefined ? defaults.seconds : positive(values.seconds, 'seconds', 36_000),
    threads: values.threads === undefined ? defaults.threads : values.threads.split(',').map((part) => positive(part.trim(), 'threads', 256)),
    cores: values.cores === undefined ? defaults.cores : positive(values.cores, 'cores', 256),
    rounds: values.rounds === undefined ? defaults.rounds : positive(values.rounds, 'rounds', 100),
    failureRate,
    keep: values.keep === true,
    json: values.json === true,
  };
}

/** `statemill bench --media ffmpeg`: --threads, --rounds and --json carry over; --quick makes the video 15 s. */
export function mediaOptionsFromBench(options: BenchOptions): MediaBenchOptions {
  const defaults = defaultMediaOptions();
  return {
    ...defaults,
    seconds: options.quick ? 15 : defaults.seconds,
    threads: options.threads,
    rounds: options.rounds,
    json: options.json,
  };
}
