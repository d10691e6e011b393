/**
 * A full garbage collection between measurements, so that no contender pays for the
 * garbage the previous one left behind (aws-local-stepfunctions leaves megabytes).
 * `gc` is exposed at run time, so the harness needs no `--expose-gc` flag.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export function collectGarbage(): void {
  gc();
}
