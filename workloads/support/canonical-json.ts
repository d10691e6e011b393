/**
 * JSON text with object keys sorted: handlers that hash a document must not depend on
 * the key order an engine happened to build it in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let text = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (record[key] === undefined) continue;
    if (text.length > 1) text += ',';
    text += JSON.stringify(key) + ':' + canonicalJson(record[key]);
  }
  return text + '}';
}
