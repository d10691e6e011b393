// `node --import tsx/esm --import ./test/package/statemill-from-source.mjs examples/x.mjs` runs an example without a build.
import { register } from 'node:module';

register('./source-hooks.mjs', import.meta.url);
