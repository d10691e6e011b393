// Worker entry used only when statemill runs from its TypeScript sources (tests, benchmarks
// under tsx): Node 20 does not apply `--import tsx/esm` to worker threads, so this registers
// tsx in the thread, then loads the real entry. The built package runs entry.js directly.
import { register } from 'tsx/esm/api';

register();
const { default: runTask } = await import('./entry.ts');
export default runTask;
