/** Workflow variables at run time: scopes, the slots of their names, and reads by slot. */

import { payloadBound } from './limits.js';

/** What a slot holds before its variable is first assigned (a variable may hold any JSON value, null included). */
export const UNSET: unique symbol = Symbol('unset variable');

/**
 * The variables one States block assigns, each at a fixed slot, fixed at compile time from
 * the block's Assign fields (compile/variables.ts layoutOf). A scope that meets a name its
 * layout lacks (TestState's supplied variables, a restored or transferred scope) extends its
 * own copy of it, so a layout is a speed-up, never a limit.
 */
export class VariableLayout {
  readonly names: readonly string[];
  private readonly slots: ReadonlyMap<string, number>;
  /** One UNSET per slot: a scope's values start as a copy of it. */
  readonly unset: readonly unknown[];
  /** One 0 per slot: a scope's sizes start as a copy of it. */
  readonly zeros: readonly number[];
  constructor(names: readonly string[]) {
    this.names = names;
    this.slots = new Map(names.map((name, slot) => [name, slot]));
    this.unset = names.map(() => UNSET);
    this.zeros = names.map(() => 0);
  }
  /** The slot of `name`, or -1 when this layout has none for it. */
  slotOf(name: string): number {
    return this.slots.get(name) ?? -1;
  }
  with(name: string): VariableLayout {
    return new VariableLayout([...this.names, name]);
  }
}

/**
 * The size a scope keeps for a variable under the payload limit `limit`: an upper bound of
 * its JSON size in UTF-8 bytes while that fits (payloadBound; numbers and booleans exactly),
 * the exact size past it; 0 without a limit, where nothing is checked. Every path that puts
 * a value in a scope keeps this size or another upper bound within the limit, so a value built from
 * variables can take its bound from their sizes (VariableRead.sizeIn).
 */
export function variableSize(value: unknown, limit: number): number {
  if (limit === Infinity) return 0;
  switch (typeof value) {
    case 'boolean':
      return value ? 4 : 5;
    case 'number':
      // JSON writes a number that is not finite as null.
      return Number.isFinite(value) ? String(value).length : 4;
    case 'object':
      return value === null ? 4 : payloadBound(value, limit);
    default:
      return payloadBound(value, limit);
  }
}

/** The layout of a block that assigns nothing it knows of at compile time. */
export const NO_LAYOUT = new VariableLayout([]);

/** Workflow variables of one scope (a States block); reads fall through to outer scopes. */
export class VariableScope {
  layout: VariableLayout;
  /** The values by slot of `layout` (UNSET until assigned); created by the first assignment: most scopes never hold one. */
  values: unknown[] | null;
  readonly parent: VariableScope | null;
  /** JSON size of this scope's values (the sum of their kept sizes), for AWS's quota on variables (0 when unlimited). */
  bytes: number;
  /** The size kept by slot, as `values`: an upper bound of the value's JSON size (variableSize); created by the first sized assignment. */
  private sizes: number[] | null;
  constructor(parent: VariableScope | null, layout: VariableLayout = NO_LAYOUT) {
    this.layout = layout;
    this.values = null;
    this.parent = parent;
    this.bytes = 0;
    this.sizes = null;
  }
  /** The slot of `name` in this scope, which gains one when its layout has none. */
  slotFor(name: string): number {
    const slot = this.layout.slotOf(name);
    if (slot >= 0) return slot;
    this.layout = this.layout.with(name);
    this.values?.push(UNSET);
    this.sizes?.push(0);
    return this.layout.names.length - 1;
  }
  /** Sets a variable of this scope; `size` is variableSize(value) or another upper bound of its JSON size within the limit (0 only without a payload limit). */
  set(name: string, value: unknown, size: number): void {
    this.setSlot(this.slotFor(name), value, size);
  }
  /** Sets the variable at `slot` of this scope's layout. */
  setSlot(slot: number, value: unknown, size: number): void {
    (this.values ??= this.layout.unset.slice())[slot] = value;
    if (size === 0 && this.sizes === null) return;
    const sizes = (this.sizes ??= this.layout.zeros.slice());
    this.bytes += size - sizes[slot]!;
    sizes[slot] = size;
  }
  /** The size kept for the variable at `slot`. */
  sizeAt(slot: number): number {
    return this.sizes === null ? 0 : this.sizes[slot]!;
  }
  sizeOf(name: string): number {
    const slot = this.layout.slotOf(name);
    return slot < 0 ? 0 : this.sizeAt(slot);
  }
  /** This scope's own value of `name`, or UNSET. */
  private ownValue(name: string): unknown {
    if (this.values === null) return UNSET;
    const slot = this.layout.slotOf(name);
    return slot < 0 ? UNSET : this.values[slot];
  }
  has(name: string): boolean {
    for (let s: VariableScope | null = this; s !== null; s = s.parent) if (s.ownValue(name) !== UNSET) return true;
    return false;
  }
  /** This scope's own variables as [name, value, size] (not its parents'), for a durable record. */
  own(): [string, unknown, number][] {
    const values = this.values;
    if (values === null) return [];
    const own: [string, unknown, number][] = [];
    for (let slot = 0; slot < values.length; slot++) if (values[slot] !== UNSET) own.push([this.layout.names[slot]!, values[slot], this.sizeAt(slot)]);
    return own;
  }
  /** Every variable readable from this scope, as [name, value, size] with the size its own scope keeps, an inner scope's value hiding an outer one's. */
  visibleWithSizes(): [string, unknown, number][] {
    const seen = new Map<string, [string, unknown, number]>();
    for (let s: VariableScope | null = this; s !== null; s = s.parent) {
      for (const entry of s.own()) if (!seen.has(entry[0])) seen.set(entry[0], entry);
    }
    return [...seen.values()];
  }
  /** Every variable readable from this scope, as [name, value], an inner scope's value hiding an outer one's. */
  visible(): [string, unknown][] {
    return this.visibleWithSizes().map(([name, value]) => [name, value]);
  }
}

