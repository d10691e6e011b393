/** The results of one `statemill bench` run: written as JSON, rendered as tables and charts. */
import type { EngineName } from '../engines/subject.js';
import type { LatencySummary } from '../histogram.js';
import type { MachineInfo } from '../machine.js';
import type { BenchOptions, ModeName } from '../options.js';

export const REPORT_SCHEMA = 'statemill-bench/1';

export interface VerificationRecord {
  workflow: string;
  engine: EngineName;
  inputs: number;
  matched: number;
  status: 'ok' | 'mismatch' | 'unsupported';
  /** The first difference, or why the engine cannot run the workflow. */
  detail: string | null;
  note: string | null;
}

export interface ThroughputRecord {
  workflow: string;
  engine: EngineName;
  mode: ModeName;
  /** Executions in flight. */
  concurrency: number;
  threads: number | null;
  batch: number | null;
  executions: number;
  elapsedMs: number;
  perSecond: number;
  /** 1 / throughput, in microseconds (the time per execution when sequential). */
  usPerExecution: number;
  latency: LatencySummary;
  /** Throughput of each round; `perSecond` is their median. */
  roundsPerSecond: number[];
  /** This process's CPU time per execution in each round (µs); all its threads for the pool; empty where not measured (sharded load, cluster). */
  roundsCpuUsPerExecution: number[];
}

export interface ComparisonRecord {
  workflow: string;
  baselineUs: number | null;
  statemillUs: number;
  /** statemill's time per execution ÷ the baseline's, round by round, median: the target is at most 2.0. */
  ratioToBaseline: number | null;
  /** The same from this process's CPU time per execution: time other processes take from a busy machine is left out. */
  cpuRatioToBaseline: number | null;
  peerUs: number | null;
  /** aws-local-stepfunctions time per execution / statemill's: the target is at least 10. */
  speedupOverPeer: number | null;
  /** Engine cost beyond the handlers: statemill's time − the baseline's. */
  statemillOverheadUs: number | null;
  peerOverheadUs: number | null;
  /** peerOverheadUs / statemillOverheadUs: how much less statemill adds on top of the same handlers. */
  overheadSpeedupOverPeer: number | null;
  /** 'measured', or why the peer has no figure. */
  peer: string;
}

export interface LatencyRecord {
  workflow: string;
  engine: EngineName;
  mode: ModeName;
  threads: number | null;
  batch: number | null;
  targetPerSecond: number;
  achievedPerSecond: number;
  executions: number;
  latency: LatencySummary;
}

export interface FanoutRecord {
  items: number;
  mode: ModeName;
  threads: number;
  /** One item's handler time, measured alone. */
  itemUs: number;
  /** items × itemUs / threads: what the Map would take with no engine cost. */
  idealMs: number;
  /** Map entry to Map exit (the definition is the Map alone), median of the runs. */
  measuredMs: number;
  ratioToIdeal: number;
  runs: number;
}

export interface RetryRecord {
  /** Interleaved rounds: each measured both sides, no retry and one retry. */
  rounds: number;
  /** One failing handler call (throwing an Error made up front), alone; subtracted from both sides. */
  failingCallUs: number;
  /** Wall-clock time per execution, the median of the rounds (likewise below). */
  engineNoRetryUs: number;
  engineOneRetryUs: number;
  /** One retry − no retry − the failing call, round by round; the median. */
  engineOverheadUs: number;
  handWrittenNoRetryUs: number;
  handWrittenOneRetryUs: number;
  handWrittenOverheadUs: number;
  /** Engine overhead / hand-written overhead by the wall clock, round by round; the median. The target is at most 2. */
  ratio: number;
  /** The same ratio by this process's CPU time (time spent descheduled on a shared machine not counted). */
  cpuRatio: number;
}

export interface MicroRecord {
  name: string;
  opsPerSecond: number;
  meanUs: number;
  p99Us: number;
  samples: number;
}

export interface BenchReport {
  schema: typeof REPORT_SCHEMA;
  label: string;
  startedAt: string;
  finishedAt: string;
  command: string[];
  machine: MachineInfo;
  /** Shown beside every figure: what else the machine was doing. */
  machineNote: string;
  options: BenchOptions;
  verification: VerificationRecord[];
  throughput: ThroughputRecord[];
  comparisons: ComparisonRecord[];
  latency: LatencyRecord[];
  fanout: FanoutRecord[];
  retry: RetryRecord | null;
  micro: MicroRecord[];
  /** Parts of the run that could not be done, and why. */
  skipped: string[];
  /** What a reader should know about how figures were obtained. */
  notes: string[];
}
