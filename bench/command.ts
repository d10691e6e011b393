/**
 * `statemill bench`: benchmark the built-in workloads or your own workflow. Parses the
 * options, runs the harness (bench/), prints the summary table (or JSON with --json) and
 * writes the results files. Resolves to the process exit code, as every command uses them
 * (exit-codes.ts): 0, 1 when an engine under test gave a wrong answer, 2 for a usage error,
 * 3 for a file it cannot use, 4 for a definition with problems.
 */
import { HELP, OptionsError, parseBenchOptions, type BenchOptions } from './options.js';
import { writeResults } from './report/results.js';
import { renderSummary } from './report/table.js';
import { BenchSetupError } from './errors.js';
import { Progress } from './progress.js';
import { writeCharts } from './report/chart.js';
import { runBench } from './run.js';
import { mediaOptionsFromBench } from './media/options.js';
import { runMediaBench } from './media/run.js';
import { renderClusterSummary, runClusterBench, writeClusterResults } from './cluster/run.js';
import { CliError, CliErrorCodes, withCode } from '../src/cli/cli-error.js';
import { ExitCodes } from '../src/cli/exit-codes.js';

export interface BenchIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WriteStream;
}

export async function benchCommand(argv: readonly string[], io: BenchIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    io.stderr.write(`statemill bench: ${error.message}  [${CliErrorCodes.USAGE}]\n(statemill bench --help lists the options)\n`);
    return ExitCodes.USAGE;
  }
  if (options.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (options.media !== null) return runMediaBench(mediaOptionsFromBench(options), io);
  if (options.cluster !== null) return clusterCommand(options, options.cluster, argv, io);
  let run;
  try {
    run = await runBench(options, argv, new Progress(io.stderr));
  } catch (error) {
    return setupFailure(error, io);
  }
  const { report, answersCorrect } = run;
  if (options.save) {
    const charts = await writeCharts(report, options.outDir);
    const written = await writeResults(
      report,
      options.outDir,
      charts.map((chart) => chart.file),
    );
    io.stderr.write(`results: ${written.json}, ${written.markdown}${charts.length > 0 ? ', ' + charts.map((c) => c.path).join(', ') : ''}\n`);
  }
  io.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderSummary(report));
  return verdict(answersCorrect, io);
}

/** `statemill bench --cluster`: the pool against Redis and worker processes on this machine (cluster/run.ts). */
async function clusterCommand(options: BenchOptions, cluster: NonNullable<BenchOptions['cluster']>, argv: readonly string[], io: BenchIo): Promise<number> {
  let run;
  try {
    run = await runClusterBench(options, cluster, argv, new Progress(io.stderr));
  } catch (error) {
    return setupFailure(error, io);
  }
  const { report, answersCorrect } = run;
  if (options.save) {
    const written = await writeClusterResults(report, options.outDir);
    io.stderr.write(`results: ${written.json}, ${written.markdown}\n`);
  }
  io.stdout.write(options.json ? JSON.stringify(report, null, 2) + '\n' : renderClusterSummary(report));
  return verdict(answersCorrect, io);
}

/** The exit code of a run that could not start (a bad workflow file, no redis-server, …); anything else is a bug and is thrown on. */
function setupFailure(error: unknown, io: BenchIo): number {
  if (error instanceof BenchSetupError || error instanceof CliError) {
    io.stderr.write(`statemill bench: ${withCode(error.message, error.code)}\n`);
    return error.exitCode;
  }
  throw error;
}

/** FAILED when an engine under test answered wrongly, so a benchmark never reports figures of wrong answers as a success. */
function verdict(answersCorrect: boolean, io: BenchIo): number {
  if (answersCorrect) return ExitCodes.OK;
  io.stderr.write('statemill bench: an engine under test gave a wrong answer (see the verification table)\n');
  return ExitCodes.FAILED;
}
