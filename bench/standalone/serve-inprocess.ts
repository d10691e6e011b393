/**
 * StartSyncExecution in-process, without HTTP: per call, the microseconds of decoding the
 * request body, the service's work, and encoding the answer, for a trivial Express workflow
 * with a 17 B and a 2 KB input — where the endpoint's time goes (profile it with --cpu-prof).
 *
 *   node --import tsx/esm bench/standalone/serve-inprocess.ts [--calls 100000]
 */
import { parseArgs } from 'node:util';
import { virtualClock } from '../../src/run/clock.js';
import { decodeRequest, encodeResponse } from '../../src/serve/protocol.js';
import { createService } from '../../src/service/index.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '100000' } } });
const calls = Number(values.calls);
const service = createService({ clock: virtualClock() });
const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });
const { stateMachineArn } = await service.createStateMachine({
  name: 'bench-trivial',
  definition,
  roleArn: 'arn:aws:iam::123456789012:role/bench',
  type: 'EXPRESS',
});

function twoKbInput(): string {
  const items = [];
  for (let i = 0; JSON.stringify({ orderId: 'o-1', items }).length < 2000; i++) items.push({ sku: `sku-${i}`, quantity: i % 5, price: 9.99 });
  return JSON.stringify({ orderId: 'o-1', items });
}

async function measure(body: string): Promise<{ decode: number; service: number; encode: number; bytes: number }> {
  let decode = 0;
  let work = 0;
  let encode = 0;
  let bytes = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const request = decodeRequest(body);
    const t1 = performance.now();
    const answer = await service.startSyncExecution(request as never);
    const t2 = performance.now();
    bytes = encodeResponse(answer).length;
    const t3 = performance.now();
    decode += t1 - t0;
    work += t2 - t1;
    encode += t3 - t2;
  }
  const us = (ms: number) => Math.round((ms * 1000 * 10) / calls) / 10;
  return { decode: us(decode), service: us(work), encode: us(encode), bytes };
}

for (const [label, input] of [
  ['17 B input', '{"orderId":"o-1"}'],
  [`${twoKbInput().length} B input`, twoKbInput()],
] as const) {
  const body = JSON.stringify({ stateMachineArn, input });
  await measure(body); // warm-up
  const m = await measure(body);
  process.stdout.write(`${label}: decode ${m.decode} µs, service ${m.service} µs, encode ${m.encode} µs (${m.bytes}-byte answer)\n`);
}
await service.close();
