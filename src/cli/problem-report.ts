import type { Problem } from '../index.js';
import { problemHints } from './hints.js';
import { isObject, own } from '../json.js';
import { unfilledPlaceholders } from './params.js';

/** A definition problem as the CLI shows it: with the state it is in and what to do. */
export interface ReportedProblem {
  readonly code: string;
  readonly pointer: string;
  /** The innermost state the pointer is in; null for machine-level problems. */
  readonly state: string | null;
  readonly message: string;
  readonly hint: string | null;
}

/**
 * The problems of `definition` as the CLI shows them. A problem whose value still holds a
 * `${Name}` placeholder (a DefinitionSubstitutions or Fn::Sub variable nothing filled, so AWS
 * would never see it) says so first in its hint: that, not the ASL, is what to fix.
 */
export function reportProblems(problems: readonly Problem[], definition: unknown): ReportedProblem[] {
  return problems.map((p) => {
    const hint = problemHints[p.code] ?? null;
    const value = valueAt(definition, p.pointer);
    const left = typeof value === 'string' ? unfilledPlaceholders(value) : [];
    const names = left.map((placeholder) => placeholder.slice(2, -1).trim());
    const filling =
      left.length === 0
        ? null
        : `${left.join(', ')} ${left.length === 1 ? 'is a template placeholder' : 'are template placeholders'} that nothing filled: ` +
          `give ${names.map((name) => `--param ${name}=Value`).join(' ')} (or the template's DefinitionSubstitutions).`;
    return {
      code: p.code,
      pointer: p.pointer,
      state: stateNameAt(p.pointer),
      message: p.message,
      hint: filling === null ? hint : `${filling} ${hint ?? ''}`.trim(),
    };
  });
}

/** The value a JSON pointer names in a parsed definition; undefined where there is none. */
export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const token of pointer === '' ? [] : pointer.split('/').slice(1).map(unescapeToken)) {
    if (Array.isArray(value) && /^(0|[1-9]\d*)$/.test(token)) value = value[Number(token)];
    else if (isObject(value)) value = own(value, token);
    else return undefined;
  }
  return value;
}

/** The reference token an escaped JSON pointer token stands for (RFC 6901: `~1` is `/`, `~0` is `~`). */
function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The innermost state a JSON pointer lies in. Follows the shape of ASL (States/<name>,
 * then Branches/<i>/States/<name> or ItemProcessor|Iterator/States/<name>), so a state
 * that happens to be named "States" does not confuse it.
 */
export function stateNameAt(pointer: string): string | null {
  const tokens = pointer === '' ? [] : pointer.split('/').slice(1).map(unescapeToken);
  let state: string | null = null;
  let i = 0;
  if (tokens[0] === 'States' && tokens.length > 1) {
    state = tokens[1]!;
    i = 2;
  } else {
    return null;
  }
  while (i < tokens.length) {
    if (tokens[i] === 'Branches' && tokens[i + 2] === 'States' && i + 3 < tokens.length) {
      state = tokens[i + 3]!;
      i += 4;
    } else if ((tokens[i] === 'ItemProcessor' || tokens[i] === 'Iterator') && tokens[i + 1] === 'States' && i + 2 < tokens.length) {
      state = tokens[i + 2]!;
      i += 3;
    } else {
      break;
    }
  }
  return state;
}

/** A readable listing: one block per problem, pointer and state first, then message, code and hint. */
export function formatProblems(label: string, problems: readonly ReportedProblem[]): string {
  const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
  const lines = [`${label}: ${count}`];
  problems.forEach((p, n) => {
    lines.push('');
    lines.push(`  ${n + 1}. ${p.pointer || '/'}${p.state === null ? '' : `  (state "${p.state}")`}`);
    lines.push(`     ${p.message}  [${p.code}]`);
    if (p.hint !== null) lines.push(`     hint: ${p.hint}`);
  });
  return lines.join('\n') + '\n';
}
