/**
 * One `statemill bench` run: picks the workflows, checks every engine's answers, then
 * runs the chosen scenarios and collects everything into one report.
 */
import { builtinWorkloads, findWorkload } from '../workloads/index.js';
import { alsfSubject } from './engines/alsf.js';
import { BenchSetupError } from './errors.js';
import { baselineSubject } from './engines/baseline.js';
import { poolSubject, shardedLoad } from './engines/pool.js';
import { statemillSubject } from './engines/statemill.js';
import { Unsupported, type Subject } from './engines/subject.js';
import { summarizeLatency } from './histogram.js';
import { openLoop } from './load/open-loop.js';
import { machineInfo } from './machine.js';
import { markVarying, varyingPaths, type Outcome } from './outcome.js';
import type { BenchOptions } from './options.js';
import { Progress } from './progress.js';
import { formatLatency, formatRate } from './units.js';
import { defaultLabel } from './report/results.js';
import { REPORT_SCHEMA, type BenchReport, type ThroughputRecord } from './report/types.js';
import { inProcessFanout, measureFanout, type FanoutSubjectFactory } from './scenarios/fanout.js';
import { measureMicro } from './scenarios/micro.js';
import { measureRetryOverhead } from './scenarios/retry.js';
import { compare, measureThroughput, type Contender, type Timing } from './scenarios/throughput.js';
import { verifySubject } from './scenarios/verify.js';
import { workflowFromFiles, workflowFromWorkload, type BenchWorkflow } from './workflow.js';

export async function selectWorkflows(options: BenchOptions): Promise<BenchWorkflow[]> {
  if (options.custom !== null) return [await workflowFromFiles(options.custom)];
  const chosen =
    options.workloads.length === 0
      ? builtinWorkloads
      : options.workloads.map((name) => {
          const workload = findWorkload(name);
          if (workload === undefined) {
            throw new BenchSetupError(`no built-in workload '${name}' (there are: ${builtinWorkloads.map((w) => w.name).join(', ')})`);
          }
          return workload;
        });
  const workflows: BenchWorkflow[] = [];
  for (const workload of chosen) {
    workflows.push(workflowFromWorkload(workload, options.size, options.seed, options.inputs));
    if (options.jsonata && workload.jsonataDefinition !== null) {
      workflows.push(workflowFromWorkload(workload, options.size, options.seed, options.inputs, true));
    }
  }
  return workflows;
}

function machineNote(options: BenchOptions, load: readonly number[]): string {
  const base = `Load average ${load.join(' / ')} at the start. Absolute figures depend on the machine and on whatever else ran on it; compare ratios from the same run.`;
  if (options.note === null) return base;
  return /[.!?]$/.test(options.note) ? `${options.note} ${base}` : `${options.note}. ${base}`;
}

/** statemill for one workflow; a definition it refuses is the user's problem to fix, listed in full. */
export function compiledSubject(workflow: BenchWorkflow): Subject {
  try {
    return statemillSubject(workflow);
  } catch (error) {
    const problems = (error as { problems?: readonly { code: string; pointer: string; message: string }[] }).problems;
    if (problems === undefined) throw error;
    const listed = problems.map((p) => `  ${p.code} at ${p.pointer || '/'}: ${p.message}`).join('\n');
    throw new BenchSetupError(`${workflow.name}: the definition is not valid:\n${listed}`, 'ERR_ASL_INVALID_DEFINITION', 4);
  }
}

interface Verified {
  readonly expected: readonly Outcome[];
  readonly subjects: Subject[];
  readonly peerStatus: string;
  readonly allCorrect: boolean;
}

