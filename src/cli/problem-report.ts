import type { Problem } from '../index.js';
import { problemHints } from './hints.js';

/** A definition problem as the CLI shows it: with the state it is in and what to do. */
export interface ReportedProblem {
  readonly code: string;
  readonly pointer: string;
  /** The innermost state the pointer is in; null for machine-level problems. */
  readonly state: string | null;
  readonly message: string;
  readonly hint: string | null;
}

export function reportProblems(problems: readonly Problem[]): ReportedProblem[] {
  return problems.map((p) => ({
    code: p.code,
    pointer: p.pointer,
    state: stateNameAt(p.pointer),
    message: p.message,
    hint: problemHints[p.code] ?? null,
  }));
}

/** The reference token an escaped JSON pointer token stands for (RFC 6901: `~1` is `/`, `~0` is `~`). */
export function unescapeToken(token: string): string {
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
