/** Plain-text tables for the terminal, and the summary of a run. */
import { describeMachine } from '../machine.js';
import type { BenchReport } from './types.js';
import { summaryRows, type Table } from './summary.js';

export function renderTable(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (table.alignRight[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(table.headers), widths.map((width) => '─'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}

export function renderSummary(report: BenchReport): string {
  const sections = [`statemill bench — ${describeMachine(report.machine)}`, report.machineNote, ''];
  for (const table of summaryRows(report)) {
    sections.push(table.title, renderTable(table), ...table.notes.map((note) => `  ${note}`), '');
  }
  if (report.notes.length > 0) sections.push('Notes:', ...report.notes.map((note) => `  - ${note}`), '');
  if (report.skipped.length > 0) sections.push('Not measured:', ...report.skipped.map((reason) => `  - ${reason}`), '');
  return sections.join('\n');
}
