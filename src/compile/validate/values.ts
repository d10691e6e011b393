/** How the checks read a definition's values. */

/** State names and variable names are at most this many characters (code points). */
export const MAX_NAME_LENGTH = 80;

/** A string is a JSONata expression when it is wholly `{% … %}`. */
export function isJsonataExpression(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}
