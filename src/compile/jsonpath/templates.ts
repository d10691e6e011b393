import { runtimeError, jsonForCause } from '../../run/errors.js';
import type { Frame } from '../../run/frame.js';
import { compileIntrinsic, isIntrinsicCall } from '../intrinsics/intrinsics.js';
import { setOwn } from '../../json.js';
import { VariableRead, type VariableScope } from '../../run/variables.js';
import { compilePath, parsePath } from './paths.js';

/**
 * Payload templates (Parameters, ResultSelector, ItemSelector, JSONPath Assign): a JSON
 * value in which every key ending in `.$` holds a path or an intrinsic call. Compiled once
 * into a builder that constructs a fresh value per use; constant parts are rebuilt from a
 * literal-like closure, so no two executions ever share a mutable object.
 */
export type Builder = (document: unknown, frame: Frame) => unknown;

export function compileTemplate(template: unknown): Builder {
  return compileNode(template);
}

function compileNode(node: unknown): Builder {
  if (node === null || typeof node !== 'object') return constant(node);
  if (Array.isArray(node)) {
    if (!containsDynamic(node)) return constantCopy(node);
    const items = node.map(compileNode);
    return function buildArray(document, frame) {
      const out = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = items[i]!(document, frame);
      return out;
    };
  }
  if (!containsDynamic(node)) return constantCopy(node);
  const keys: string[] = [];
  const builders: Builder[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('.$')) {
      keys.push(key.slice(0, -2));
      builders.push(compileDynamicValue(value as string, key));
    } else {
      keys.push(key);
      builders.push(compileNode(value));
    }
  }
  const built = objectBuilder(keys, builders);
  return (
    sharedMemberBuilder(node as Record<string, unknown>, keys, built) ??
    plainReadsBuilder(node as Record<string, unknown>, keys, built) ??
    itemReadsBuilder(node as Record<string, unknown>, keys, built) ??
    built
  );
}

/**
 * A template of three values, each a member of the Map item (`$$.Map.Item.Value.a`) or of
 * the input (`$.a`): a usual ItemSelector. Its values are read in one function, no call per
 * value. With the context given whole (TestState), outside a Map iteration, or with a value
 * missing, `whole` builds it, so the value or the error is the one it always was. Null for
 * other templates.
 */
function itemReadsBuilder(node: Record<string, unknown>, keys: readonly string[], whole: Builder): Builder | null {
  if (keys.length !== 3 || keys.includes('__proto__')) return null;
  const fromItem: boolean[] = [];
  const names: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!key.endsWith('.$') || typeof value !== 'string' || isIntrinsicCall(value)) return null;
    const inInput = plainInputNames(value);
    const inItem = inInput === null ? plainItemNames(value) : null;
    const path = inInput ?? inItem;
    if (path === null || path.length !== 1) return null;
    fromItem.push(inItem !== null);
    names.push(path[0]!);
  }
  if (!fromItem.includes(true)) return null;
  const [k0, k1, k2] = keys as [string, string, string];
  const [n0, n1, n2] = names as [string, string, string];
  const [i0, i1, i2] = fromItem as [boolean, boolean, boolean];
  return function buildFromItemReads3(document, frame) {
    if (frame.mapIndex < 0 || frame.exec.suppliedContext !== null) return whole(document, frame);
    const item = frame.mapValue;
    const fromItem = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const fromInput = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>) : undefined;
    const h0 = i0 ? fromItem : fromInput;
    const v0 = h0 === undefined ? undefined : h0[n0];
    if (v0 === undefined) return whole(document, frame);
    const h1 = i1 ? fromItem : fromInput;
    const v1 = h1 === undefined ? undefined : h1[n1];
    if (v1 === undefined) return whole(document, frame);
    const h2 = i2 ? fromItem : fromInput;
    const v2 = h2 === undefined ? undefined : h2[n2];
    if (v2 === undefined) return whole(document, frame);
    const out: Record<string, unknown> = {};
    out[k0] = v0;
    out[k1] = v1;
    out[k2] = v2;
    return out;
  };
}

