import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { BenchReport } from '../../bench/report/types.js';
import { runBenchCommand as bench } from '../support/bench-command.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const greeting = ['--definition', fixture('greeting.asl.json'), '--handlers', fixture('greeting-handlers.ts'), '--input', fixture('greeting-inputs.json')];
const short = ['--duration', '150ms', '--warmup', '0ms', '--rounds', '1', '--concurrency', '1,4', '--no-save'];

test('--help lists the options and exits 0', async () => {
  const { code, stdout } = await bench(['--help']);
  assert.is(code, 0);
  for (const option of ['--workload', '--definition', '--mode', '--threads', '--batch', '--duration', '--json']) assert.ok(stdout.includes(option), option);
});

test('a bad option exits 2 with the reason', async () => {
  const { code, stderr } = await bench(['--threads', 'many']);
  assert.is(code, 2);
  assert.match(stderr, /--threads takes positive whole numbers/);
});

test('a bad option is a short usage error with its code, not the whole help', async () => {
  const { code, stderr } = await bench(['--threads', 'many']);
  assert.is(code, 2);
  assert.ok(stderr.split('\n')[0]!.endsWith('[ERR_CLI_USAGE]'), stderr);
  assert.ok(stderr.trim().split('\n').length <= 2, stderr);
});

test('a missing definition file exits 3 with ERR_CLI_FILE_NOT_FOUND, as in statemill run', async () => {
  const { code, stderr } = await bench(['--definition', fixture('absent.json'), '--handlers', fixture('greeting-handlers.ts'), '--no-save']);
  assert.is(code, 3);
  assert.match(stderr, /definition file not found: .*absent\.json.*\[ERR_CLI_FILE_NOT_FOUND\]/);
});

test('an invalid definition exits 4 and lists its problems', async () => {
  const { code, stderr } = await bench(['--definition', fixture('greeting-broken.asl.json'), '--handlers', fixture('greeting-handlers.ts'), '--no-save']);
  assert.is(code, 4);
  assert.match(stderr, /\[ERR_ASL_INVALID_DEFINITION\]/);
  assert.match(stderr, /ERR_ASL_UNKNOWN_STATE at \/States\/Greet\/Next/);
});

test('a YAML definition is benchmarked like its JSON twin', async () => {
  const yaml = ['--definition', fixture('greeting.asl.yaml'), '--handlers', fixture('greeting-handlers.ts'), '--input', fixture('greeting-inputs.json')];
  const { code, stdout, stderr } = await bench([
    ...yaml,
    '--expected',
    fixture('greeting-expected.json'),
    ...short,
    '--scenario',
    'throughput',
    '--no-peer',
    '--json',
  ]);
  assert.is(code, 0, stderr);
  const report = JSON.parse(stdout) as BenchReport;
  assert.is(report.verification.find((v) => v.engine === 'statemill')!.matched, 2);
});

test("a user's workflow: answers verified, then timed, reported as JSON", async () => {
  const { code, stdout } = await bench([...greeting, '--expected', fixture('greeting-expected.json'), ...short, '--scenario', 'throughput,latency', '--json']);
  assert.is(code, 0);
  const report = JSON.parse(stdout) as BenchReport;
  const statemill = report.verification.find((v) => v.engine === 'statemill')!;
  assert.is(statemill.status, 'ok');
  assert.is(statemill.matched, 2);
  const peer = report.verification.find((v) => v.engine === 'aws-local-stepfunctions')!;
  assert.is(peer.status, 'ok');
  const configurations = report.throughput.map((r) => `${r.engine}/${r.concurrency}`);
  assert.equal(configurations, ['statemill/1', 'statemill/4', 'aws-local-stepfunctions/1']);
  for (const record of report.throughput) assert.ok(record.executions > 0 && record.latency.count === record.executions);
  assert.is(report.comparisons[0]!.peer, 'measured');
  assert.is(report.latency.length, 1);
  assert.ok(report.machine.cores > 0 && report.machine.nodeVersion.startsWith('v'));
});

