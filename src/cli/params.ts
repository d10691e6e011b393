import { CliError, CliErrorCodes } from './cli-error.js';

/** Collects repeated `--param Name=Value` options (commander's option argument parser). */
export function collectParam(text: string, previous: readonly string[] = []): string[] {
  return [...previous, text];
}

/**
 * --param values by name: each `Name=Value` fills a template parameter (`!Ref Name`,
 * `${Name}` in `!Sub`) or a `${Name}` placeholder of the definition (DefinitionSubstitutions
 * included). The value may contain `=`; a later --param of the same name wins.
 */
export function parseParams(texts: readonly string[] | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const text of texts ?? []) {
    const at = text.indexOf('=');
    if (at <= 0) throw new CliError(CliErrorCodes.USAGE, `--param takes Name=Value (e.g. --param Stage=dev), not '${text}'`);
    params.set(text.slice(0, at).trim(), text.slice(at + 1));
  }
  return params;
}

/** The `${Name}` placeholders a text still holds, each once (`${!Literal}` is Fn::Sub's escaped text, not one). */
export function unfilledPlaceholders(text: string): string[] {
  return [...new Set(text.match(/\$\{[^}!][^}]*\}/g) ?? [])];
}
