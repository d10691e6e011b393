/** How the checks read a definition's values. */

/** State names and variable names are at most this many characters (code points). */
export const MAX_NAME_LENGTH = 80;