test('a wrong answer is reported and exits 1; that engine is not timed', async () => {
  const { code, stdout } = await bench([...greeting, '--expected', fixture('greeting-wrong-expected.json'), ...short, '--scenario', 'throughput', '--no-peer']);
  assert.is(code, 1);
  assert.match(stdout, /Answers that were not verified/);
  assert.match(stdout, /\/output\/greeting: expected "Hi, Barbara!", got "Hello, Barbara!"/);
  assert.not.match(stdout, /statemill\s+in-process/);
});

// It exited 1 before, statemill's second run "wrong" against its first: the reference held the first run's id.
test('without --expected, a value that differs from run to run (a generated id) is not compared, and the report says which', async () => {
  const withIds = ['--definition', fixture('greeting.asl.json'), '--handlers', fixture('greeting-ids-handlers.ts'), '--input', fixture('greeting-inputs.json')];
  const { code, stdout, stderr } = await bench([...withIds, ...short, '--scenario', 'throughput', '--json']);
  assert.is(code, 0, stderr);
  const report = JSON.parse(stdout) as BenchReport;
  for (const engine of ['statemill', 'aws-local-stepfunctions']) {
    const record = report.verification.find((v) => v.engine === engine)!;
    assert.is(record.status, 'ok', `${engine}: ${record.detail}`);
    assert.is(record.matched, 2);
  }
  assert.ok(report.throughput.some((r) => r.engine === 'statemill' && r.executions > 0));
  assert.ok(
    report.notes.some((note) => note.includes('values that differed between two of its runs were not compared: /output/receipts/0/id')),
    report.notes.join('\n'),
  );
  assert.not.match(report.notes.join('\n'), /\/output\/greeting|\/kind/);
});

test('the summary table names the machine', async () => {
  const { code, stdout } = await bench([...greeting, ...short, '--scenario', 'throughput', '--no-peer']);
  assert.is(code, 0);
  assert.match(stdout, /cores, Node v\d+/);
  assert.match(stdout, /load average/);
  assert.match(stdout, /statemill's own answers were the reference/);
});

/** The cells of a summary table's rows (columns two or more spaces apart), from its header row on. */
function tableCells(text: string, header: RegExp): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => header.test(line));
  assert.ok(start >= 0, `a table headed ${header} in\n${text}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (line.trim() === '') break;
    rows.push(line.trim().split(/\s{2,}/));
  }
  return rows;
}

// Before, the progress line wrote the raw figure in µs ("p50 1234 µs") where the table wrote "1.23 ms".
test('a latency reads the same, with its unit, in the progress lines and in the tables', async () => {
  const slow = ['--definition', fixture('greeting.asl.json'), '--handlers', fixture('greeting-slow-handlers.ts'), '--input', fixture('greeting-inputs.json')];
  const { code, stdout, stderr } = await bench([...slow, ...short, '--scenario', 'throughput,latency', '--rate', '200', '--no-peer']);
  assert.is(code, 0, stderr);
  const latency = /^\d+(\.\d+)? (µs|ms)$/;
  const shown = [...stderr.matchAll(/\b(p50|p99) ([^,\n]+)/g)].map((m) => m[2]!);
  assert.ok(shown.length >= 4, `progress lines with latencies in\n${stderr}`);
  for (const text of shown) assert.match(text, latency, `a latency with its unit: '${text}'`);
  // One round each: a progress line's p50 is its row's p50 in the table.
  const throughput = tableCells(stdout, /^workload\s+engine\s+configuration\s+exec\/s\s+p50/).map((row) => row[4]);
  const openLoop = tableCells(stdout, /^workload\s+engine\s+target\/s\s+achieved\/s\s+p50/).flatMap((row) => [row[4], row[6]]);
  for (const text of shown) assert.ok([...throughput, ...openLoop].includes(text), `'${text}' of the progress lines is in a table:\n${stdout}`);
});

test.run();
