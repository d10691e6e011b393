/**
 * The ffmpeg and ffprobe command lines of the real-media pipeline, as argument arrays.
 * Pure functions: they start nothing, so they can be checked without ffmpeg. Every file is
 * passed as `file:<absolute path>`, so no name can read as an option or as another protocol,
 * and every value that reaches an argument is checked first (see `checkProfile`).
 */
import { isAbsolute } from 'node:path';
import { workflowError } from '../../support/errors.js';

/** The rendition each segment is transcoded to. */
export interface RenditionProfile {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly bitrateKbps: number;
  /** x264 preset: the cost knob. */
  readonly preset: string;
}

/** The generated source: lavfi's testsrc2 picture and a sine tone, H.264 + AAC in MP4. */
export interface SourceSpec {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** A keyframe exactly every this many seconds (no scene-cut keyframes). */
  readonly gopSeconds: number;
}

export const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;

export const INVALID_INPUT = 'Media.InvalidInput';

/** Byte-for-byte repeatable output: no encoder version strings, no metadata carried over. */
const BITEXACT = ['-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];

const QUIET = ['-hide_banner', '-nostdin', '-v', 'error', '-y'];

/** A segment muxer time that can never be taken for an earlier cut: longer than any input. */
const NO_CUT_SECONDS = '100000000';

/** `file:` URL of an absolute path; anything else is refused. */
export function fileArg(path: string): string {
  if (!isAbsolute(path)) throw workflowError(INVALID_INPUT, `expected an absolute path, got '${path}'`);
  return `file:${path}`;
}

function integerIn(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw workflowError(INVALID_INPUT, `${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function evenIn(value: unknown, min: number, max: number, what: string): number {
  const checked = integerIn(value, min, max, what);
  if (checked % 2 !== 0) throw workflowError(INVALID_INPUT, `${what} must be even (4:2:0 chroma), got ${checked}`);
  return checked;
}

/** The profile as ffmpeg may see it; throws Media.InvalidInput for anything else. */
export function checkProfile(profile: unknown): RenditionProfile {
  if (profile === null || typeof profile !== 'object') throw workflowError(INVALID_INPUT, 'profile must be an object');
  const p = profile as Record<string, unknown>;
  const preset = p.preset;
  if (typeof preset !== 'string' || !(X264_PRESETS as readonly string[]).includes(preset)) {
    throw workflowError(INVALID_INPUT, `profile.preset must be one of ${X264_PRESETS.join(', ')}, got ${JSON.stringify(preset)}`);
  }
  return {
    name: typeof p.name === 'string' ? p.name : '',
    width: evenIn(p.width, 16, 7680, 'profile.width'),
    height: evenIn(p.height, 16, 4320, 'profile.height'),
    bitrateKbps: integerIn(p.bitrateKbps, 16, 100_000, 'profile.bitrateKbps'),
    preset,
  };
}

export function checkSource(spec: SourceSpec): SourceSpec {
  const seconds = spec.seconds;
  if (typeof seconds !== 'number' || !(seconds > 0 && seconds <= 36_000))
    throw workflowError(INVALID_INPUT, `seconds must be above 0 and at most 36000, got ${seconds}`);
  const fps = integerIn(spec.fps, 1, 240, 'fps');
  if (typeof spec.gopSeconds !== 'number' || !(spec.gopSeconds > 0) || !Number.isInteger(spec.gopSeconds * fps)) {
    throw workflowError(INVALID_INPUT, `gopSeconds must be a positive whole number of frames at ${fps} fps, got ${spec.gopSeconds}`);
  }
  return { seconds, fps, gopSeconds: spec.gopSeconds, width: evenIn(spec.width, 16, 7680, 'width'), height: evenIn(spec.height, 16, 4320, 'height') };
}

/** Generates the test source: keyframes exactly every `gopSeconds`, one encoder thread, repeatable bytes. */
export function sourceVideoArgs(spec: SourceSpec, output: string): string[] {
  const s = checkSource(spec);
  const gopFrames = String(Math.round(s.gopSeconds * s.fps));
  return [
    ...QUIET,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${s.width}x${s.height}:rate=${s.fps}:duration=${s.seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${s.seconds}`,
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-threads',
    '1',
    '-g',
    gopFrames,
    '-keyint_min',
    gopFrames,
    '-sc_threshold',
    '0',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    '1500k',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    ...BITEXACT,
    fileArg(output),
  ];
}

/** Every video packet's time and flags (a `K` marks a keyframe), and the video stream's facts, as JSON. */
export function probeSourceArgs(source: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time,flags:stream=codec_name,width,height,r_frame_rate,nb_frames,duration:format=duration',
    '-of',
    'json=compact=1',
    fileArg(source),
  ];
}

/** The streams of a finished file, as JSON. */
export function probeOutputArgs(file: string): string[] {
  return [
    '-hide_banner',
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,codec_name,width,height,nb_frames,duration:format=duration',
    '-of',
    'json=compact=1',
    fileArg(file),
  ];
}

/**
 * A cut time for the segment muxer, which cuts at the first keyframe at or after it: half a
 * millisecond early, so a keyframe whose time was rounded up to `ms` is still the one taken
 * (frames are far more than a millisecond apart).
 */
export function cutTime(ms: number): string {
  return ((ms - 0.5) / 1000).toFixed(4);
}

/** Cuts the source's video at the given keyframe times (ms, after 0) into `pattern` files, by stream copy. */
export function splitArgs(source: string, cutsMs: readonly number[], pattern: string): string[] {
  const cuts = cutsMs.length === 0 ? ['-segment_time', NO_CUT_SECONDS] : ['-segment_times', cutsMs.map(cutTime).join(',')];
  return [
    ...QUIET,
    '-i',
    fileArg(source),
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-f',
    'segment',
    ...cuts,
    '-reset_timestamps',
    '1',
    '-segment_format',
    'mp4',
    fileArg(pattern),
  ];
}

/** One segment to the rendition with libx264, one thread for decoding, scaling and encoding. */
export function transcodeArgs(segment: string, part: string, profile: RenditionProfile): string[] {
  const p = checkProfile(profile);
  return [
    ...QUIET,
    '-threads',
    '1',
    '-i',
    fileArg(segment),
    '-map',
    '0:v:0',
    '-filter_threads',
    '1',
    '-vf',
    `scale=${p.width}:${p.height}`,
    '-c:v',
    'libx264',
    '-preset',
    p.preset,
    '-threads',
    '1',
    '-b:v',
    `${p.bitrateKbps}k`,
    '-maxrate',
    `${Math.round(p.bitrateKbps * 1.2)}k`,
    '-bufsize',
    `${p.bitrateKbps * 2}k`,
    '-pix_fmt',
    'yuv420p',
    ...BITEXACT,
    '-f',
    'mp4',
    fileArg(part),
  ];
}

/** Joins the parts listed in `list` (concat demuxer, stream copy) and adds the source's audio, if any. */
export function concatArgs(list: string, source: string, output: string): string[] {
  return [
    ...QUIET,
    '-f',
    'concat',
    '-i',
    fileArg(list),
    '-i',
    fileArg(source),
    '-map',
    '0:v:0',
    '-map',
    '1:a:0?',
    '-c',
    'copy',
    ...BITEXACT,
    '-movflags',
    '+faststart',
    fileArg(output),
  ];
}
