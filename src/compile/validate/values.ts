/** How the checks read a definition's values. */

/** State names and variable names are at most this many characters (code points). */
export const MAX_NAME_LENGTH = 80;

/** A string is a JSONata expression when it is wholly `{% … %}`. */
export function isJsonataExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdbff || i + 1 === text.length) length++;
    else {
      length++;
      i++;
    }
  }
  return length;
}