/** A variable as another scope kept it: [name, value, size]; a missing size is 0. */
export type KeptVariable = readonly [name: string, value: unknown, size?: number];

/**
 * A scope holding variables another scope kept (a durable record, a redrive point, the
 * variables a Map's iterations elsewhere are given). A kept size is an upper bound of the
 * value's JSON size under any payload limit, so it is kept as it is; 0 or none (kept where
 * there was no limit) is measured under `limit`.
 */
export function scopeOf(parent: VariableScope | null, variables: readonly KeptVariable[], layout: VariableLayout, limit: number): VariableScope {
  const vars = new VariableScope(parent, layout);
  for (const [name, value, size] of variables) vars.set(name, value, size !== undefined && size > 0 ? size : variableSize(value, limit));
  return vars;
}

/**
 * One place in a definition that reads the variable `name`: it keeps the slot the name has
 * in the layout it met at each depth of the scope chain, so a read is a layout comparison
 * and an index per scope, the name looked up only when a scope of another layout comes.
 */
export class VariableRead {
  readonly name: string;
  /** The layout met last in the nearest scope that held values, and the name's slot there (-1: none). */
  private layout: VariableLayout | null;
  private slot: number;
  /** The same for the scopes around it, by depth (1 the parent's). */
  private outerLayouts: (VariableLayout | null)[];
  private outerSlots: number[];
  constructor(name: string) {
    this.name = name;
    this.layout = null;
    this.slot = -1;
    this.outerLayouts = [];
    this.outerSlots = [];
  }
  /** The variable's value as seen from `vars`, or UNSET when no scope there holds it. */
  valueIn(vars: VariableScope | null): unknown {
    if (vars === null) return UNSET;
    const values = vars.values;
    if (values !== null) {
      if (vars.layout !== this.layout) {
        this.layout = vars.layout;
        this.slot = vars.layout.slotOf(this.name);
      }
      if (this.slot >= 0) {
        const v = values[this.slot];
        if (v !== UNSET) return v;
      }
    }
    return vars.parent === null ? UNSET : this.outerValueIn(vars.parent);
  }
  /** The size kept for the variable by the scope that holds it as seen from `vars` (variableSize: an upper bound), or Infinity when none holds it. */
  sizeIn(vars: VariableScope | null): number {
    for (let s: VariableScope | null = vars; s !== null; s = s.parent) {
      if (s.values === null) continue;
      const slot = s.layout.slotOf(this.name);
      if (slot >= 0 && s.values[slot] !== UNSET) return s.sizeAt(slot);
    }
    return Infinity;
  }
  private outerValueIn(outer: VariableScope): unknown {
    let depth = 0;
    for (let s: VariableScope | null = outer; s !== null; s = s.parent, depth++) {
      const values = s.values;
      if (values === null) continue;
      while (this.outerLayouts.length <= depth) {
        this.outerLayouts.push(null);
        this.outerSlots.push(-1);
      }
      if (this.outerLayouts[depth] !== s.layout) {
        this.outerLayouts[depth] = s.layout;
        this.outerSlots[depth] = s.layout.slotOf(this.name);
      }
      const slot = this.outerSlots[depth]!;
      if (slot >= 0) {
        const v = values[slot];
        if (v !== UNSET) return v;
      }
    }
    return UNSET;
  }
}
