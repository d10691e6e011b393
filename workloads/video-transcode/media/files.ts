/**
 * Where one job's files live. The workflow input names only the job's working directory
 * and the source file (absolute paths); every other name is made here from whole numbers,
 * so no input text becomes a path of its own choosing.
 */
import { isAbsolute, join } from 'node:path';
import { workflowError } from '../../support/errors.js';
import { INVALID_INPUT } from './commands.js';

export interface JobFiles {
  readonly workDir: string;
  readonly segmentsDir: string;
  readonly partsDir: string;
  /** The segment muxer's output pattern (`%04d`: the segment's index). */
  readonly segmentPattern: string;
  /** The concat demuxer's list of parts. */
  readonly partList: string;
  readonly output: string;
  readonly manifest: string;
}

/** An absolute path, as the input gives it; `%` is refused because ffmpeg reads it in output patterns. */
export function absolutePath(value: unknown, what: string): string {
  if (typeof value !== 'string' || !isAbsolute(value) || value.includes('%') || value.includes('\n')) {
    throw workflowError(INVALID_INPUT, `${what} must be an absolute path without '%' or line breaks, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function jobFiles(workDir: unknown): JobFiles {
  const dir = absolutePath(workDir, 'workDir');
  return {
    workDir: dir,
    segmentsDir: join(dir, 'segments'),
    partsDir: join(dir, 'parts'),
    segmentPattern: join(dir, 'segments', 'seg-%04d.mp4'),
    partList: join(dir, 'parts.txt'),
    output: join(dir, 'output.mp4'),
    manifest: join(dir, 'manifest.json'),
  };
}

/** A segment's or part's index, checked before it becomes part of a file name. */
export function segmentIndex(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 9_999_999) {
    throw workflowError(INVALID_INPUT, `a segment index must be a whole number from 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function numbered(index: number): string {
  return String(segmentIndex(index)).padStart(4, '0');
}

export function segmentFile(files: JobFiles, index: number): string {
  return join(files.segmentsDir, `seg-${numbered(index)}.mp4`);
}

/** A part's name relative to the working directory, as the concat list gives it (the demuxer's safe mode accepts it). */
export function partEntry(index: number): string {
  return `parts/part-${numbered(index)}.mp4`;
}

export function partFile(files: JobFiles, index: number): string {
  return join(files.workDir, partEntry(index));
}

/** True for the segment muxer's output names. */
export function isSegmentName(name: string): boolean {
  return /^seg-\d{4,}\.mp4$/.test(name);
}