/**
 * A template whose every value is a constant number, string, boolean or null, or a path of
 * one to three member names into the input (`$.a`, `$.a.b.c`), built in one loop: no call
 * per value. A value missing sends the build back to `whole`, the template's ordinary
 * builder, whose error names the path and the input. Null for other templates.
 */
function plainReadsBuilder(node: Record<string, unknown>, keys: readonly string[], whole: Builder): Builder | null {
  if (keys.includes('__proto__')) return null;
  const paths: (string[] | null)[] = [];
  const constants: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!key.endsWith('.$')) {
      if (value !== null && typeof value === 'object') return null;
      paths.push(null);
      constants.push(value);
      continue;
    }
    if (typeof value !== 'string' || isIntrinsicCall(value)) return null;
    const names = plainInputNames(value);
    if (names === null || names.length < 1 || names.length > 3) return null;
    paths.push(names);
    constants.push(undefined);
  }
  const only = paths.length === 1 ? paths[0] : null;
  if (only != null && only.length === 1) return singleMember(keys[0]!, only[0]!, whole);
  return function buildFromReads(document, frame) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const path = paths[i]!;
      let value: unknown;
      if (path === null) value = constants[i];
      else {
        value = document;
        for (let j = 0; j < path.length && value !== undefined; j++) {
          value = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[path[j]!] : undefined;
        }
        if (value === undefined) return whole(document, frame);
      }
      out[keys[i]!] = value;
    }
    return out;
  };
}

/** plainReadsBuilder of one key whose value is `$.a` (a usual ResultSelector): one read and one store, no loop. */
function singleMember(key: string, name: string, whole: Builder): Builder {
  return function buildFromMember1(document, frame) {
    const value = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>)[name] : undefined;
    if (value === undefined) return whole(document, frame);
    const out: Record<string, unknown> = {};
    out[key] = value;
    return out;
  };
}

/** Thrown by a member reader under sharedMemberBuilder when its value is missing: the whole template is then built again to fail as AWS does. */
const MISSING_MEMBER = Symbol('missing member');

/**
 * A template whose every value is a path into the same member of the input (`$.applicant.name`,
 * `$.applicant.email`, … : a usual Parameters) reads that member once rather than once per
 * value, and builds the object from it. A value missing there sends the build back to
 * `whole`, the template's ordinary builder, whose error names the path and the input. Null
 * for other templates.
 */
function sharedMemberBuilder(node: Record<string, unknown>, keys: readonly string[], whole: Builder): Builder | null {
  if (keys.length < 2) return null;
  let member: string | null = null;
  const rests: string[][] = [];
  for (const [key, value] of Object.entries(node)) {
    if (!key.endsWith('.$') || typeof value !== 'string' || isIntrinsicCall(value)) return null;
    const names = plainInputNames(value);
    if (names === null || names.length < 2 || names.length > 3 || (member !== null && names[0] !== member)) return null;
    member = names[0]!;
    rests.push(names.slice(1));
  }
  const name = member!;
  if (rests.every((rest) => rest.length === 1) && !keys.includes('__proto__'))
    return sharedMemberValues(
      name,
      keys,
      rests.map((rest) => rest[0]!),
      whole,
    );
  const fromMember = objectBuilder(keys, rests.map(relativeReader));
  return function buildFromMember(document, frame) {
    const outer = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>)[name] : undefined;
    if (outer === null || typeof outer !== 'object' || Array.isArray(outer)) return whole(document, frame);
    try {
      return fromMember(outer, frame);
    } catch (thrown) {
      if (thrown === MISSING_MEMBER) return whole(document, frame);
      throw thrown;
    }
  };
}

/** sharedMemberBuilder where every value is a member of the shared one (`$.a.b`): read and stored in one loop, no call per value. */
function sharedMemberValues(member: string, keys: readonly string[], names: readonly string[], whole: Builder): Builder {
  return function buildFromMemberValues(document, frame) {
    const outer = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>)[member] : undefined;
    if (outer === null || typeof outer !== 'object' || Array.isArray(outer)) return whole(document, frame);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const value = (outer as Record<string, unknown>)[names[i]!];
      if (value === undefined) return whole(document, frame);
      out[keys[i]!] = value;
    }
    return out;
  };
}

