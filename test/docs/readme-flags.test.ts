import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ExitCodes } from '../../src/cli/exit-codes.js';
import { runCli } from '../../src/cli/program.js';
import { markdownSection } from './readme-blocks.js';

/**
 * The command line the README describes is the one the parser accepts: every option of a
 * command's `--help` is documented in that command's README section, every `--flag` the
 * README names anywhere is an option of some statemill command, or a flag of another tool
 * the README shows (listed below with the tool), and its exit-code table is ExitCodes.
 */
const flags = suite('README command-line flags');

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');

/** The options a `--help` text lists: lines indented two spaces that start with the flag. */
function helpOptions(help: string): Set<string> {
  const options = new Set<string>();
  for (const line of help.split('\n')) {
    const option = /^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/.exec(line);
    if (option !== null && option[1] !== '--help') options.add(option[1]!);
  }
  return options;
}

/** Every `--flag` a text names. */
function namedFlags(text: string): Set<string> {
  return new Set(text.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? []);
}

const section = (heading: string): string => markdownSection(readme, heading);

async function helpOf(command: string): Promise<string> {
  let text = '';
  const io = { stdout: { write: (t: string) => (text += t) }, stderr: { write: () => true }, stdin: Object.assign([], { isTTY: true }), cwd: root };
  assert.is(await runCli([command, '--help'], io as never), 0);
  return text;
}

/** `statemill bench --help`: the harness writes to the process's own stdout, so it runs in a process of its own. */
function benchHelp(): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx/esm', 'src/cli/main.ts', 'bench', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

/** Each command whose options the README documents, and the heading of the section that does. */
const documentedCommands: readonly { command: string; heading: string }[] = [
  { command: 'run', heading: '### `statemill run' },
  { command: 'validate', heading: '### `statemill validate' },
  { command: 'worker', heading: '### `statemill worker' },
  { command: 'serve', heading: '## Use it as a local Step Functions endpoint' },
];

/** Flags of other tools that the README shows, by tool. */
const otherTools: Record<string, readonly string[]> = {
  node: ['--import', '--expose-gc', '--experimental-vm-modules'],
  npm: ['--omit', '--all'],
  'redis-server': ['--appendonly'],
  'the AWS CLI': ['--endpoint-url', '--cli-read-timeout', '--execution-arn', '--role-arn', '--state-machine-arn'],
};

/** Flags of the scripts in bench/ that the README shows, with the scripts it shows them for. */
const benchScriptFlags: Record<string, readonly string[]> = {
  '--baseline': ['bench/standalone/startup.ts', 'bench/standalone/serve.ts', 'bench/standalone/cluster.ts'],
  '--heap': ['bench/cluster/profile.ts'],
  '--cpu-only': ['bench/cluster/profile.ts'],
  '--perf': ['bench/cluster/profile.ts'],
  '--sync-only': ['bench/standalone/serve.ts'],
  '--clock': ['bench/standalone/engine-ab.ts'],
  '--time': ['bench/standalone/workload-tail.ts'],
};

for (const { command, heading } of documentedCommands) {
  flags(`every option of statemill ${command} --help is documented in the README's section for it`, async () => {
    const documented = namedFlags(section(heading));
    const undocumented = [...helpOptions(await helpOf(command))].filter((flag) => !documented.has(flag));
    assert.equal(undocumented, [], `${heading}: options --help lists that the section does not`);
  });
}

flags('every --flag the README names is an option of a statemill command or a flag of a tool it shows', async () => {
  const statemill = new Set<string>(['--help']);
  for (const { command } of documentedCommands) for (const flag of helpOptions(await helpOf(command))) statemill.add(flag);
  for (const flag of helpOptions(benchHelp())) statemill.add(flag);
  const others = new Set([...Object.values(otherTools).flat(), ...Object.keys(benchScriptFlags)]);
  const unknown = [...namedFlags(readme)].filter((flag) => !statemill.has(flag) && !others.has(flag));
  assert.equal(unknown, [], 'flags the README names that no command takes');
});

flags('each flag the README shows for a script in bench/ is one that script reads', () => {
  for (const [flag, scripts] of Object.entries(benchScriptFlags)) {
    const name = flag.slice(2);
    // Read from process.argv as '--name', or declared to node:util parseArgs as `name: {` / `'name': {`.
    const declared = new RegExp(`'--${name}'|(^|[\\s{,])'?${name}'?: \\{`, 'm');
    for (const script of scripts) assert.ok(declared.test(readFileSync(new URL(script, `file://${root}`), 'utf8')), `${script} does not read ${flag}`);
  }
});

flags("the README's exit-code table lists exactly the exit codes of ExitCodes", () => {
  const rows = section('### Exit codes')
    .split('\n')
    .flatMap((row) => /^\| (\d+) \|/.exec(row)?.[1] ?? [])
    .map(Number);
  assert.equal(
    rows,
    [...new Set(Object.values(ExitCodes))].sort((a, b) => a - b),
  );
});

flags.run();
