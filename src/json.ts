/**
 * Own properties of JSON data, whose keys come from definitions and inputs. A read never
 * reaches the prototype (`constructor`, `toString` are no fields of a definition), and a
 * plain assignment of `__proto__` would call the prototype setter, so writes define it as an
 * ordinary own property instead. Copies use for-in loops: on objects of many shapes (parsed
 * JSON), V8's object spread falls to a slow path several times slower.
 */

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** A field's own value, or undefined; names such as `constructor` never reach the prototype. */
export function own(object: Record<string, unknown>, key: string): unknown {
  return hasOwn(object, key) ? object[key] : undefined;
}

/** Sets a key without ever invoking the `__proto__` setter. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Copies every key of `source` into `target`, later keys overwriting earlier ones. */
export function copyOwn(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const key in source) setOwn(target, key, source[key]);
  return target;
}
