/** The Markdown report written beside each results JSON file. */
import { describeMachine } from '../machine.js';
import { summaryRows, type Table } from './summary.js';
import type { BenchReport } from './types.js';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function markdownTable(table: Table): string {
  const lines = [
    `| ${table.headers.map(escapeCell).join(' | ')} |`,
    `| ${table.alignRight.map((right) => (right ? '---:' : '---')).join(' | ')} |`,
    ...table.rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function renderMarkdown(report: BenchReport, charts: readonly string[]): string {
  const out = [
    `# statemill bench: ${report.label}`,
    '',
    `- Machine: ${describeMachine(report.machine)}`,
    `- ${report.machineNote}`,
    `- Run: ${report.startedAt} to ${report.finishedAt}`,
    `- Command: \`statemill bench ${report.command.join(' ')}\``,
    `- Every engine's answers were checked against the expected outcomes before timing; ` +
      `${report.verification.filter((v) => v.status === 'ok').length} engine × workflow pairs verified.`,
    '',
  ];
  for (const table of summaryRows(report)) {
    out.push(`## ${table.title}`, '', markdownTable(table), '');
    for (const note of table.notes) out.push(`- ${note}`);
    if (table.notes.length > 0) out.push('');
  }
  for (const chart of charts) out.push(`![${chart}](${chart})`, '');
  if (report.notes.length > 0) {
    out.push('## Notes', '');
    for (const note of report.notes) out.push(`- ${note}`);
    out.push('');
  }
  if (report.skipped.length > 0) {
    out.push('## Not measured', '');
    for (const reason of report.skipped) out.push(`- ${reason}`);
    out.push('');
  }
  return out.join('\n');
}
