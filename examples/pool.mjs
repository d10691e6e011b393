// Run many executions on worker threads. Handlers cross into the workers as a module URL.
// Run it with `node examples/pool.mjs` after `npm run build`.
import { readFile } from 'node:fs/promises';
import { createPool } from 'statemill';

const definition = JSON.parse(await readFile(new URL('./order.asl.json', import.meta.url), 'utf8'));

const pool = createPool({ threads: 2 });
try {
  pool.register('orders', { definition, handlers: new URL('./handlers.mjs', import.meta.url) });
  const inputs = Array.from({ length: 200 }, (_, i) => ({ orderId: `o-${i}`, amount: i * 10 }));
  const results = await Promise.all(inputs.map((input) => pool.execute('orders', input)));
  const byStatus = {};
  for (const result of results) byStatus[result.status] = (byStatus[result.status] ?? 0) + 1;
  console.log('statuses', JSON.stringify(byStatus));
} finally {
  await pool.close();
}
