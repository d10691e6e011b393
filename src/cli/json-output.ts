/**
 * JSON as the CLI prints it: `JSON.stringify(value, null, 2)`, also for values nested
 * deeper than the call stack allows (an input 5,000 arrays deep is valid data that the
 * engine runs without trouble; printing it must not fail either). Past 64 levels the
 * indentation stops growing, so the text of a deep value stays proportional to its size.
 */
export function formatJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return formatJsonIteratively(value);
  }
}

const MAX_INDENT = 128;

/** One open object or array: what remains to print of it. */
interface OpenContainer {
  readonly entries: ReadonlyArray<readonly [string | null, unknown]>;
  next: number;
  readonly close: string;
  readonly indent: string;
}

/** The JSON text of a scalar, or null when the value is a container (or is skipped as JSON.stringify skips it). */
function scalarText(value: unknown): string | undefined | null {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  return null;
}

/** JSON.stringify's two-space layout with an explicit stack instead of recursion. */
export function formatJsonIteratively(root: unknown): string {
  const parts: string[] = [];
  const stack: OpenContainer[] = [];
  const open = (value: object, indent: string): void => {
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === 'function') {
      write(json.call(value), indent);
      return;
    }
    if (Array.isArray(value)) {
      if (value.length === 0) return void parts.push('[]');
      parts.push('[');
      stack.push({ entries: value.map((item) => [null, item] as const), next: 0, close: ']', indent });
      return;
    }
    const entries = Object.keys(value)
      .map((key) => [key, (value as Record<string, unknown>)[key]] as const)
      .filter(([, item]) => scalarText(item) !== undefined);
    if (entries.length === 0) return void parts.push('{}');
    parts.push('{');
    stack.push({ entries, next: 0, close: '}', indent });
  };
  const write = (value: unknown, indent: string): void => {
    const text = scalarText(value);
    if (text === null) open(value as object, indent);
    else parts.push(text ?? 'null');
  };
  write(root, '');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next === top.entries.length) {
      stack.pop();
      parts.push(`\n${top.indent}${top.close}`);
      continue;
    }
    const [key, item] = top.entries[top.next]!;
    const inner = top.indent.length < MAX_INDENT ? `${top.indent}  ` : top.indent;
    parts.push(`${top.next === 0 ? '' : ','}\n${inner}${key === null ? '' : `${JSON.stringify(key)}: `}`);
    top.next += 1;
    write(item, inner);
  }
  return parts.join('');
}
