import { hasOwn, isObject } from '../json.js';
import type { QueryLanguage } from './types.js';

/**
 * The query language of a state machine or a state: its own QueryLanguage, else `inherited`
 * (JSONPath for a state machine, the machine's for a state: AWS does not pass a Parallel's or
 * Map's QueryLanguage on to the states inside it). AWS reads any value other than exactly
 * "JSONPath" as JSONata; validate() reports a value that is neither.
 */
export function languageOf(holder: unknown, inherited: QueryLanguage): QueryLanguage {
  if (!isObject(holder) || !hasOwn(holder, 'QueryLanguage')) return inherited;
  return holder.QueryLanguage === 'JSONPath' ? 'JSONPath' : 'JSONata';
}
