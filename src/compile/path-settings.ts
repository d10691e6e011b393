import { jsonForCause, runtimeError } from '../run/errors.js';
import type { Frame } from '../run/frame.js';
import { compileReferencePath } from './jsonpath/paths.js';

/**
 * A Map setting read by its …Path (MaxConcurrencyPath, ToleratedFailure…Path, the ItemBatcher's
 * and the ItemReader's MaxItems…Path): AWS reads the value as text and parses it as a Java int
 * or float, so numeric strings count: "1" is an integer, "1.5" is not; " 2.5 " is a float (Java
 * trims it), as is "1e2". Null when the value is neither a number of the kind nor such a string.
 */
function integerSetting(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v !== 'string' || !/^[+-]?\d{1,10}$/.test(v)) return null;
  const n = Number(v);
  return n >= -2_147_483_648 && n <= 2_147_483_647 ? n : null;
}

function floatSetting(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(text)) return null;
  return Number.parseFloat(text);
}

/**
 * Reads a Map setting by its …Path at run time and parses it as above; a value that is no number
 * of the kind fails the state with States.Runtime naming the field, the value and the path.
 */
export function compilePathSetting(path: string, field: string, kind: 'integer' | 'float'): (input: unknown, frame: Frame) => number {
  const read = compileReferencePath(path);
  return function readPathSetting(input, frame) {
    const value = read(input, frame);
    const setting = kind === 'integer' ? integerSetting(value) : floatSetting(value);
    if (setting === null) {
      const shown = typeof value === 'string' ? value : jsonForCause(value);
      throw runtimeError(frame, `The ${field} field refers to value "${shown}" which is not a valid ${kind}: ${path}`);
    }
    return setting;
  };
}
