/** Reading the Markdown tables the benchmark scripts print. */

/** The cells under the column headed exactly `header` in the first table of `text` that has one, top to bottom. */
export function columnCells(text: string, header: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const column = cellsOf(lines[i]!).indexOf(header);
    if (column < 0 || !/^\|[-|: ]+\|$/.test(lines[i + 1] ?? '')) continue;
    const cells: string[] = [];
    for (let row = i + 2; lines[row]?.startsWith('|') === true; row++) cells.push(cellsOf(lines[row]!)[column] ?? '');
    return cells;
  }
  return [];
}

/** A latency as bench/units.ts formatLatency writes it: a number and its unit. */
export const LATENCY_CELL = /^\d[\d,]*(\.\d+)? (µs|ms)$/;

function cellsOf(line: string): string[] {
  return line.startsWith('|')
    ? line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim())
    : [];
}
