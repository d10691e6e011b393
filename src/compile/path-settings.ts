/**
 * A Map setting read by its …Path (MaxConcurrencyPath, ToleratedFailure…Path, the ItemBatcher's
 * and the ItemReader's MaxItems…Path): AWS reads the value as text and parses it as a Java int
 * or float, so numeric strings count: "1" is an integer, "1.5" is not; " 2.5 " is a float (Java
 * trims it), as is "1e2". Null when the value is neither a number of the kind nor such a string.
 */
export function integerSetting(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) ? v : null;
  if (typeof v !== 'string' || !/^[+-]?\d{1,10}$/.test(v)) return null;
  const n = Number(v);
  return n >= -2_147_483_648 && n <= 2_147_483_647 ? n : null;
}

export function floatSetting(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(text)) return null;
  return Number.parseFloat(text);
}
