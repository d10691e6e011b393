import type { StateTypeSpec } from '../../asl/fields.js';
import type { Problem, ProblemCode } from '../../asl/problems.js';
import type { QueryLanguage } from '../../asl/types.js';
import { closestName } from './messages.js';

/** What one validation carries through the walk: its problems, the names declared, the scope a field sits in. */

/**
 * Did-you-mean suggestions compare a name with every name of its scope, each comparison a
 * table of (length × length) cells; past this many cells in one validation, messages go
 * without, so a large definition full of long unknown names still validates quickly.
 */
const SUGGESTION_CELLS = 10_000_000;

/** A name longer than this gets no suggestion (nothing that long is a typo of a state name). */
const MAX_SUGGESTED_LENGTH = 200;

/**
 * Standard-only integrations are `allowed` (a Standard machine that runs them), refused as AWS
 * refuses them in an `express` machine, or refused in a Standard machine compiled without the
 * integrations that run them (`needs-integrations`): valid ASL, but not runnable that way.
 */
export type WaitingTasks = 'allowed' | 'express' | 'needs-integrations';

export class Validation {
  readonly problems: Problem[] = [];
  /** The language of every state that does not set its own, in every scope (AWS does not inherit from a Parallel or Map). */
  readonly topLanguage: QueryLanguage;
  /** Every state name seen so far, machine-wide, with the pointer where it was declared. */
  readonly declared = new Map<string, string>();
  /** How Standard-only integrations (callbacks, `.sync`, activities) are judged. */
  readonly waitingTasks: WaitingTasks;
  private suggestionCellsLeft = SUGGESTION_CELLS;

  constructor(topLanguage: QueryLanguage, waitingTasks: WaitingTasks) {
    this.topLanguage = topLanguage;
    this.waitingTasks = waitingTasks;
  }

  report(code: ProblemCode, pointer: string, message: string): void {
    this.problems.push({ code, pointer, message });
  }

  /** The state of `scope` whose name is closest to `name`, while the suggestion budget lasts. */
  suggest(name: string, scope: Scope): string | null {
    if (name.length > MAX_SUGGESTED_LENGTH) return null;
    const cells = name.length * scope.nameLength;
    if (cells > this.suggestionCellsLeft) return null;
    this.suggestionCellsLeft -= cells;
    return closestName(name, scope.names);
  }
}

/** One States block: its names, its enclosing block, and the transitions found in it. */
export class Scope {
  readonly names: ReadonlySet<string>;
  /** The names' total length: what comparing a name with all of them costs. */
  readonly nameLength: number;
  readonly parent: Scope | null;
  readonly edges = new Map<string, string[]>();

  constructor(names: ReadonlySet<string>, parent: Scope | null) {
    this.names = names;
    let length = 0;
    for (const name of names) length += name.length;
    this.nameLength = length;
    this.parent = parent;
  }

  addEdge(from: string, to: string): void {
    const targets = this.edges.get(from);
    if (targets === undefined) this.edges.set(from, [to]);
    else targets.push(to);
  }

  /** True when an enclosing block, not this one, has a state of that name. */
  outerHas(name: string): boolean {
    for (let scope = this.parent; scope !== null; scope = scope.parent) if (scope.names.has(name)) return true;
    return false;
  }
}

/** Where a field sits: the scope its state names resolve in, the state it belongs to, its language. */
export interface Site {
  readonly scope: Scope;
  /** The state whose transitions these are; null for fields of a state machine itself. */
  readonly from: string | null;
  /** That state's type; null for fields of a state machine itself. */
  readonly type: StateTypeSpec | null;
  readonly language: QueryLanguage;
}
