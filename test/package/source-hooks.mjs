// Module hooks for running examples against the source tree: `statemill` resolves to src/index.ts
// and `statemill/cluster` to src/cluster/index.ts (tsx compiles them).
const index = new URL('../../src/index.ts', import.meta.url).href;
const cluster = new URL('../../src/cluster/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'statemill') return nextResolve(index, context);
  if (specifier === 'statemill/cluster') return nextResolve(cluster, context);
  return nextResolve(specifier, context);
}
