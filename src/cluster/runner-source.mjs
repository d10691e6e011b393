// Runner thread entry used only when statemill runs from its TypeScript sources (tests,
// benchmarks under tsx): Node 20 does not apply `--import tsx/esm` to worker threads, so this
// registers tsx in the thread, then loads the real entry. The built package runs runner.js.
import { register } from 'tsx/esm/api';

register();
await import('./runner.ts');
