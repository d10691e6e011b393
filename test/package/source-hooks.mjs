// Module hooks for running examples against the source tree: `statemill` resolves to src/index.ts (tsx compiles it).
const index = new URL('../../src/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'statemill') return nextResolve(index, context);
  return nextResolve(specifier, context);
}
