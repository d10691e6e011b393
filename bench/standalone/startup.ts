/**
 * Start-up of the `statemill` executable: wall time of `statemill run` on a 3-state
 * definition and of `statemill validate` on a 20,000-state one, beside bare `node` started
 * the same way in the same rounds (what no CLI can go below). Runs the built CLI
 * (bin/statemill.cjs, the package's bin, running the bundle in dist/cli), so build first:
 *
 *   npm run build && node --import tsx/esm bench/standalone/startup.ts [--runs 30] [--baseline DIR]
 *
 * `--baseline DIR` adds the same two commands run by another checkout's built CLI
 * (DIR/bin/statemill.cjs, or DIR/dist/cli/main.js for a build before it: e.g. `git archive <commit> | tar -x -C DIR`, node_modules linked,
 * `npm run build` there) to the same rounds: before / after in one run.
 *
 * Prints min / median / max per command in milliseconds, and the median over bare node;
 * with /usr/bin/time present, also the CPU time (user + system), which a busy shared
 * machine inflates far less than wall time. Targets (issue 20): run ≤ 100 ms, validate of
 * 20,000 states ≤ 1 s.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../median.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'bin', 'statemill.cjs');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 30;
const baselineAt = process.argv.indexOf('--baseline');
/** A checkout's built executable: bin/statemill.cjs, or dist/cli/main.js before there was a bin/. */
function builtCli(checkout: string): string {
  const launcher = join(checkout, 'bin', 'statemill.cjs');
  return existsSync(launcher) ? launcher : join(checkout, 'dist', 'cli', 'main.js');
}
const baselineCli = baselineAt > 0 ? builtCli(process.argv[baselineAt + 1]!) : null;

for (const built of [join(root, 'dist', 'cli', 'statemill.cjs'), ...(baselineCli === null ? [] : [baselineCli])]) {
  if (!existsSync(built)) {
    console.error(`bench/standalone/startup: ${built} is missing; run npm run build first`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'statemill-startup-'));
const small = join(work, 'three.asl.json');
writeFileSync(
  small,
  JSON.stringify({
    StartAt: 'A',
    States: { A: { Type: 'Pass', Result: { x: 1 }, Next: 'B' }, B: { Type: 'Pass', ResultPath: '$.b', Next: 'C' }, C: { Type: 'Succeed' } },
  }),
);
const large = join(work, 'twenty-thousand.asl.json');
const states: Record<string, unknown> = {};
for (let i = 0; i < 20_000; i++) states[`S${i}`] = i < 19_999 ? { Type: 'Pass', Next: `S${i + 1}` } : { Type: 'Succeed' };
writeFileSync(large, JSON.stringify({ StartAt: 'S0', States: states }));

const commands: Array<{ name: string; args: string[]; expectedStatus: number }> = [
  { name: 'node (bare)', args: ['-e', '0'], expectedStatus: 0 },
  { name: 'statemill run, 3 states', args: [cli, 'run', small, '--input-json', '{}'], expectedStatus: 0 },
  { name: 'statemill validate, 20,000 states', args: [cli, 'validate', large], expectedStatus: 0 },
  ...(baselineCli === null
    ? []
    : [
        { name: 'baseline: run, 3 states', args: [baselineCli, 'run', small, '--input-json', '{}'], expectedStatus: 0 },
        { name: 'baseline: validate, 20,000 states', args: [baselineCli, 'validate', large], expectedStatus: 0 },
      ]),
];

const timeTool = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

/** Wall and CPU milliseconds of one run of `node args…`. */
function measure(command: (typeof commands)[number]): { wall: number; cpu: number | null } {
  const started = process.hrtime.bigint();
  const r =
    timeTool === null
      ? spawnSync(process.execPath, command.args, { encoding: 'utf8' })
      : spawnSync(timeTool, ['-f', 'cpu %U %S', process.execPath, ...command.args], { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== command.expectedStatus) throw new Error(`${command.name} exited ${r.status}: ${r.stderr}`);
  const cpu = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(r.stderr);
  return { wall, cpu: cpu === null ? null : (Number(cpu[1]) + Number(cpu[2])) * 1000 };
}

/** Rounds interleave the commands, so load on a shared machine falls on all of them alike. */
const walls = commands.map(() => [] as number[]);
const cpus = commands.map(() => [] as number[]);
try {
  for (let round = 0; round < runs + 2; round++) {
    commands.forEach((command, i) => {
      const { wall, cpu } = measure(command);
      // The first two rounds warm the file system cache.
      if (round < 2) return;
      walls[i]!.push(wall);
      if (cpu !== null) cpus[i]!.push(cpu);
    });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function report(title: string, times: number[][]): void {
  if (times[0]!.length === 0) return;
  const bare = median(times[0]!);
  console.log(title);
  commands.forEach((command, i) => {
    const t = times[i]!;
    const over = i === 0 ? '' : `   median ${(median(t) - bare).toFixed(1)} ms over bare node`;
    console.log(`  ${command.name.padEnd(36)} ${Math.min(...t).toFixed(1)} / ${median(t).toFixed(1)} / ${Math.max(...t).toFixed(1)}${over}`);
  });
}

console.log(
  `start-up, ${runs} runs each, Node ${process.version}, load average ${(await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);
report('wall ms (min / median / max)', walls);
report('CPU ms, user + system (min / median / max)', cpus);
