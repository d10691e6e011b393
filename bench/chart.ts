/**
 * Redraws the charts of a results file:
 *   npm run bench:chart -- results/reference-full.json
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeCharts } from './report/chart.js';
import type { BenchReport } from './report/types.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: npm run bench:chart -- <results.json> [...]\n');
  process.exitCode = 2;
}
for (const file of files) {
  const report = JSON.parse(await readFile(file, 'utf8')) as BenchReport;
  for (const chart of await writeCharts(report, dirname(file))) process.stdout.write(`${chart.path}\n`);
}
