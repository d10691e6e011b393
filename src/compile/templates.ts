import { runtimeError, jsonForCause } from '../run/errors.js';
import type { Frame } from '../run/frame.js';
import { compileIntrinsic, isIntrinsicCall } from './intrinsics.js';
import { setOwn } from './own-properties.js';
import { compilePath } from './paths.js';

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
  return function buildObject(document, frame) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) setOwn(out, keys[i]!, builders[i]!(document, frame));
    return out;
  };
}

/** The value of a `key.$` entry: an intrinsic call or a path, failing as AWS does when the path finds nothing. */
export function compileDynamicValue(text: string, key: string): Builder {
  if (isIntrinsicCall(text)) return compileIntrinsic(text);
  const read = compilePath(text);
  return function readTemplatePath(document, frame) {
    const value = read(document, frame);
    if (value === undefined) {
      throw runtimeError(
        frame,
        `The JSONPath '${text}' specified for the field '${key}' could not be found in the input '${jsonForCause(document)}'`,
      );
    }
    return value;
  };
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

