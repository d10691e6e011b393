import { createHash } from 'node:crypto';
import type { StateEnv } from './context.js';

/**
 * The label of a Distributed Map, which names its map runs and child machine
 * (`<machine>/<label>`): its `Label`, or without one a UUID, as AWS generates (map run ARNs
 * read `<machine>/<Label or UUID>`). The UUID is derived from the state's place and its
 * processor, so every run of the same Map, and the same Map after a restart, has the same one.
 */
export function mapLabel(def: Record<string, unknown>, env: StateEnv): string {
  if (typeof def.Label === 'string') return def.Label;
  const processor = def.ItemProcessor ?? def.Iterator;
  const hex = createHash('sha1')
    .update(env.pointer)
    .update('\n')
    .update(JSON.stringify(processor) ?? '')
    .digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
