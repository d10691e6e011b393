/**
 * The soak run from the command line: sustained pooled load with faults injected at random,
 * every outcome checked, and a Markdown summary on stdout (progress on stderr). Exits 1 when
 * any check fails.
 *
 *   npm run soak -- --duration 10m --threads 2 --seed 1
 *   npm run soak -- --executions 1000000 --faults none          # the fault-free memory run
 *   npm run soak -- --duration 60s --faults throw=0.05,crash=0.0001
 */
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../machine.js';
import { parseDuration } from '../options.js';
import { FaultKinds } from './handlers.js';
import { defaultFaultRates, noFaults, runSoak, type FaultRates, type InjectedFault, type MemorySample, type SoakOptions, type SoakReport } from './run.js';

const HELP = `Usage: npm run soak -- [options]

  --duration <time>       how long to submit (10s, 5m; default 60s)
  --executions <n>        stop after this many executions instead (or whichever comes first)
  --threads <n>           worker threads (default 2)
  --batch <n>             executions per message (default: the pool's, 64)
  --max-queue <n>         the pool's maxQueue (default 2000)
  --seed <n>              fault schedule seed (default 1)
  --faults <rates>        'default', 'none', or kind=rate,… over the defaults
                          (kinds: ${FaultKinds.filter((k) => k !== 'none').join(', ')})
  --hang-timeout <time>   the workflow's hang timeout (default 500ms)
  --overrun-every <n>     overrun a full queue on purpose every n executions (default 50000)
  --sample-every <time>   memory sample period (default 1s)
  --warmup <fraction>     share of the run not judged for memory growth (default 0.2)
  --note <text>           what else the machine was doing (printed in the summary)
  -h, --help              show this help
`;

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number, not '${text}'`);
  return value;
}

function integer(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`--${name} takes a whole number, not '${text}'`);
  return value;
}

function parseFaultRates(text: string): FaultRates {
  if (text === 'default') return defaultFaultRates;
  if (text === 'none') return noFaults;
  const rates: Record<string, number> = { ...defaultFaultRates };
  for (const part of text.split(',')) {
    const [kind, rate] = part.split('=').map((s) => s.trim());
    if (kind === undefined || !(kind in defaultFaultRates)) throw new Error(`--faults: '${kind}' is not a fault kind`);
    const value = Number(rate);
    if (rate === undefined || rate === '' || !(value >= 0 && value <= 1)) throw new Error(`--faults: the rate of '${kind}' must be between 0 and 1`);
    rates[kind] = value;
  }
  return rates as FaultRates;
}

function soakOptions(argv: string[]): (SoakOptions & { note?: string }) | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      executions: { type: 'string' },
      threads: { type: 'string', default: '2' },
      batch: { type: 'string' },
      'max-queue': { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      faults: { type: 'string', default: 'default' },
      'hang-timeout': { type: 'string', default: '500ms' },
      'overrun-every': { type: 'string', default: '50000' },
      'sample-every': { type: 'string', default: '1s' },
      warmup: { type: 'string', default: '0.2' },
      note: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return null;
  const warmupFraction = Number(values.warmup);
  if (!(warmupFraction >= 0 && warmupFraction < 1)) throw new Error('--warmup takes a fraction from 0 to below 1');
  const executions = values.executions === undefined ? undefined : positiveInteger(values.executions, 'executions');
  return {
    durationMs: values.duration === undefined && executions !== undefined ? undefined : parseDuration(values.duration ?? '60s'),
    executions,
    threads: positiveInteger(values.threads, 'threads'),
    batch: values.batch === undefined ? undefined : positiveInteger(values.batch, 'batch'),
    maxQueue: positiveInteger(values['max-queue'], 'max-queue'),
    seed: integer(values.seed, 'seed'),
    faultRates: parseFaultRates(values.faults),
    hangTimeoutMs: parseDuration(values['hang-timeout'], 'hang-timeout'),
    overrunEvery: positiveInteger(values['overrun-every'], 'overrun-every'),
    overrunBy: 10,
    closedProbes: 5,
    sampleEveryMs: parseDuration(values['sample-every'], 'sample-every'),
    warmupFraction,
    note: values.note,
    heapToleranceMb: 8,
    rssToleranceMb: 64,
    closeTimeoutMs: 30_000,
  };
}

/** An argument as a shell would need it. */
function quoted(arg: string): string {
  return /^[\w./=:,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

const n = (value: number) => value.toLocaleString('en-US');
const f1 = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function progress(sample: MemorySample, counts: SoakReport['counts']): void {
  process.stderr.write(
    `${f1(sample.seconds)} s: ${n(sample.settled)} settled (${n(Math.round(sample.settled / sample.seconds))}/s), ` +
      `${n(counts.collateral)} casualties traced, ${n(counts.mismatches)} mismatches, RSS ${f1(sample.rssMb)} MB, heap ${f1(sample.heapUsedMb)} MB\n`,
  );
}

/** Every `every`-th sample and the last: a table of readable length. */
function thinned(samples: readonly MemorySample[], rows: number): MemorySample[] {
  const every = Math.max(1, Math.ceil(samples.length / rows));
  return samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
}

function soakMarkdown(report: SoakReport, command: string, note: string | undefined): string {
  const c = report.counts;
  const o = report.options;
  const lines: string[] = [];
  const settled = c.succeeded + c.failed + c.timedOut + c.aborted;
  lines.push(`# Soak run, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ${report.ok ? 'every check passed' : 'CHECKS FAILED'}`, '');
  lines.push(`Machine: ${describeMachine(machineInfo())} (load average at the end). Shared with other engineers.`, '');
  lines.push(`Command: \`${command}\``, '');
  if (note !== undefined) lines.push(`Note: ${note}`, '');
  lines.push(
    `${o.threads} threads, batch ${o.batch ?? 64}, maxQueue ${n(o.maxQueue)}, seed ${o.seed}, hang timeout ${o.hangTimeoutMs} ms, ` +
      `a full queue overrun by ${o.overrunBy} every ${n(o.overrunEvery)} executions, ${o.closedProbes} submissions after close().`,
    '',
  );
  lines.push('| executions | count |', '|---|---:|');
  lines.push(`| submitted (\`execute\` calls) | ${n(c.submitted)} |`);
  lines.push(`| succeeded | ${n(c.succeeded)} |`);
  lines.push(`| failed | ${n(c.failed)} |`);
  lines.push(`| timed out | ${n(c.timedOut)} |`);
  lines.push(`| aborted | ${n(c.aborted)} |`);
  lines.push(`| refused: queue full | ${n(c.rejectedQueueFull)} |`);
  lines.push(`| refused: pool closed | ${n(c.rejectedClosed)} |`);
  lines.push(`| ended as their own fault says | ${n(c.asInjected)} |`);
  lines.push(`| casualties of another execution's thread fault, each traced to it | ${n(c.collateral)} |`);
  lines.push(`| mismatches | ${n(c.mismatches)} |`, '');
  lines.push(
    `${n(settled)} executions settled in ${f1(report.seconds)} s: ${n(Math.round(settled / report.seconds))} per second, faults included. ` +
      `Latency (submission to result, backpressure queue included): p50 ${f1(report.pool.latency.p50 / 1000)} ms, p99 ${f1(report.pool.latency.p99 / 1000)} ms, max ${f1(report.pool.latency.max / 1000)} ms.`,
    '',
  );
  lines.push(
    '| fault injected | rate | executions | ended as injected | others lost with the thread it killed | per thread killed |',
    '|---|---:|---:|---:|---:|---:|',
  );
  const casualtyOf: Record<string, string> = { exit: 'Pool.WorkerExited', crash: 'Pool.WorkerCrashed', hang: 'Pool.WorkerHung' };
  for (const kind of FaultKinds) {
    const rate = kind === 'none' ? '' : String(o.faultRates[kind as InjectedFault]);
    const lost = casualtyOf[kind] === undefined ? null : (report.collateralBy[casualtyOf[kind]!] ?? 0);
    const killed = report.asInjectedBy[kind];
    const perDeath = lost === null ? '' : killed === 0 ? '–' : f1(lost / killed);
    lines.push(`| ${kind} | ${rate} | ${n(report.injected[kind])} | ${n(killed)} | ${lost === null ? '' : n(lost)} | ${perDeath} |`);
  }
  lines.push('');
  lines.push(
    `Casualties per thread killed: ${f1(report.casualtiesPerDeath)} (${n(c.collateral)} over ${n(report.exitAndCrashDeaths + report.hangKillers)} deaths): the executions that were running on the thread when it died. ` +
      `Executions of its batches that had not started ran again on another thread: ${n(report.pool.requeued)}.`,
    '',
  );
  lines.push(
    `Worker threads replaced: ${n(report.workersReplaced)} (${n(report.exitAndCrashDeaths)} threads ended by an exit or crash fault, ${n(report.hangKillers)} executions hung their thread). ` +
      `Pool metrics: ${n(report.pool.faults)} executions lost with a thread, ${n(report.pool.workerErrors)} worker errors outside any task. ` +
      `Hung executions the pool told that other work on their thread hung: ${n(report.hangsBlamedElsewhere)} of ${n(report.hangKillers)} (the watchdog blames the stalest task on the thread; see test/reliability/soak.test.ts, 'hang blame').`,
    '',
  );
  lines.push('| memory after warm-up | start MB | end MB | peak MB | slope MB/min | growth MB |', '|---|---:|---:|---:|---:|---:|');
  for (const [name, t] of [
    ['RSS (process, all threads)', report.rss],
    ['main-thread heap used', report.heap],
  ] as const) {
    lines.push(`| ${name} | ${f1(t.startMb)} | ${f1(t.endMb)} | ${f1(t.peakMb)} | ${t.slopeMbPerMinute.toFixed(2)} | ${f1(t.growthMb)} |`);
  }
  lines.push(
    '',
    `Main heap: in use right after a forced full GC, sampled every ${report.options.sampleEveryMs} ms. Growth: median of the last third of the samples after warm-up minus median of the first third. ` +
      `RSS before the pool: ${f1(report.rssBeforeMb)} MB; after close(): ${f1(report.rssAfterCloseMb)} MB.`,
    '',
  );
  lines.push('| check | result | detail |', '|---|---|---|');
  for (const inv of report.invariants) lines.push(`| ${inv.name} | ${inv.ok ? 'ok' : '**FAILED**'} | ${inv.detail.replaceAll('|', '\\|')} |`);
  if (report.mismatches.length > 0) {
    lines.push('', '| mismatch: execution | fault | expected | got |', '|---:|---|---|---|');
    for (const m of report.mismatches) lines.push(`| ${m.index} | ${m.fault} | ${m.expected} | ${m.got.replaceAll('|', '\\|')} |`);
  }
  lines.push('', '| s | settled | RSS MB | main heap MB | queue |', '|---:|---:|---:|---:|---:|');
  for (const s of thinned(report.samples, 40)) lines.push(`| ${f1(s.seconds)} | ${n(s.settled)} | ${f1(s.rssMb)} | ${f1(s.heapUsedMb)} | ${n(s.queue)} |`);
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let options: (SoakOptions & { note?: string }) | null;
  try {
    options = soakOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (options === null) {
    process.stdout.write(HELP);
    return;
  }
  process.stderr.write(`Soak: ${describeMachine(machineInfo())}\n`);
  const sampleSeconds = options.sampleEveryMs / 1000;
  const report = await runSoak({
    ...options,
    onSample: function everyTenSeconds(sample, counts) {
      if (sample.seconds % 10 < sampleSeconds) progress(sample, counts);
    },
  });
  process.stdout.write(soakMarkdown(report, ['npm run soak --', ...argv.map(quoted)].join(' '), options.note));
  // A failed close can leave threads running; the verdict is in, so end here.
  process.exit(report.ok ? 0 : 1);
}

await main();
