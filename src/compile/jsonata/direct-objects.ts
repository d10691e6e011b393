import type { ExprNode } from './ast.js';
import { BAIL } from './bail.js';
import type { Direct } from './direct.js';
import { setOwn } from '../../json.js';

/**
 * Direct evaluation (direct.ts) of jsonata's array and object constructors, and of
 * `$merge([…])`, the way workflows write "the input plus these fields" without building the
 * array and the objects that only feed the merge.
 */

export type CompileNode = (node: ExprNode) => Direct | null;

/** An array constructor: undefined items vanish, array values are spliced in unless written as `[…]`. */
export function compileArray(expressions: readonly ExprNode[], compileNode: CompileNode): Direct | null {
  const items: Direct[] = [];
  const nested: boolean[] = [];
  for (const e of expressions) {
    const item = compileNode(e);
    if (item === null) return null;
    items.push(item);
    nested.push(e.type === 'unary' && e.value === '[');
  }
  return function buildArray(scope) {
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const v = items[i]!(scope);
      if (v === undefined) continue;
      if (!nested[i] && Array.isArray(v)) for (const x of v) out.push(x);
      else out.push(v);
    }
    return out;
  };
}

/** An object constructor evaluated with no context item: one group, undefined keys and values dropped. */
export function compileObject(pairs: readonly (readonly [ExprNode, ExprNode])[], compileNode: CompileNode): Direct | null {
  const keys: Direct[] = [];
  const values: Direct[] = [];
  const literalKeys: string[] = [];
  for (const [k, v] of pairs) {
    const key = compileNode(k);
    const value = compileNode(v);
    if (key === null || value === null) return null;
    keys.push(key);
    values.push(value);
    if (k.type === 'string') literalKeys.push(k.value as string);
  }
  const fixedKeys = literalKeys.length === pairs.length && new Set(literalKeys).size === literalKeys.length;
  if (fixedKeys && literalKeys.includes('__proto__')) {
    // AWS keeps `__proto__` as an ordinary key; jsonata would set the prototype and lose it.
    return function buildObjectWithProtoKey(scope) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!(scope);
        if (v !== undefined) setOwn(out, literalKeys[i]!, v);
      }
      return out;
    };
  }
  if (fixedKeys && values.length >= 1 && values.length <= 3) return smallObject(literalKeys, values);
  if (fixedKeys) {
    return function buildObject(scope) {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!(scope);
        if (v !== undefined) out[literalKeys[i]!] = v;
      }
      return out;
    };
  }
  return function buildObjectWithComputedKeys(scope) {
    const names: (string | undefined)[] = new Array(keys.length);
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!(scope);
      if (key === undefined) continue;
      // Non-string keys and one key from two pairs are errors the library words.
      if (typeof key !== 'string' || seen.has(key)) throw BAIL;
      seen.add(key);
      names[i] = key;
    }
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const name = names[i];
      if (name === undefined) continue;
      const v = values[i]!(scope);
      if (v !== undefined) setOwn(out, name, v);
    }
    return out;
  };
}

/**
 * An object constructor of up to three literal keys (none `__proto__`): each key stored at
 * a site of its own, without a loop over the keys (as jsonpath/templates.ts does for templates).
 */
function smallObject(keys: readonly string[], values: readonly Direct[]): Direct {
  const [k0, k1, k2] = keys as [string, string?, string?];
  const [v0, v1, v2] = values as [Direct, Direct?, Direct?];
  if (v1 === undefined) {
    return function buildObject1(scope) {
      const out: Record<string, unknown> = {};
      const a = v0(scope);
      if (a !== undefined) out[k0] = a;
      return out;
    };
  }
  if (v2 === undefined) {
    return function buildObject2(scope) {
      const out: Record<string, unknown> = {};
      const a = v0(scope);
      if (a !== undefined) out[k0] = a;
      const b = v1(scope);
      if (b !== undefined) out[k1!] = b;
      return out;
    };
  }
  return function buildObject3(scope) {
    const out: Record<string, unknown> = {};
    const a = v0(scope);
    if (a !== undefined) out[k0] = a;
    const b = v1(scope);
    if (b !== undefined) out[k1!] = b;
    const c = v2(scope);
    if (c !== undefined) out[k2!] = c;
    return out;
  };
}

/** The literal keys of an object constructor, when every key is a distinct string literal; null otherwise. */
function literalKeysOf(pairs: readonly (readonly [ExprNode, ExprNode])[]): string[] | null {
  const keys: string[] = [];
  for (const [k] of pairs) {
    if (k.type !== 'string') return null;
    keys.push(k.value as string);
  }
  return new Set(keys).size === keys.length ? keys : null;
}

/** Whether a node is evaluated as written, with nothing attached that changes its value (a filter, a grouping, `[]`). */
function bare(node: ExprNode): boolean {
  return node.predicate === undefined && node.group === undefined && node.keepArray !== true && node.tuple !== true && node.stages === undefined;
}

/** One item of `$merge([…])`: an object constructor whose pairs go straight into the result, or any other value. */
interface MergeItem {
  /** The constructor's literal keys and their values; null for another kind of item. */
  readonly keys: readonly string[] | null;
  readonly values: readonly Direct[];
  /** The item's value (when not a constructor). */
  readonly value: Direct | null;
  /** Written as `[…]`: an array kept whole as one item, which $merge refuses. */
  readonly nested: boolean;
}

/**
 * `$merge([a, b, …])`, the argument an array constructor. jsonata builds the array (undefined
 * values vanish, array values are spliced in), checks that every item is an object (else
 * T0412, left to the library), and copies each item's own keys into a new object in turn,
 * later keys winning. Here the keys are copied as the items are evaluated, and an object
 * constructor among the items with literal keys writes its pairs into the result directly
 * (its undefined values vanish, as they would from the object). Null when an item is a shape
 * this module does not evaluate.
 */
export function compileMergeOfArray(argument: ExprNode, compileNode: CompileNode): Direct | null {
  if (!bare(argument)) return null;
  const items: MergeItem[] = [];
  for (const e of argument.expressions!) {
    const pairs = e.type === 'unary' && e.value === '{' && bare(e) ? (e.lhs as readonly (readonly [ExprNode, ExprNode])[]) : null;
    const keys = pairs === null ? null : literalKeysOf(pairs);
    if (pairs !== null && keys !== null) {
      const values: Direct[] = [];
      for (const [, v] of pairs) {
        const value = compileNode(v);
        if (value === null) return null;
        values.push(value);
      }
      items.push({ keys, values, value: null, nested: false });
      continue;
    }
    const value = compileNode(e);
    if (value === null) return null;
    items.push({ keys: null, values: [], value, nested: e.type === 'unary' && e.value === '[' });
  }
  return function mergeItems(scope) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const keys = item.keys;
      if (keys !== null) {
        for (let k = 0; k < keys.length; k++) {
          const v = item.values[k]!(scope);
          if (v !== undefined) setOwn(out, keys[k]!, v);
        }
        continue;
      }
      const v = item.value!(scope);
      if (v === undefined) continue;
      if (!Array.isArray(v)) mergeObject(out, v);
      else if (item.nested) throw BAIL;
      else for (let j = 0; j < v.length; j++) mergeObject(out, v[j]);
    }
    return out;
  };
}

/** Copies an object's own keys into `out` (jsonata's `Object.keys` order); anything but an object bails. */
function mergeObject(out: Record<string, unknown>, value: unknown): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw BAIL;
  const source = value as Record<string, unknown>;
  for (const key in source) if (Object.prototype.hasOwnProperty.call(source, key)) setOwn(out, key, source[key]);
}
