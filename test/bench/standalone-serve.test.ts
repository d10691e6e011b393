/**
 * bench/standalone/serve.ts, run for one short round: its table writes latencies as the main
 * bench does (bench/units.ts), each with its unit. This proves the table, not speed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { columnCells, LATENCY_CELL } from './markdown-table.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

// Before, its "p50 ms" columns held autocannon's whole milliseconds: a sub-millisecond p50 read 0.
test('serve.ts writes each latency with its unit, p50 to p99.9, and rates with separators', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx/esm', 'bench/standalone/serve.ts', '--sync-only', '--duration', '1', '--rounds', '1', '--connections', '2'],
    { cwd: root, timeout: 120_000 },
  );
  for (const header of ['p50', 'p99', 'p99.9']) {
    const cells = columnCells(stdout, header);
    assert.is(cells.length, 4, `${header}: a row per server\n${stdout}`);
    for (const cell of cells) assert.match(cell, LATENCY_CELL, `${header}: '${cell}'`);
  }
  const rates = columnCells(stdout, 'req/s min / median / max');
  assert.is(rates.length, 4, stdout);
  for (const cell of rates) assert.match(cell, /^[\d,.]+ \/ [\d,.]+ \/ [\d,.]+$/);
});

test.run();