/** A reader of `$.a.b` / `$.a.b.c` under sharedMemberBuilder, given `a`'s value (an object): the rest of the path. */
function relativeReader(names: readonly string[]): Builder {
  const [b, c] = names as [string, string | undefined];
  if (c === undefined) {
    return function readMemberOfShared(outer) {
      const value = (outer as Record<string, unknown>)[b];
      if (value === undefined) throw MISSING_MEMBER;
      return value;
    };
  }
  return function readMember2OfShared(outer) {
    const inner = (outer as Record<string, unknown>)[b];
    const value = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? (inner as Record<string, unknown>)[c] : undefined;
    if (value === undefined) throw MISSING_MEMBER;
    return value;
  };
}

/**
 * A builder of objects with these keys, in order. Templates of up to six keys (most
 * selectors and Parameters) get a builder that stores each key at its own site, without a loop or a
 * `__proto__` test per key: one loop storing every template's keys was the top item of a
 * Map's profile. A `__proto__` key is decided here, once.
 */
function objectBuilder(keys: readonly string[], builders: readonly Builder[]): Builder {
  if (!keys.includes('__proto__')) {
    if (keys.length === 1) {
      const [k0] = keys as [string];
      const [b0] = builders as [Builder];
      return function buildObject1(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        return out;
      };
    }
    if (keys.length === 2) {
      const [k0, k1] = keys as [string, string];
      const [b0, b1] = builders as [Builder, Builder];
      return function buildObject2(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        out[k1] = b1(document, frame);
        return out;
      };
    }
    if (keys.length === 3) {
      const [k0, k1, k2] = keys as [string, string, string];
      const [b0, b1, b2] = builders as [Builder, Builder, Builder];
      return function buildObject3(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        out[k1] = b1(document, frame);
        out[k2] = b2(document, frame);
        return out;
      };
    }
    if (keys.length === 4) {
      const [k0, k1, k2, k3] = keys as [string, string, string, string];
      const [b0, b1, b2, b3] = builders as [Builder, Builder, Builder, Builder];
      return function buildObject4(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        out[k1] = b1(document, frame);
        out[k2] = b2(document, frame);
        out[k3] = b3(document, frame);
        return out;
      };
    }
    if (keys.length === 5) {
      const [k0, k1, k2, k3, k4] = keys as [string, string, string, string, string];
      const [b0, b1, b2, b3, b4] = builders as [Builder, Builder, Builder, Builder, Builder];
      return function buildObject5(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        out[k1] = b1(document, frame);
        out[k2] = b2(document, frame);
        out[k3] = b3(document, frame);
        out[k4] = b4(document, frame);
        return out;
      };
    }
    if (keys.length === 6) {
      const [k0, k1, k2, k3, k4, k5] = keys as [string, string, string, string, string, string];
      const [b0, b1, b2, b3, b4, b5] = builders as [Builder, Builder, Builder, Builder, Builder, Builder];
      return function buildObject6(document, frame) {
        const out: Record<string, unknown> = {};
        out[k0] = b0(document, frame);
        out[k1] = b1(document, frame);
        out[k2] = b2(document, frame);
        out[k3] = b3(document, frame);
        out[k4] = b4(document, frame);
        out[k5] = b5(document, frame);
        return out;
      };
    }
  }
  return function buildObject(document, frame) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, builders[i]!(document, frame));
    return out;
  };
}

/** The value of a `key.$` entry: an intrinsic call or a path, failing as AWS does when the path finds nothing. */
export function compileDynamicValue(text: string, key: string): Builder {
  if (isIntrinsicCall(text)) return compileIntrinsic(text);
  const names = plainInputNames(text);
  if (names !== null && names.length >= 1 && names.length <= 2) return memberReader(names, text, key);
  const read = compilePath(text);
  const itemNames = names === null ? plainItemNames(text) : null;
  if (itemNames !== null && itemNames.length === 1) return itemMemberReader(itemNames[0]!, read, text, key);
  return function readTemplatePath(document, frame) {
    const value = read(document, frame);
    if (value === undefined) {
      throw runtimeError(frame, `The JSONPath '${text}' specified for the field '${key}' could not be found in the input '${jsonForCause(document)}'`);
    }
    return value;
  };
}

