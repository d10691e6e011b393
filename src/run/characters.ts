/**
 * Lengths as AWS counts them: in characters (Unicode code points, as the service model's length
 * constraints and the ASL specification count them), not in UTF-16 code units as JavaScript's
 * `length` does — an emoji is one character and two units.
 */

/** The characters of `text`: its code units less one for each surrogate pair (a lone surrogate counts as one). */
export function characterCount(text: string): number {
  let pairs = 0;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) {
      const before = text.charCodeAt(i - 1);
      if (before >= 0xd800 && before <= 0xdbff) pairs++;
    }
  }
  return text.length - pairs;
}

/** Whether `text` has more than `max` characters; counted only where its code units leave it open. */
export function longerThan(text: string, max: number): boolean {
  return text.length > max && characterCount(text) > max;
}