/** Sets up each engine, checks its answers on every input, and keeps only those that matched. */
async function verifiedSubjects(workflow: BenchWorkflow, options: BenchOptions, report: BenchReport, progress: Progress): Promise<Verified> {
  progress.start(`${workflow.name}: checking answers`);
  const statemill = compiledSubject(workflow);
  let expected: readonly Outcome[];
  if (workflow.expected !== null) {
    expected = workflow.expected;
  } else {
    // Two runs of each input: what differs between them (a generated id, a time) is not compared.
    const first = await Promise.all(workflow.inputs.map((input) => statemill.outcome(input)));
    const second = await Promise.all(workflow.inputs.map((input) => statemill.outcome(input)));
    expected = first.map((outcome, index) => markVarying(outcome, second[index]!));
    const varies = [...new Set(expected.flatMap((outcome) => varyingPaths(outcome)))];
    report.notes.push(
      `${workflow.name}: no hand-written baseline or expected outcomes; statemill's own answers were the reference for the other engines` +
        (varies.length === 0
          ? ''
          : ` (values that differed between two of its runs were not compared: ${varies.slice(0, 5).join(', ')}${varies.length > 5 ? ', …' : ''})`),
    );
  }
  const candidates: (Subject | Unsupported)[] = [baselineSubject(workflow), statemill];
  if (options.peer) candidates.push(await alsfSubject(workflow));
  const subjects: Subject[] = [];
  let peerStatus = options.peer ? 'not run' : 'skipped (--no-peer)';
  let allCorrect = true;
  for (const candidate of candidates) {
    if (candidate instanceof Unsupported) {
      if (candidate.engine === 'aws-local-stepfunctions') peerStatus = candidate.reason;
      if (candidate.engine !== 'baseline' || workflow.baseline !== null) {
        report.verification.push({
          workflow: workflow.name,
          engine: candidate.engine,
          inputs: 0,
          matched: 0,
          status: 'unsupported',
          detail: candidate.reason,
          note: null,
        });
      }
      continue;
    }
    const record = await verifySubject(workflow.name, candidate, workflow.inputs, expected);
    report.verification.push(record);
    if (record.status === 'ok') {
      subjects.push(candidate);
      continue;
    }
    if (candidate.engine === 'aws-local-stepfunctions') peerStatus = `wrong answer (${record.detail})`;
    else allCorrect = false;
  }
  const ok = report.verification.filter((v) => v.workflow === workflow.name && v.status === 'ok').map((v) => v.engine);
  progress.done(
    ok.length === 0 ? `no engine's answers match (${workflow.inputs.length} inputs)` : `answers match for ${ok.join(', ')} (${workflow.inputs.length} inputs)`,
  );
  return { expected, subjects, peerStatus, allCorrect };
}

async function measurePool(
  workflow: BenchWorkflow,
  options: BenchOptions,
  timing: Timing,
  report: BenchReport,
  progress: Progress,
  expected: readonly Outcome[],
): Promise<void> {
  for (const threads of options.threads) {
    for (const batch of options.batch) {
      const subject = await poolSubject(workflow, { threads, batch });
      if (typeof subject === 'string') {
        report.skipped.push(`${workflow.name} in the pool: ${subject}`);
        return;
      }
      try {
        const record = await verifySubject(workflow.name, subject, workflow.inputs, expected);
        report.verification.push(record);
        if (record.status !== 'ok') continue;
        const concurrency = options.poolConcurrency ?? threads * batch * 3;
        const contender: Contender = { subject, mode: 'pool', concurrency, threads, batch };
        report.throughput.push(...(await measureThroughput(workflow.name, [contender], workflow.inputs, timing, progress)));
      } finally {
        await subject.close();
      }
    }
  }
}

async function measureSharded(workflow: BenchWorkflow, options: BenchOptions, report: BenchReport, progress: Progress): Promise<void> {
  const concurrency = 16;
  for (const threads of options.threads) {
    progress.start(`${workflow.name} · sharded load · ${threads} threads`);
    const run = await shardedLoad(workflow, threads, options.durationMs, options.warmupMs, concurrency);
    if (typeof run === 'string') {
      progress.done(`not measured: ${run}`);
      report.skipped.push(`${workflow.name}, sharded load mode: ${run}`);
      return;
    }
    report.throughput.push({
      workflow: workflow.name,
      engine: 'statemill-pool',
      mode: 'sharded',
      concurrency,
      threads,
      batch: null,
      executions: run.executions,
      elapsedMs: Math.round(run.elapsedMs),
      perSecond: Math.round(run.perSecond * 10) / 10,
      usPerExecution: Math.round(1e7 / run.perSecond) / 10,
      latency: summarizeLatency(run.histogram, 1000),
      roundsPerSecond: [Math.round(run.perSecond * 10) / 10],
      roundsCpuUsPerExecution: [],
    });
    progress.done(`${formatRate(run.perSecond)}/s (inputs generated in the workers)`);
  }
}

async function measureOpenLoop(
  workflow: BenchWorkflow,
  subject: Subject,
  sequential: ThroughputRecord | undefined,
  options: BenchOptions,
  report: BenchReport,
  progress: Progress,
): Promise<void> {
  const ratePerSecond = options.rate ?? Math.max(1, Math.round((sequential?.perSecond ?? 100) / 2));
  progress.start(`${workflow.name} · ${subject.engine} · open loop at ${formatRate(ratePerSecond)}/s`);
  const result = await openLoop(subject, workflow.inputs, {
    ratePerSecond,
    durationMs: options.durationMs,
    maxInFlight: 10_000,
    onProgress: (executions, elapsedMs) => progress.update(executions, elapsedMs),
  });
  report.latency.push({
    workflow: workflow.name,
    engine: subject.engine,
    mode: 'inproc',
    threads: null,
    batch: null,
    targetPerSecond: result.targetPerSecond,
    achievedPerSecond: Math.round(result.achievedPerSecond * 10) / 10,
    executions: result.executions,
    latency: result.latency,
  });
  progress.done(`p50 ${formatLatency(result.latency.p50Us)}, p99 ${formatLatency(result.latency.p99Us)}`);
}

