import { Session } from 'node:inspector/promises';

/**
 * Bytes allocated per call of `call`, over `calls` calls, by V8's sampling heap profiler (a
 * sample every 64 bytes on average, objects a collection freed included): every allocation
 * of the JavaScript heap, with or without collections, unlike heap growth, which moves by a
 * few hundred bytes from run to run with what the compilers leave in the heap. A call that
 * returns a promise is awaited before the next.
 */
export async function sampledBytesPerCall(call: (i: number) => unknown, calls: number): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < calls; i++) {
    const r = call(i);
    if (r instanceof Promise) await r;
  }
  const { profile } = await session.post('HeapProfiler.stopSampling');
  session.disconnect();
  // Each node's selfSize is already scaled up from its samples to an estimate of all its bytes.
  let total = 0;
  const nodes = [profile.head];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    total += node.selfSize;
    nodes.push(...node.children);
  }
  return total / calls;
}