/**
 * `$.a` and `$.a.b` (the usual template value) read straight from the document, one call
 * per value instead of a template read calling a path reader.
 */
function memberReader(names: readonly string[], text: string, key: string): Builder {
  const missing = (document: unknown, frame: Frame) =>
    runtimeError(frame, `The JSONPath '${text}' specified for the field '${key}' could not be found in the input '${jsonForCause(document)}'`);
  const [a, b] = names as [string, string | undefined];
  if (b === undefined) {
    return function readTemplateMember(document, frame) {
      const value = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>)[a] : undefined;
      if (value === undefined) throw missing(document, frame);
      return value;
    };
  }
  return function readTemplateMember2(document, frame) {
    const outer = document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>)[a] : undefined;
    const value = outer !== null && typeof outer === 'object' && !Array.isArray(outer) ? (outer as Record<string, unknown>)[b] : undefined;
    if (value === undefined) throw missing(document, frame);
    return value;
  };
}

/**
 * `$$.Map.Item.Value.a` (the usual ItemSelector value) read from the frame's item, as the
 * context object's field gives it. With the context given whole (TestState), or missing,
 * `read` (the compiled path) reads it again, so the value or the error is the one it gives.
 */
function itemMemberReader(name: string, read: Builder, text: string, key: string): Builder {
  return function readItemMember(document, frame) {
    const item = frame.mapIndex >= 0 && frame.exec.suppliedContext === null ? frame.mapValue : undefined;
    let value = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>)[name] : undefined;
    if (value === undefined) {
      value = read(document, frame);
      if (value === undefined) {
        throw runtimeError(frame, `The JSONPath '${text}' specified for the field '${key}' could not be found in the input '${jsonForCause(document)}'`);
      }
    }
    return value;
  };
}

/** The names below the Map item in `$$.Map.Item.Value.a.b…` (none an Object.prototype name), else null. */
function plainItemNames(text: string): string[] | null {
  const names = plainNames(text, 'context');
  if (names === null || names.length < 3 || names[0] !== 'Map' || names[1] !== 'Item' || names[2] !== 'Value') return null;
  return names.slice(3);
}

/** The names of a path of the input made only of plain member names (none an Object.prototype name), else null. */
function plainInputNames(text: string): string[] | null {
  return plainNames(text, 'input');
}

/** The names of a path from `root` made only of plain member names (none an Object.prototype name), else null. */
function plainNames(text: string, root: 'input' | 'context'): string[] | null {
  let parsed;
  try {
    parsed = parsePath(text);
  } catch {
    return null;
  }
  if (parsed.root !== root || parsed.segments === null) return null;
  const names: string[] = [];
  for (const segment of parsed.segments) {
    if (!('name' in segment) || segment.name in Object.prototype) return null;
    names.push(segment.name);
  }
  return names;
}

function containsDynamic(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(containsDynamic);
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('.$') || containsDynamic(value)) return true;
  }
  return false;
}

function constant(value: unknown): Builder {
  return function constantValue() {
    return value;
  };
}

/** A constant object or array, rebuilt on every use from a compiled copier. */
export function constantCopy(value: unknown): Builder {
  const copy = copier(value);
  return function buildConstant() {
    return copy();
  };
}

function copier(value: unknown): () => unknown {
  if (value === null || typeof value !== 'object') return () => value;
  if (Array.isArray(value)) {
    const items = value.map(copier);
    return function copyArray() {
      const out = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = items[i]!();
      return out;
    };
  }
  const entries = Object.entries(value);
  const keys = entries.map((e) => e[0]);
  const items = entries.map((e) => copier(e[1]));
  return function copyObject() {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, items[i]!());
    return out;
  };
}

