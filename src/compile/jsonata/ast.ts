import { createRequire } from 'node:module';
import type jsonata from 'jsonata';

let library: typeof jsonata | null = null;

/** The jsonata library, loaded on first use: most definitions never need it, and loading it slows start-up. */
export function jsonataLibrary(): typeof jsonata {
  return (library ??= createRequire(import.meta.url)('jsonata') as typeof jsonata);
}
import { Re2Engine } from './regex.js';

/**
 * The JSONata syntax tree as the jsonata library builds it (2.0.6, which AWS runs, and 2.2
 * build the same), and the facts about an expression that statemill decides once, at
 * compile time: whether it parses, which names it reads at
 * its top level (AWS refuses those), which workflow variables it may read, and whether it
 * names a property every JSON object inherits.
 */
export interface ExprNode {
  readonly type: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: readonly ExprNode[];
  readonly stages?: readonly ExprNode[];
  readonly predicate?: readonly ExprNode[];
  readonly expr?: ExprNode;
  readonly expressions?: readonly ExprNode[];
  readonly arguments?: readonly ExprNode[];
  readonly procedure?: ExprNode;
  readonly lhs?: ExprNode | readonly (readonly [ExprNode, ExprNode])[];
  readonly rhs?: ExprNode;
  readonly expression?: ExprNode;
  readonly condition?: ExprNode;
  readonly then?: ExprNode;
  readonly else?: ExprNode;
  readonly body?: ExprNode;
  readonly terms?: readonly { readonly expression: ExprNode }[];
  readonly group?: { readonly lhs: readonly (readonly [ExprNode, ExprNode])[] };
  readonly pattern?: ExprNode;
  readonly update?: ExprNode;
  readonly delete?: ExprNode;
  readonly keepArray?: boolean;
  readonly keepSingletonArray?: boolean;
  readonly tuple?: boolean;
  readonly focus?: string;
  readonly index?: string;
}

/** A parse failure, as jsonata reports it (`S0xxx` code, message, position). */
export class JsonataSyntaxError extends Error {
  override readonly name = 'JsonataSyntaxError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** A string is a JSONata expression when it is wholly `{% … %}`, with nothing outside the marks. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The expression between the marks, as AWS quotes it in causes. */
export function expressionText(value: string): string {
  return value.slice(2, -2).trim();
}

/** jsonata's options: regex literals run on RE2 (regex.ts). */
const options = { RegexEngine: Re2Engine as unknown as RegExpConstructor };

/** Parses one expression; throws JsonataSyntaxError. */
export function parseJsonata(text: string): jsonata.Expression {
  try {
    return jsonataLibrary()(text, options);
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : 'S0000';
    throw new JsonataSyntaxError(code, typeof e.message === 'string' ? e.message : String(error));
  }
}

export function astOf(expression: jsonata.Expression): ExprNode {
  return expression.ast() as unknown as ExprNode;
}

/** Every name a plain JSON object inherits: jsonata's path steps would read these off Object.prototype. */
export const inheritedNames: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** A node's direct children, in no particular order. */
export function childrenOf(node: ExprNode): ExprNode[] {
  const out: ExprNode[] = [];
  const add = (n: ExprNode | undefined) => {
    if (n !== undefined && n !== null && typeof n === 'object') out.push(n);
  };
  for (const list of [node.steps, node.stages, node.predicate, node.expressions, node.arguments]) if (list) list.forEach(add);
  add(node.expr);
  add(node.procedure);
  add(node.rhs);
  add(node.expression);
  add(node.condition);
  add(node.then);
  add(node.else);
  add(node.body);
  add(node.pattern);
  add(node.update);
  add(node.delete);
  if (node.terms) for (const term of node.terms) add(term.expression);
  if (node.group) for (const [k, v] of node.group.lhs) (add(k), add(v));
  if (Array.isArray(node.lhs)) for (const [k, v] of node.lhs as readonly (readonly [ExprNode, ExprNode])[]) (add(k), add(v));
  else add(node.lhs as ExprNode | undefined);
  return out;
}

/**
 * The operators of jsonata 2.1 that AWS's jsonata (2.0.6) lacks: `??` (coalescing) and `?:`
 * (default). The parser turns both into a plain condition node, so they are told apart from
 * `a ? b : c` by the two characters before the node's position (just after its operator) in
 * the parsed text. Returns each operator found once, in the order met.
 */
export function newerOperators(ast: ExprNode, parsedText: string): string[] {
  const found = new Set<string>();
  const pending: ExprNode[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'condition' && typeof node.position === 'number') {
      const operator = parsedText.slice(node.position - 2, node.position);
      if (operator === '??' || operator === '?:') found.add(operator);
    }
    for (const child of childrenOf(node)) pending.push(child);
  }
  return [...found];
}

/** The regex literals (`/…/flags`) of an expression. */
export function regexLiterals(ast: ExprNode): RegExp[] {
  const found: RegExp[] = [];
  const pending: ExprNode[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'regex' && node.value instanceof RegExp) found.push(node.value);
    for (const child of childrenOf(node)) pending.push(child);
  }
  return found;
}

/** What compile needs to know about an expression beyond its tree. */
export interface ExpressionFacts {
  /** Workflow variables it may read (every `$name` other than `$states`, `$` and `$$`). */
  readonly variables: readonly string[];
  /** It reads `$states.context` (or `$states` whole), so the context object must be built. */
  readonly readsContext: boolean;
  /** A path step names an inherited property (`constructor`, `__proto__`, …). */
  readonly inheritedName: string | null;
}

