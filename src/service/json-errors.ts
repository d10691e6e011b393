/**
 * Why a JSON text does not parse, worded as AWS words it. AWS reads definitions and inputs
 * with Jackson and quotes its messages ("Unrecognized token 'not': was expecting …"), so
 * this scanner walks the JSON grammar and reports the first fault the way Jackson does,
 * with Jackson's `[Source: …; line: L, column: C]` location.
 */

export interface JsonFault {
  /** Jackson's message without its location. */
  message: string;
  /** Jackson's location, e.g. `[Source: (String)"not a definition"; line: 1, column: 4]`. */
  location: string;
}

const expectingValue = "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** Jackson's default StreamReadConstraints: deeper documents are refused (and nothing recurses past it). */
const MAX_NESTING_DEPTH = 1000;

/** The first fault of a JSON text, or null when the text parses and nests no deeper than Jackson allows. */
export function jsonFault(text: string): JsonFault | null {
  try {
    JSON.parse(text);
  } catch {
    return new FaultScanner(text).scan();
  }
  return nestingFault(text);
}

/**
 * The nesting fault of a text that parses, or null: counted without recursion, and only
 * for texts long enough to nest that deep (a shorter one costs nothing).
 */
export function nestingFault(text: string): JsonFault | null {
  if (text.length <= 2 * MAX_NESTING_DEPTH) return null;
  // Nesting past the limit takes more brackets than the limit: counting them with indexOf (native) clears most texts.
  if (openBracketsAtMost(text, MAX_NESTING_DEPTH)) return null;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: its brackets are text.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_NESTING_DEPTH) return new FaultScanner(text).scan();
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return null;
}

/** True when the text holds at most `limit` of `{` and `[` (in strings or not). */
function openBracketsAtMost(text: string, limit: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i >= 0; i = text.indexOf('{', i + 1)) if (++count > limit) return false;
  for (let i = text.indexOf('['); i >= 0; i = text.indexOf('[', i + 1)) if (++count > limit) return false;
  return true;
}

class FaultScanner {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  scan(): JsonFault {
    try {
      this.value();
      this.space();
      if (this.pos < this.text.length) return this.fault(`Unexpected character (${this.charName(this.pos)}): expected end of input`, this.pos + 1);
      return this.fault('Unexpected end-of-input', this.pos);
    } catch (found) {
      if (found instanceof FoundFault) return found.fault;
      throw found;
    }
  }

  private fault(message: string, offset: number): JsonFault {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    const shown = this.text.length > 500 ? this.text.slice(0, 500) + '"[truncated 500 chars]' : this.text;
    return { message, location: `[Source: (String)"${shown}"; line: ${line}, column: ${offset - lineStart + 1}]` };
  }

  private fail(message: string, offset = this.pos + 1): never {
    throw new FoundFault(this.fault(message, offset));
  }

  private charName(at: number): string {
    const c = this.text.charCodeAt(at);
    return `'${this.text[at]}' (code ${c})`;
  }

  private space(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private value(): void {
    this.space();
    if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected a value', this.pos);
    const c = this.text[this.pos]!;
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos));
    if (word !== null) {
      if (word[0] === 'true' || word[0] === 'false' || word[0] === 'null') {
        this.pos += word[0].length;
        return;
      }
      this.pos += word[0].length;
      this.fail(`Unrecognized token '${word[0]}': ${expectingValue}`, this.pos);
    }
    this.fail(
      `Unexpected character (${this.charName(this.pos)}): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`,
    );
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.fail(
        `Document nesting depth (${this.depth}) exceeds the maximum allowed (${MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
      );
    }
  }

  private object(): void {
    this.enter();
    this.pos++;
    this.space();
    if (this.text[this.pos] === '}') {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      this.space();
      if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected close marker for Object', this.pos);
      if (this.text[this.pos] !== '"') this.fail(`Unexpected character (${this.charName(this.pos)}): was expecting double-quote to start field name`);
      this.string();
      this.space();
      if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected close marker for Object', this.pos);
      if (this.text[this.pos] !== ':') this.fail(`Unexpected character (${this.charName(this.pos)}): was expecting a colon to separate field name and value`);
      this.pos++;
      this.value();
      this.space();
      if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected close marker for Object', this.pos);
      const next = this.text[this.pos];
      this.pos++;
      if (next === '}') {
        this.depth--;
        return;
      }
      if (next !== ',') this.fail(`Unexpected character (${this.charName(this.pos - 1)}): was expecting comma to separate Object entries`, this.pos);
    }
  }

  private array(): void {
    this.enter();
    this.pos++;
    this.space();
    if (this.text[this.pos] === ']') {
      this.pos++;
      this.depth--;
      return;
    }
    for (;;) {
      this.value();
      this.space();
      if (this.pos >= this.text.length) this.fail('Unexpected end-of-input: expected close marker for Array', this.pos);
      const next = this.text[this.pos];
      this.pos++;
      if (next === ']') {
        this.depth--;
        return;
      }
      if (next !== ',') this.fail(`Unexpected character (${this.charName(this.pos - 1)}): was expecting comma to separate Array entries`, this.pos);
    }
  }

  private string(): void {
    const end = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(this.pos));
    if (end !== null) {
      this.pos += end[0].length;
      return;
    }
    this.fail('Unexpected end-of-input: was expecting closing quote for a string value', this.text.length);
  }

  private number(): void {
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (num === null) this.fail(`Unexpected character (${this.charName(this.pos)}): expected a valid value`);
    this.pos += num[0].length;
  }
}

class FoundFault {
  constructor(readonly fault: JsonFault) {}
}
