/**
 * Writing keys that come from definitions and inputs. A plain assignment of `__proto__`
 * would call the prototype setter; these define it as an ordinary own property instead.
 * Copies use for-in loops: on objects of many shapes (parsed JSON), V8's object spread
 * falls to a slow path several times slower.
 */

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
