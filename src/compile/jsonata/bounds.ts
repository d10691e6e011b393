import { astOf, isJsonataExpression, parseJsonata, plainStep, type ExprNode } from './ast.js';
import { setOwn } from '../../json.js';
import type { TemplateBound } from '../jsonpath/templates.js';

/**
 * The size bound of what a JSONata field value (a Task's Arguments) builds, as for JSONPath
 * templates (jsonpath/templates.ts): `fixed + reads × the state input's bound`. Only values
 * made of constants and expressions that are `$states.input` or a path of plain names under it
 * count: such a path yields parts of the input, each at most once, so its JSON is never
 * longer than the input's. Null when any expression may compute or fetch something else.
 * The payload-limit check then adds numbers instead of walking the built value.
 */
export function jsonataValueBound(value: unknown): TemplateBound | null {
  const counted = { reads: 0 };
  const skeleton = skeletonOf(value, counted);
  if (skeleton === UNBOUNDED) return null;
  return { fixed: Buffer.byteLength(JSON.stringify(skeleton), 'utf8'), reads: counted.reads };
}

const UNBOUNDED = Symbol('unbounded');

/** The value with every expression written as null (its 4 bytes counted on top of the read's bound). */
function skeletonOf(value: unknown, counted: { reads: number }): unknown {
  if (isJsonataExpression(value)) {
    if (!readsInput(value)) return UNBOUNDED;
    counted.reads++;
    return null;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const s = skeletonOf(item, counted);
      if (s === UNBOUNDED) return UNBOUNDED;
      out.push(s);
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const s = skeletonOf(item, counted);
      if (s === UNBOUNDED) return UNBOUNDED;
      setOwn(out, key, s);
    }
    return out;
  }
  return value;
}

/** `{% $states.input %}` or `{% $states.input.a.b %}`: plain name steps, nothing attached. */
function readsInput(text: string): boolean {
  let ast: ExprNode;
  try {
    ast = astOf(parseJsonata(text.slice(2, -2)));
  } catch {
    return false;
  }
  if (ast.type !== 'path' || ast.keepSingletonArray === true) return false;
  const steps = ast.steps!;
  if (steps.length < 2 || steps[0]!.type !== 'variable' || steps[0]!.value !== 'states' || !plainStep(steps[0]!)) return false;
  if (steps[1]!.type !== 'name' || steps[1]!.value !== 'input') return false;
  return steps.slice(1).every((step) => step.type === 'name' && plainStep(step));
}