/**
 * An upper bound of the JSON size of what a template builds, as `fixed + reads × the
 * document's bound + the sizes kept for the variables it reads`: a value copied out of a
 * JSON document (or a variable) is never larger than it, and a scope keeps an upper bound of
 * each variable's size (run/variables.ts variableSize). Knowing it lets the payload-limit
 * checks add numbers instead of walking values.
 */
export interface TemplateBound {
  /** Bytes of the template's own keys, punctuation and constants. */
  readonly fixed: number;
  /** How many of its values are copied from the document. */
  readonly reads: number;
  /** The variables its values are copied from, one per value. */
  readonly variables: readonly VariableRead[];
}

/**
 * The bound of what `bound`'s template builds from a document bounded by `documentBound`
 * and the variables seen from `vars`, taken before an Assign of the same state changes them.
 */
export function builtBound(bound: TemplateBound, documentBound: number, vars: VariableScope | null): number {
  let total = bound.reads === 0 ? bound.fixed : bound.fixed + bound.reads * documentBound;
  const variables = bound.variables;
  for (let i = 0; i < variables.length; i++) total += variables[i]!.sizeIn(vars);
  return total;
}

/** A template that is the document itself (no Parameters, no ItemSelector). */
export const WHOLE_DOCUMENT: TemplateBound = { fixed: 0, reads: 1, variables: [] };

/** `$$.Map.Item.Index` is a small integer. */
const INDEX_BYTES = 24;

/**
 * The bound of a template, or null when a value comes from elsewhere (the context object,
 * an intrinsic function). In an ItemSelector, `$$.Map.Item.Value` is an item of the Map's
 * input and counts as a read of the document (`itemIsInDocument`).
 */
export function templateBound(template: unknown, itemIsInDocument = false): TemplateBound | null {
  let reads = 0;
  let extra = 0;
  const variables: VariableRead[] = [];
  for (const value of dynamicValues(template)) {
    const source = typeof value === 'string' ? sourceOf(value, itemIsInDocument) : 'elsewhere';
    if (source === 'elsewhere') return null;
    if (source === 'document') reads++;
    else if (source === 'index') extra += INDEX_BYTES;
    else variables.push(new VariableRead(source.variable));
  }
  return { fixed: Buffer.byteLength(JSON.stringify(skeleton(template)), 'utf8') + extra, reads, variables };
}

/** The template with every `key.$` entry written as `key: null` (null's 4 bytes are counted on top of the value's bound). */
function skeleton(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(skeleton);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('.$')) setOwn(out, key.slice(0, -2), null);
    else setOwn(out, key, skeleton(value));
  }
  return out;
}

/** The values of a template's `key.$` entries, at any depth: its paths and intrinsic calls. */
export function dynamicValues(node: unknown, found: unknown[] = []): unknown[] {
  if (node === null || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) dynamicValues(item, found);
    return found;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('.$')) found.push(value);
    else dynamicValues(value, found);
  }
  return found;
}

/** Where a `key.$` value comes from (a variable: by its name). Only definite paths count: a deep scan or a union can repeat a value. */
function sourceOf(text: string, itemIsInDocument: boolean): 'document' | 'index' | 'elsewhere' | { readonly variable: string } {
  if (isIntrinsicCall(text)) return 'elsewhere';
  let parsed;
  try {
    parsed = parsePath(text);
  } catch {
    return 'elsewhere';
  }
  if (parsed.segments === null) return 'elsewhere';
  if (parsed.root === 'input') return 'document';
  if (parsed.root === 'variable') return { variable: parsed.variable };
  if (itemIsInDocument && parsed.root === 'context') {
    const names = parsed.segments.map((s) => ('name' in s ? s.name : `[${s.index}]`));
    if (names.length >= 3 && names[0] === 'Map' && names[1] === 'Item' && names[2] === 'Value') return 'document';
    if (names.length === 3 && names[0] === 'Map' && names[1] === 'Item' && names[2] === 'Index') return 'index';
  }
  return 'elsewhere';
}
