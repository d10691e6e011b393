import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The AWS CLI and boto3, run as child processes against an endpoint in this process (so
 * asynchronously: the server must keep answering while they run). Each is found or skipped
 * with the reason printed.
 */

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  json(): any;
}

const scratch = mkdtempSync(join(tmpdir(), 'statemill-serve-clients-'));

/** Dummy credentials and a region, and no user configuration files. */
export function clientEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: scratch,
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(scratch, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, 'no-credentials'),
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    ...extra,
  };
}

/** A config file with the given `[default]` lines, for AWS_CONFIG_FILE. */
export function configFile(name: string, lines: string[]): string {
  const path = join(scratch, name);
  writeFileSync(path, ['[default]', ...lines, ''].join('\n'));
  return path;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** Why a client cannot run here, or null when it can. */
export async function unavailable(command: string, args: string[]): Promise<string | null> {
  const probe = await run(command, args, clientEnvironment());
  return probe.code === 0 ? null : `${[command, ...args].join(' ')} failed (${probe.code}): ${probe.stderr.trim().split('\n').pop() ?? ''}`;
}
