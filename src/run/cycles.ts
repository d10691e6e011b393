/**
 * Cycles in values built in code. JSON cannot hold one, and a size walk over one only ever
 * grows, so a value over the payload limit is checked for one before it is called too large:
 * the failure then says what is wrong and where.
 */

/**
 * The JSON pointer of the first member that refers back to an object containing it, or null
 * when there is none (or the value cannot be read: its reader reports that). Walks with a
 * stack of its own, so depth costs no call stack; each object is explored once.
 */
export function cyclePointer(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return null;
  const onPath = new Set<object>();
  const explored = new Set<object>();
  const frames: CycleFrame[] = [];
  try {
    enter(frames, onPath, value, null);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next === frame.keys.length) {
        frames.pop();
        onPath.delete(frame.node);
        explored.add(frame.node);
        continue;
      }
      const key = frame.keys[frame.next++]!;
      const child: unknown = (frame.node as Record<string, unknown>)[key];
      if (child === null || typeof child !== 'object' || explored.has(child)) continue;
      if (onPath.has(child)) return pointerOf(frames, key);
      enter(frames, onPath, child, key);
    }
  } catch {
    // A getter or Proxy that throws: whoever reads the value next says so.
  }
  return null;
}

interface CycleFrame {
  readonly node: object;
  /** The key its parent holds it under (null for the whole value). */
  readonly key: string | null;
  readonly keys: string[];
  next: number;
}

function enter(frames: CycleFrame[], onPath: Set<object>, node: object, key: string | null): void {
  onPath.add(node);
  frames.push({ node, key, keys: Object.keys(node), next: 0 });
}

function pointerOf(frames: readonly CycleFrame[], last: string): string {
  let pointer = '';
  for (const frame of frames) if (frame.key !== null) pointer += '/' + escapeToken(frame.key);
  return pointer + '/' + escapeToken(last);
}

function escapeToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The end of a cause naming a cycle: "the value at /a/self refers to an object that contains it (a cycle)". */
export function cycleProblem(pointer: string): string {
  return `the value at ${pointer.length <= 160 ? pointer : `${pointer.slice(0, 60)}…${pointer.slice(-60)}`} refers to an object that contains it (a cycle)`;
}
