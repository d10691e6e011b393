/**
 * ffmpeg and ffprobe as child processes: where they are, whether they are usable, and one
 * way to run them. Arguments always travel as an array to execFile (no shell), and a run
 * ends with its AbortSignal: the child is killed at once.
 */
import { execFile, type ExecFileException } from 'node:child_process';

export interface MediaTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

/** The commands to run: `ffmpeg`/`ffprobe` from the PATH, or STATEMILL_FFMPEG / STATEMILL_FFPROBE. */
export function mediaTools(env: NodeJS.ProcessEnv = process.env): MediaTools {
  return { ffmpeg: env.STATEMILL_FFMPEG || 'ffmpeg', ffprobe: env.STATEMILL_FFPROBE || 'ffprobe' };
}

export const ToolFailures = {
  /** The command could not be started: not installed, not on the PATH, not executable. */
  NOT_FOUND: 'NOT_FOUND',
  /** The system refused a new process or file for now (EAGAIN, EMFILE, ENFILE, ENOMEM). */
  BUSY: 'BUSY',
  /** It ran and exited with a non-zero status or died of a signal. */
  EXITED: 'EXITED',
  /** Its AbortSignal aborted and it was killed. */
  ABORTED: 'ABORTED',
} as const;
export type ToolFailureCode = (typeof ToolFailures)[keyof typeof ToolFailures];

/** A child process that did not finish well; `detail` is its last lines of stderr or the system error. */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';
  readonly code: ToolFailureCode;
  readonly command: string;
  readonly detail: string;
  constructor(code: ToolFailureCode, command: string, detail: string) {
    super(`${command}: ${detail}`);
    this.code = code;
    this.command = command;
    this.detail = detail;
  }
}

const TRANSIENT_SPAWN_ERRORS = new Set(['EAGAIN', 'EMFILE', 'ENFILE', 'ENOMEM']);

/** Big enough for ffprobe's packet list of a few hours of video. */
const MAX_OUTPUT_BYTES = 256 << 20;

function lastLines(text: string, count: number): string {
  const lines = text.trim().split('\n');
  return lines.slice(-count).join(' | ');
}

function classify(error: ExecFileException, command: string, stderr: string, signal: AbortSignal | undefined): ToolFailure {
  if (signal?.aborted || error.name === 'AbortError') return new ToolFailure(ToolFailures.ABORTED, command, 'aborted: the child process was killed');
  const code = typeof error.code === 'string' ? error.code : null;
  if (code === 'ENOENT' || code === 'EACCES') return new ToolFailure(ToolFailures.NOT_FOUND, command, `${code}: not found on the PATH or not executable`);
  if (code !== null && TRANSIENT_SPAWN_ERRORS.has(code)) return new ToolFailure(ToolFailures.BUSY, command, `the system refused a new process (${code})`);
  const how = error.signal ? `was killed by ${error.signal}` : `exited with status ${String(error.code)}`;
  const said = lastLines(stderr, 3);
  return new ToolFailure(ToolFailures.EXITED, command, said === '' ? how : `${how}: ${said}`);
}

/** Runs `command` with `args` and resolves with its stdout; rejects with a ToolFailure. */
export function runTool(command: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { signal, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      function toolExited(error, stdout, stderr) {
        if (error === null) resolve(stdout);
        else reject(classify(error, command, stderr, signal));
      },
    );
  });
}

export const MediaUnavailableCodes = {
  FFMPEG_NOT_FOUND: 'FFMPEG_NOT_FOUND',
  FFPROBE_NOT_FOUND: 'FFPROBE_NOT_FOUND',
  /** ffmpeg runs but was built without the libx264 encoder or the lavfi test sources. */
  MISSING_FEATURE: 'MISSING_FEATURE',
} as const;
export type MediaUnavailableCode = (typeof MediaUnavailableCodes)[keyof typeof MediaUnavailableCodes];

export type MediaDetection =
  | { readonly available: true; readonly tools: MediaTools; readonly version: string }
  | { readonly available: false; readonly code: MediaUnavailableCode; readonly reason: string };

const INSTALL_HINT = 'install ffmpeg (e.g. apt-get install ffmpeg, brew install ffmpeg) or set STATEMILL_FFMPEG and STATEMILL_FFPROBE to the programs';

function unavailable(code: MediaUnavailableCode, reason: string): MediaDetection {
  return { available: false, code, reason };
}

async function versionLine(command: string): Promise<string | ToolFailure> {
  try {
    return (await runTool(command, ['-hide_banner', '-version']))
      .split('\n', 1)[0]!
      .replace(/\s+Copyright.*/, '')
      .trim();
  } catch (error) {
    if (error instanceof ToolFailure) return error;
    throw error;
  }
}

/**
 * Whether the real-media mode can run here: both programs start, and ffmpeg has libx264
 * and the lavfi test sources. Never throws for a missing or broken tool: it says why.
 */
export async function detectFfmpeg(tools: MediaTools = mediaTools()): Promise<MediaDetection> {
  const ffmpeg = await versionLine(tools.ffmpeg);
  if (ffmpeg instanceof ToolFailure) {
    return unavailable(
      MediaUnavailableCodes.FFMPEG_NOT_FOUND,
      `ffmpeg is not available: '${tools.ffmpeg}' could not be run (${ffmpeg.detail}); ${INSTALL_HINT}`,
    );
  }
  const ffprobe = await versionLine(tools.ffprobe);
  if (ffprobe instanceof ToolFailure) {
    return unavailable(
      MediaUnavailableCodes.FFPROBE_NOT_FOUND,
      `ffprobe is not available: '${tools.ffprobe}' could not be run (${ffprobe.detail}); ${INSTALL_HINT}`,
    );
  }
  let encoders: string;
  let filters: string;
  try {
    encoders = await runTool(tools.ffmpeg, ['-hide_banner', '-encoders']);
    filters = await runTool(tools.ffmpeg, ['-hide_banner', '-filters']);
  } catch (error) {
    if (!(error instanceof ToolFailure)) throw error;
    return unavailable(MediaUnavailableCodes.MISSING_FEATURE, `ffmpeg could not list its encoders and filters (${error.detail})`);
  }
  if (!/\slibx264\s/.test(encoders)) {
    return unavailable(MediaUnavailableCodes.MISSING_FEATURE, `this ffmpeg ('${tools.ffmpeg}') has no libx264 encoder; install a build with it`);
  }
  if (!/\stestsrc2\s/.test(filters) || !/\ssine\s/.test(filters)) {
    return unavailable(MediaUnavailableCodes.MISSING_FEATURE, `this ffmpeg ('${tools.ffmpeg}') lacks the lavfi testsrc2 or sine sources`);
  }
  return { available: true, tools, version: ffmpeg };
}
