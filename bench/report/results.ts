/** Writing a run to results/: `<label>.json` for machines, `<label>.md` for people. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.js';
import type { BenchReport } from './types.js';

export function defaultLabel(startedAt: Date): string {
  return `bench-${startedAt
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

export interface WrittenResults {
  json: string;
  markdown: string;
}

export async function writeResults(report: BenchReport, directory: string, charts: readonly string[]): Promise<WrittenResults> {
  await mkdir(directory, { recursive: true });
  const json = join(directory, `${report.label}.json`);
  const markdown = join(directory, `${report.label}.md`);
  await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  await writeFile(markdown, renderMarkdown(report, charts));
  return { json, markdown };
}
