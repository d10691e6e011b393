/**
 * `npm run bench` (built, from dist/bench): the same command as `statemill bench` in a checkout.
 *   npm run bench                 the quick benchmark of the built-in workloads
 *   npm run bench -- --help       every option
 */
import { benchCommand } from './command.js';

process.exitCode = await benchCommand(process.argv.slice(2));