async function benchWorkflow(workflow: BenchWorkflow, options: BenchOptions, timing: Timing, report: BenchReport, progress: Progress): Promise<boolean> {
  const { expected, subjects, peerStatus, allCorrect } = await verifiedSubjects(workflow, options, report, progress);
  const statemill = subjects.find((s) => s.engine === 'statemill');
  if (options.modes.includes('inproc') && options.scenarios.includes('throughput')) {
    const contenders: Contender[] = [];
    for (const subject of subjects) {
      const levels = subject.engine === 'statemill' ? options.concurrency : [1];
      for (const concurrency of levels) contenders.push({ subject, mode: 'inproc', concurrency, threads: null, batch: null });
    }
    report.throughput.push(...(await measureThroughput(workflow.name, contenders, workflow.inputs, timing, progress)));
    const comparison = compare(workflow.name, report.throughput, peerStatus);
    if (comparison !== null) report.comparisons.push(comparison);
  }
  if (statemill !== undefined && options.scenarios.includes('latency')) {
    const sequential = report.throughput.find((r) => r.workflow === workflow.name && r.engine === 'statemill' && r.concurrency === 1);
    await measureOpenLoop(workflow, statemill, sequential, options, report, progress);
  }
  if (options.modes.includes('pool') && options.scenarios.includes('throughput')) await measurePool(workflow, options, timing, report, progress, expected);
  if (options.modes.includes('sharded') && options.scenarios.includes('throughput')) await measureSharded(workflow, options, report, progress);
  for (const subject of subjects) await subject.close();
  return allCorrect;
}

function fanoutModes(options: BenchOptions): { mode: 'inproc' | 'pool'; threads: number; factory: FanoutSubjectFactory }[] {
  const modes: { mode: 'inproc' | 'pool'; threads: number; factory: FanoutSubjectFactory }[] = [{ mode: 'inproc', threads: 1, factory: inProcessFanout }];
  if (options.modes.includes('pool')) {
    for (const threads of options.threads) {
      modes.push({
        mode: 'pool',
        threads,
        factory: (workflow, count) => poolSubject(workflow, { threads: count, batch: 1, mapFanOut: true, unlimitedPayloads: true }),
      });
    }
  }
  return modes;
}

export interface BenchRun {
  readonly report: BenchReport;
  /** False when statemill (or the baseline) gave a wrong answer somewhere. */
  readonly answersCorrect: boolean;
}

export async function runBench(options: BenchOptions, argv: readonly string[], progress = new Progress()): Promise<BenchRun> {
  const started = new Date();
  const machine = machineInfo();
  const report: BenchReport = {
    schema: REPORT_SCHEMA,
    label: options.label ?? defaultLabel(started),
    startedAt: started.toISOString(),
    finishedAt: '',
    command: [...argv],
    machine,
    machineNote: machineNote(options, machine.loadAverage),
    options,
    verification: [],
    throughput: [],
    comparisons: [],
    latency: [],
    fanout: [],
    retry: null,
    micro: [],
    skipped: [],
    notes: [],
  };
  const timing: Timing = { durationMs: options.durationMs, warmupMs: options.warmupMs, rounds: options.rounds };
  let answersCorrect = true;
  const perWorkflow = options.scenarios.some((s) => s === 'throughput' || s === 'latency');
  if (perWorkflow) {
    for (const workflow of await selectWorkflows(options)) {
      if (!(await benchWorkflow(workflow, options, timing, report, progress))) answersCorrect = false;
    }
  }
  if (options.scenarios.includes('fanout')) {
    report.fanout = await measureFanout({ items: options.fanoutItems, modes: fanoutModes(options), budgetMs: options.durationMs }, progress, report.skipped);
  }
  if (options.scenarios.includes('retry')) report.retry = await measureRetryOverhead(timing, progress);
  if (options.scenarios.includes('micro')) report.micro = await measureMicro(Math.max(100, options.durationMs / 4), progress);
  report.finishedAt = new Date().toISOString();
  return { report, answersCorrect };
}
