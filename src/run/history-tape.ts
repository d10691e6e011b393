/**
 * How a HistoryRecorder keeps its events (run/history.ts builds AWS's event objects from
 * them only when they are read). While the execution runs, on a tape: an array holding, per
 * event, a header (a small integer) and the slots its flags and type call for. The header
 * holds the type's code, a flag each for an id and a previous event id other than the usual
 * ones (the event before's id + 1; its own id - 1), and the milliseconds since the event
 * before. The slots, in order: the time (when the delta does not fit a header: always so for
 * the first event), the id and the previous event id (each when flagged), then the type's
 * values. Once the execution waits, the tape is packed into one string (see pack()): seven
 * events of a waiting execution then take about 200 bytes, their payloads' texts included.
 */

const CODE_MASK = 0x7f;
const ID_FLAG = 0x80;
const PREVIOUS_FLAG = 0x100;
const DELTA_SHIFT = 9;
/** The delta a header cannot hold: the time follows in a slot of its own. 21 bits keep a header within a small integer. */
const DELTA_ESCAPE = (1 << 21) - 1;

/** By event code: how many values an event keeps, and which of them (bit k: value k) are names kept once per machine when packed. */
const arities: number[] = [];
const nameSlots: number[] = [];

/** Takes the next event code, for a type keeping `arity` values of which `names` (a bit mask) are state names, resources or role ARNs. */
export function newCode(arity: number, names: number): number {
  const code = arities.length;
  if (code > CODE_MASK) throw new RangeError(`more than ${CODE_MASK + 1} history event types`);
  arities.push(arity);
  nameSlots.push(names);
  return code;
}

/**
 * The names a machine's events repeat (state names, resources, its role ARN), each kept once
 * and numbered: a packed event refers to one by its number. A definition names finitely many.
 */
export class NameTable {
  private readonly names: string[] = [];
  private readonly numbers = new Map<string, number>();

  numberOf(name: string): number {
    let n = this.numbers.get(name);
    if (n === undefined) {
      n = this.names.push(name) - 1;
      this.numbers.set(name, n);
    }
    return n;
  }

  nameOf(n: number): string {
    const name = this.names[n];
    if (name === undefined) throw new RangeError(`no history name numbered ${n}`);
    return name;
  }
}

/** Puts an event on `tape`. `lastMs` is the time of the event before (NaN for the first); `explicitId` says its id is not the one before's + 1. */
export function appendEvent(
  tape: unknown[],
  code: number,
  id: number,
  explicitId: boolean,
  previousEventId: number,
  ms: number,
  lastMs: number,
  a: unknown,
  b: unknown,
  c: unknown,
): void {
  const delta = ms - lastMs;
  const escaped = !(delta >= 0 && delta < DELTA_ESCAPE && Math.floor(delta) === delta);
  const explicitPrevious = previousEventId !== id - 1;
  tape.push(code | (explicitId ? ID_FLAG : 0) | (explicitPrevious ? PREVIOUS_FLAG : 0) | ((escaped ? DELTA_ESCAPE : delta) << DELTA_SHIFT));
  if (escaped) tape.push(ms);
  if (explicitId) tape.push(id);
  if (explicitPrevious) tape.push(previousEventId);
  const arity = arities[code]!;
  if (arity > 0) tape.push(a);
  if (arity > 1) tape.push(b);
  if (arity > 2) tape.push(c);
}

/*
 * The packed form: the same headers and slots, as characters below 256 (so the string
 * takes a byte a character unless a payload has others). Headers, ids and names' numbers
 * are base-128 varints; other values a tag and their text: N null, U undefined, S a string
 * (its length, then it), B the string before again (a state's input is often the output
 * before it, the same text), I a non-negative integer (varint), D another number (its text's
 * length, then it), P a pair (two values: a Task's timeout and heartbeat), R a name (its number).
 */

function varint(n: number): string {
  let out = '';
  while (n >= 128) {
    out += String.fromCharCode(128 + (n % 128));
    n = Math.floor(n / 128);
  }
  return out + String.fromCharCode(n);
}

/** Packs values, remembering the last string it wrote (for B). */
class Packer {
  private lastText: string | null = null;

