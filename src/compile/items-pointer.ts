import { unescapePointerToken } from '../asl/problems.js';
import { isObject, own } from '../json.js';
import { AslError, jsonForCause } from '../run/errors.js';

/**
 * ReaderConfig.ItemsPointer: a JSON Pointer (RFC 6901) to the array of items inside a JSON
 * object that an ItemReader read (`"/data/items"`; `""` is the whole document). Only own
 * members are followed, and an array is indexed by a decimal index without leading zeros.
 */
export function isItemsPointer(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || value.startsWith('/'));
}

/** The items the pointer selects; States.ItemReaderFailed when it names nothing or no array. */
export function itemsAtPointer(document: unknown, pointer: string): unknown[] {
  let node = document;
  if (pointer !== '') {
    for (const token of pointer.slice(1).split('/')) {
      node = child(node, unescapePointerToken(token));
      if (node === undefined) {
        throw new AslError('States.ItemReaderFailed', `The ItemsPointer '${pointer}' does not point to a node of the JSON document.`);
      }
    }
  }
  if (!Array.isArray(node)) {
    throw new AslError('States.ItemReaderFailed', `The ItemsPointer '${pointer}' must point to an array, but points to: ${jsonForCause(node)}`);
  }
  return node;
}

function child(node: unknown, name: string): unknown {
  if (Array.isArray(node)) return /^(?:0|[1-9][0-9]*)$/.test(name) ? node[Number(name)] : undefined;
  return isObject(node) ? own(node, name) : undefined;
}