export function factsOf(ast: ExprNode): ExpressionFacts {
  const variables = new Set<string>();
  let readsContext = false;
  let inheritedName: string | null = null;
  function visit(node: ExprNode, firstStepOf: ExprNode | null): void {
    if (node.type === 'variable') {
      const name = node.value as string;
      if (name !== '' && name !== '$' && name !== 'states') variables.add(name);
      if (inheritedName === null && inheritedNames.has(name)) inheritedName = name;
      // `$states` hands over its context unless it starts a path that picks another field.
      if (name === 'states' && !picksOtherThanContext(firstStepOf)) readsContext = true;
    } else if (node.type === 'name' && inheritedName === null && inheritedNames.has(node.value as string)) {
      inheritedName = node.value as string;
    }
    // `@$name` and `#$name` bind variables through an object jsonata builds by assignment.
    for (const bound of [node.focus, node.index]) {
      if (inheritedName === null && bound !== undefined && inheritedNames.has(bound)) inheritedName = bound;
    }
    const steps = node.type === 'path' ? node.steps! : null;
    for (const child of childrenOf(node)) visit(child, steps !== null && child === steps[0] ? node : null);
  }
  visit(ast, null);
  return { variables: [...variables], readsContext, inheritedName };
}

/** The fields an expression reads of `$states` by name: `input` for `$states.input…`, and so on. */
export function statesFieldsRead(ast: ExprNode): Set<string> {
  const fields = new Set<string>();
  const pending: ExprNode[] = [ast];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.type === 'path') {
      const [first, second] = node.steps!;
      if (first!.type === 'variable' && first!.value === 'states' && second !== undefined && second.type === 'name') fields.add(second.value as string);
    }
    for (const child of childrenOf(node)) pending.push(child);
  }
  return fields;
}

/** True for a path `$states.input…`, `$states.result…` or `$states.errorOutput…`. */
function picksOtherThanContext(path: ExprNode | null): boolean {
  if (path === null) return false;
  const second = path.steps![1];
  return second !== undefined && second.type === 'name' && second.value !== 'context';
}

/**
 * The names an expression reads from the (absent) top-level context, as AWS refuses them:
 * a bare field (`phone`), `$` and `$$`. Only the first step of a path is read from the top
 * level; predicates, later steps, sort terms and groups read from what came before, so the
 * walk never enters them. A lambda body keeps the context of its definition, so it is walked.
 */
export function topLevelReferences(ast: ExprNode): string[] {
  const names = new Set<string>();
  collectTopLevel(ast, names);
  return [...names];
}

function collectTopLevel(node: ExprNode | undefined, names: Set<string>): void {
  if (node === undefined || node === null || typeof node !== 'object') return;
  switch (node.type) {
    case 'path':
      collectTopLevel(node.steps![0], names);
      return;
    case 'name':
      names.add(node.value as string);
      return;
    case 'variable':
      if (node.value === '') names.add('$');
      else if (node.value === '$') names.add('$$');
      return;
    case 'unary':
      if (node.value === '[') node.expressions!.forEach((n) => collectTopLevel(n, names));
      else if (node.value === '{')
        for (const [k, v] of node.lhs as readonly (readonly [ExprNode, ExprNode])[]) (collectTopLevel(k, names), collectTopLevel(v, names));
      else collectTopLevel(node.expression, names);
      return;
    case 'binary':
    case 'apply':
      collectTopLevel(node.lhs as ExprNode, names);
      collectTopLevel(node.rhs, names);
      return;
    case 'function':
    case 'partial':
      collectTopLevel(node.procedure, names);
      node.arguments!.forEach((n) => collectTopLevel(n, names));
      return;
    case 'lambda':
      collectTopLevel(node.body, names);
      return;
    case 'condition':
      collectTopLevel(node.condition, names);
      collectTopLevel(node.then, names);
      collectTopLevel(node.else, names);
      return;
    case 'block':
      node.expressions!.forEach((n) => collectTopLevel(n, names));
      return;
    case 'bind':
      collectTopLevel(node.rhs, names);
      return;
    default:
      // Literals, regexes, wildcards, descendants, transforms and sorts read no top-level name.
      return;
  }
}

/**
 * `k` when the expression is `$states.result[k]` alone (`k` a whole number, 0 or more): the
 * item at `k` of an array result, the result itself otherwise. -1 for any other expression.
 */
export function resultItemIndex(ast: ExprNode): number {
  if (ast.type !== 'path' || ast.keepSingletonArray === true || ast.steps?.length !== 2) return -1;
  const [states, result] = ast.steps as [ExprNode, ExprNode];
  if (states.type !== 'variable' || states.value !== 'states' || !plainStep(states)) return -1;
  if (result.type !== 'name' || result.value !== 'result' || result.stages?.length !== 1) return -1;
  if (result.predicate !== undefined || result.group !== undefined || result.focus !== undefined || result.index !== undefined) return -1;
  if (result.tuple === true || result.keepArray === true) return -1;
  const filter = result.stages[0]!;
  const k = filter.type === 'filter' && filter.expr?.type === 'number' ? (filter.expr.value as number) : -1;
  return Number.isInteger(k) && k >= 0 ? k : -1;
}

/** A step with nothing attached that could read its value some other way (filters, sorts, bindings, groups). */
export function plainStep(step: ExprNode): boolean {
  return (
    step.stages === undefined &&
    step.predicate === undefined &&
    step.group === undefined &&
    step.focus === undefined &&
    step.index === undefined &&
    step.tuple !== true &&
    step.keepArray !== true
  );
}
