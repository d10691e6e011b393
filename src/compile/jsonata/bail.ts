/**
 * What a directly evaluated expression (direct.ts) throws when it is not sure of its value:
 * the library would raise an error, or would take a path not reproduced there. The caller then
 * evaluates the expression with the library, which produces the result or the error, worded
 * as jsonata words it.
 */
export const BAIL: unknown = Object.freeze({ notEvaluatedDirectly: true });
