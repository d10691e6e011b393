/**
 * What keeps a value from being JSON data, with a JSON pointer to it, or null when it is
 * JSON data. A BigInt or a circular reference can come back from a handler (AWS would never
 * see one: Lambda serialises every result), and the CLI must say so instead of failing to
 * print it. Objects shared between branches are fine; only an object inside itself is
 * circular. Walks with an explicit stack, so depth is no problem.
 */
export function notJsonData(root: unknown): string | null {
  /** Containers on the path from the root, to tell a cycle from a shared object. */
  const ancestors = new Set<object>();
  const pending: Array<{ value: unknown; pointer: string; leave?: object }> = [{ value: root, pointer: '' }];
  while (pending.length > 0) {
    const { value, pointer, leave } = pending.pop()!;
    if (leave !== undefined) {
      ancestors.delete(leave);
      continue;
    }
    if (typeof value === 'bigint') return `a BigInt (${value}n) at ${pointer || '/'}`;
    if (value === null || typeof value !== 'object') continue;
    if (ancestors.has(value)) return `a circular reference at ${pointer || '/'} (an object that contains itself)`;
    ancestors.add(value);
    pending.push({ value: null, pointer, leave: value });
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') continue;
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      pending.push({ value: (value as Record<string, unknown>)[keys[i]!], pointer: pointerTo(pointer, Array.isArray(value) ? i : keys[i]!) });
    }
  }
  return null;
}

/** Appends one reference token to a JSON pointer, escaped as RFC 6901 requires. */
function pointerTo(base: string, token: string | number): string {
  const text = String(token);
  if (!text.includes('~') && !text.includes('/')) return `${base}/${text}`;
  return `${base}/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