  value(value: unknown, names: NameTable | null): string {
    if (typeof value !== 'string') return valueText(value);
    if (names !== null) return 'R' + varint(names.numberOf(value));
    if (value === this.lastText) return 'B';
    this.lastText = value;
    return 'S' + varint(value.length) + value;
  }
}

/** A value other than a string. */
function valueText(value: unknown): string {
  if (value === null) return 'N';
  if (value === undefined) return 'U';
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return 'I' + varint(value);
    const text = String(value);
    return 'D' + varint(text.length) + text;
  }
  if (Array.isArray(value) && value.length === 2) return 'P' + valueText(value[0]) + valueText(value[1]);
  throw new TypeError(`a history event value cannot be packed: ${typeof value}`);
}

/** `packed` followed by the events on `tape`, as one flat string (join writes it flat: no chain of concatenations is kept). */
export function pack(packed: string, tape: readonly unknown[], names: NameTable): string {
  const pieces: string[] = [packed];
  const packer = new Packer();
  for (let i = 0; i < tape.length;) {
    const header = tape[i++] as number;
    pieces.push(varint(header));
    if (header >>> DELTA_SHIFT === DELTA_ESCAPE) pieces.push(valueText(tape[i++]));
    if ((header & ID_FLAG) !== 0) pieces.push(varint(tape[i++] as number));
    if ((header & PREVIOUS_FLAG) !== 0) pieces.push(varint(tape[i++] as number));
    const code = header & CODE_MASK;
    const arity = arities[code]!;
    for (let k = 0; k < arity; k++, i++) pieces.push(packer.value(tape[i], (nameSlots[code]! >> k) & 1 ? names : null));
  }
  return pieces.join('');
}

/** Reads a packed string from its start. */
class PackedReader {
  position = 0;
  /** The last string read (for B). */
  private lastText = '';
  constructor(
    private readonly text: string,
    private readonly names: NameTable,
  ) {}

  get more(): boolean {
    return this.position < this.text.length;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const c = this.text.charCodeAt(this.position++);
      if (c < 128) return n + c * scale;
      n += (c - 128) * scale;
      scale *= 128;
    }
  }

  value(): unknown {
    const tag = this.text[this.position++];
    switch (tag) {
      case 'N':
        return null;
      case 'U':
        return undefined;
      case 'S':
        return (this.lastText = this.chars(this.varint()));
      case 'B':
        return this.lastText;
      case 'I':
        return this.varint();
      case 'D':
        return Number(this.chars(this.varint()));
      case 'P':
        return [this.value(), this.value()];
      case 'R':
        return this.names.nameOf(this.varint());
      default:
        throw new RangeError(`a packed history holds an unknown tag ${JSON.stringify(tag)} at ${this.position - 1}`);
    }
  }

  private chars(length: number): string {
    const start = this.position;
    this.position += length;
    return this.text.slice(start, this.position);
  }
}

/** What readEvents() hands each event to. */
export type EventVisitor = (code: number, id: number, previousEventId: number, ms: number, a: unknown, b: unknown, c: unknown) => void;

/** Every event of `packed` and then of `tape`, oldest first. */
export function readEvents(packed: string, tape: readonly unknown[] | null, names: NameTable, visit: EventVisitor): void {
  let id = 0;
  let ms = 0;
  const event = (header: number, slot: (escapedTime: boolean) => unknown) => {
    const delta = header >>> DELTA_SHIFT;
    ms = delta === DELTA_ESCAPE ? (slot(true) as number) : ms + delta;
    id = (header & ID_FLAG) !== 0 ? (slot(false) as number) : id + 1;
    const previousEventId = (header & PREVIOUS_FLAG) !== 0 ? (slot(false) as number) : id - 1;
    const code = header & CODE_MASK;
    const arity = arities[code]!;
    const a = arity > 0 ? slot(true) : null;
    const b = arity > 1 ? slot(true) : null;
    const c = arity > 2 ? slot(true) : null;
    visit(code, id, previousEventId, ms, a, b, c);
  };
  const reader = new PackedReader(packed, names);
  // In the packed form a time or a value is tagged; an id is a bare varint.
  const packedSlot = (tagged: boolean) => (tagged ? reader.value() : reader.varint());
  while (reader.more) event(reader.varint(), packedSlot);
  if (tape === null) return;
  let i = 0;
  const tapeSlot = () => tape[i++];
  while (i < tape.length) event(tape[i++] as number, tapeSlot);
}
