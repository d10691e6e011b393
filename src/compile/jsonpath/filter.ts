import { setOwn } from '../../json.js';
import { compileWholeMatch } from '../jsonata/regex.js';

/**
 * Jayway JsonPath filter expressions, `[?( … )]`, parsed at compile time into a predicate
 * over JSON data. The language is Jayway's, not JavaScript: `@`/`$` paths, literals
 * (strings, numbers, true, false, null, JSON arrays and objects; an unquoted word is a string), the relational operators
 * `== != === !== < <= > >= =~ in nin subsetof anyof noneof contains size empty exists`, `&&`,
 * `||`, `!` and parentheses. A path alone tests that it exists. There are no calls, no
 * arithmetic and no assignments: a filter only reads the data it is handed.
 *
 * Comparison follows Jayway: a missing value is equal to nothing (so `!=` holds for it), a
 * number equals a string holding the same number, `<` and friends compare two numbers or two
 * strings and are false otherwise.
 */

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

/** A value operand: reads the current item (`@`) or the root (`$`), or is a literal. */
export type Operand = (current: unknown, root: unknown) => unknown;

export type Predicate = (current: unknown, root: unknown) => boolean;

/** How a filter reads a path: undefined when a definite path finds nothing; an array of what an indefinite one found. */
export type PathCompiler = (text: string) => { read: Operand; definite: boolean };

const relationalOperators = ['===', '!==', '==', '!=', '<=', '>=', '<', '>', '=~'] as const;
const wordOperators = ['subsetof', 'anyof', 'noneof', 'contains', 'in', 'nin', 'size', 'empty', 'exists'] as const;

type Operator = (typeof relationalOperators)[number] | (typeof wordOperators)[number];

/** Parses the text between `[?(` and `)]`. */
export function compileFilter(text: string, compilePath: PathCompiler): Predicate {
  const parser = new FilterParser(text, compilePath);
  parser.skipSpace();
  const predicate = parser.logicalOr();
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail(`unexpected '${text[parser.pos]}'`);
  return predicate;
}

class FilterParser {
  readonly text: string;
  readonly compilePath: PathCompiler;
  pos: number;
  constructor(text: string, compilePath: PathCompiler) {
    this.text = text;
    this.compilePath = compilePath;
    this.pos = 0;
  }

  fail(why: string): never {
    throw new FilterSyntaxError(`the filter '${this.text}' cannot be parsed at position ${this.pos}: ${why}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text[this.pos]!)) this.pos++;
  }

  private take(token: string): boolean {
    this.skipSpace();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  logicalOr(): Predicate {
    let left = this.logicalAnd();
    while (this.take('||')) {
      const a = left;
      const b = this.logicalAnd();
      left = function either(current, root) {
        return a(current, root) || b(current, root);
      };
    }
    return left;
  }

  private logicalAnd(): Predicate {
    let left = this.unary();
    while (this.take('&&')) {
      const a = left;
      const b = this.unary();
      left = function both(current, root) {
        return a(current, root) && b(current, root);
      };
    }
    return left;
  }

  private unary(): Predicate {
    this.skipSpace();
    if (this.text[this.pos] === '!' && this.text[this.pos + 1] !== '=') {
      this.pos++;
      const inner = this.unary();
      return function not(current, root) {
        return !inner(current, root);
      };
    }
    if (this.text[this.pos] === '(') {
      this.pos++;
      const inner = this.logicalOr();
      if (!this.take(')')) this.fail(`expected ')'`);
      return inner;
    }
    return this.relational();
  }

  private relational(): Predicate {
    this.skipSpace();
    const start = this.pos;
    const left = this.operand();
    const operator = this.operator();
    if (operator === null) {
      if (left.path === null) this.fail(`'${this.text.slice(start, this.pos).trim()}' is neither a comparison nor a path whose existence is tested`);
      const read = left.read;
      if (left.path.definite) {
        return function exists(current, root) {
          return read(current, root) !== undefined;
        };
      }
      return function anyFound(current, root) {
        return (read(current, root) as unknown[]).length > 0;
      };
    }
    if (operator === '=~') return this.regexMatch(left.read);
    const right = this.operand();
    return comparison(operator, left.read, right.read);
  }

  /**
   * `left =~ /pattern/flags`: the whole text of a string, number or boolean matches (Java's
   * `matches()`); anything else is tested as the empty text, as in Jayway. The pattern runs
   * on RE2, in linear time; what RE2 cannot run is refused.
   */
  private regexMatch(left: Operand): Predicate {
    this.skipSpace();
    if (this.text[this.pos] !== '/') this.fail(`'=~' must be followed by a regular expression /…/`);
    const start = ++this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== '/') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    if (this.pos >= this.text.length) this.fail('the regular expression is never closed');
    const source = this.text.slice(start, this.pos++);
    const flagsStart = this.pos;
    while (this.pos < this.text.length && /[a-zA-Z]/.test(this.text[this.pos]!)) this.pos++;
    let matches: (text: string) => boolean;
    try {
      matches = compileWholeMatch(source, this.text.slice(flagsStart, this.pos));
    } catch (e) {
      return this.fail(`the regular expression /${source}/ cannot run on RE2: ${(e as Error).message}`);
    }
    return function regexMatches(current, root) {
      const value = left(current, root);
      return matches(typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');
    };
  }

  private operator(): Operator | null {
    this.skipSpace();
    for (const op of relationalOperators) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    for (const op of wordOperators) {
      if (this.text.startsWith(op, this.pos) && !isWordChar(this.text[this.pos + op.length])) {
        this.pos += op.length;
        return op;
      }
    }
    return null;
  }

  private operand(): { read: Operand; path: { definite: boolean } | null } {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === undefined) this.fail('expected a value');
    if (c === '@' || c === '$') {
      const path = this.path();
      return { read: path.read, path };
    }
    if (c === '/') this.fail(`a regular expression can only follow '=~'`);
    const value = this.literal();
    return {
      read: function literal() {
        return value;
      },
      path: null,
    };
  }

  /** A path runs to a space, an operator character or a closing parenthesis, outside brackets and quotes. */
  private path(): { read: Operand; definite: boolean } {
    const start = this.pos;
    let brackets = 0;
    let parens = 0;
    let quote = '';
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos]!;
      if (quote !== '') {
        if (c === '\\') this.pos++;
        else if (c === quote) quote = '';
        continue;
      }
      if (brackets > 0 && (c === "'" || c === '"')) quote = c;
      else if (c === '[') brackets++;
      else if (c === ']') brackets--;
      else if (brackets === 0 && c === '(') parens++;
      else if (brackets === 0 && c === ')') {
        if (parens === 0) break;
        parens--;
      } else if (brackets === 0 && (isSpace(c) || c === '=' || c === '<' || c === '>' || c === '!' || c === '~' || c === '&' || c === '|')) break;
    }
    const text = this.text.slice(start, this.pos);
    try {
      return this.compilePath(text);
    } catch (e) {
      this.pos = start;
      return this.fail(`the path '${text}' is not valid: ${(e as Error).message}`);
    }
  }

  private literal(): unknown {
    const c = this.text[this.pos]!;
    if (c === "'" || c === '"') return this.stringLiteral(c);
    if (c === '[') {
      this.pos++;
      const items: unknown[] = [];
      if (this.take(']')) return items;
      do {
        this.skipSpace();
        items.push(this.literal());
      } while (this.take(','));
      if (!this.take(']')) this.fail(`expected ',' or ']'`);
      return items;
    }
    if (c === '{') {
      this.pos++;
      const object: Record<string, unknown> = {};
      if (this.take('}')) return object;
      do {
        this.skipSpace();
        const q = this.text[this.pos];
        if (q !== '"' && q !== "'") this.fail('expected a quoted key');
        const key = this.stringLiteral(q);
        if (!this.take(':')) this.fail(`expected ':'`);
        this.skipSpace();
        setOwn(object, key, this.literal());
      } while (this.take(','));
      if (!this.take('}')) this.fail(`expected ',' or '}'`);
      return object;
    }
    const word = /^(?:true|false|null)(?![\w$])/.exec(this.text.slice(this.pos));
    if (word !== null) {
      this.pos += word[0].length;
      return word[0] === 'null' ? null : word[0] === 'true';
    }
    const number = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (number !== null) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    const bare = /^[A-Za-z_][^\s()'"\\&|=<>!~,[\]{}]*/.exec(this.text.slice(this.pos));
    if (bare !== null) {
      // An unquoted word is a string, as Jayway 2.0 read it: AWS accepts such filters (public samples deploy
      // `@.Name==Receipt`), where later Jayway versions refuse the path.
      this.pos += bare[0].length;
      return bare[0];
    }
    return this.fail(`unexpected '${c}'; expected a path, a string, a number, true, false, null, or a JSON array or object`);
  }

  private stringLiteral(quote: string): string {
    const start = ++this.pos;
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos]!;
      if (c === '\\') this.pos++;
      else if (c === quote) {
        const raw = this.text.slice(start, this.pos);
        this.pos++;
        return unescapeJayway(raw);
      }
    }
    return this.fail(`a string opened with ${quote} is never closed`);
  }
}

/** The white space paths, filters and intrinsic calls may hold between tokens: space, tab, line feed, carriage return. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\w$]/.test(c);
}

/**
 * Jayway's unescaping of a quoted name or string: `\\` `\'` `\"` `\b` `\t` `\n` `\f` `\r` and
 * `\uXXXX` as in Java; a backslash before any other character stands for that character,
 * and a backslash at the very end stays.
 */
export function unescapeJayway(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= raw.length) {
      out += '\\';
      break;
    }
    const next = raw[++i]!;
    switch (next) {
      case 'b':
        out += '\b';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'f':
        out += '\f';
        break;
      case 'r':
        out += '\r';
        break;
      case 'u': {
        const hex = raw.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new FilterSyntaxError(`'\\u${hex}' is not a unicode escape`);
        out += String.fromCharCode(parseInt(hex, 16));
        i += 4;
        break;
      }
      default:
        out += next;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function comparison(operator: Operator, left: Operand, right: Operand): Predicate {
  const test = tests[operator as Exclude<Operator, '=~'>];
  return function compare(current, root) {
    return test(left(current, root), right(current, root));
  };
}

const tests: Record<Exclude<Operator, '=~'>, (a: unknown, b: unknown) => boolean> = {
  '==': equal,
  '!=': (a, b) => !equal(a, b),
  '===': strictEqual,
  '!==': (a, b) => !strictEqual(a, b),
  '<': (a, b) => order(a, b, (x) => x < 0),
  '<=': (a, b) => order(a, b, (x) => x <= 0),
  '>': (a, b) => order(a, b, (x) => x > 0),
  '>=': (a, b) => order(a, b, (x) => x >= 0),
  in: (a, b) => Array.isArray(b) && b.some((item) => equal(a, item)),
  nin: (a, b) => !(Array.isArray(b) && b.some((item) => equal(a, item))),
  contains: (a, b) => (typeof a === 'string' ? typeof b === 'string' && a.includes(b) : Array.isArray(a) && a.some((item) => equal(item, b))),
  subsetof: (a, b) => Array.isArray(a) && Array.isArray(b) && a.every((x) => b.some((y) => equal(x, y))),
  anyof: (a, b) => Array.isArray(a) && Array.isArray(b) && a.some((x) => b.some((y) => equal(x, y))),
  noneof: (a, b) => Array.isArray(a) && Array.isArray(b) && !a.some((x) => b.some((y) => equal(x, y))),
  size: (a, b) => typeof b === 'number' && (Array.isArray(a) || typeof a === 'string') && a.length === b,
  empty: (a, b) => typeof b === 'boolean' && (Array.isArray(a) || typeof a === 'string') && (a.length === 0) === b,
  exists: (a, b) => typeof b === 'boolean' && (a !== undefined) === b,
};

/** Jayway's `==`: numbers by value, a number and a string by the number's text, JSON values deeply. */
function equal(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'number') {
    if (typeof b === 'number') return a === b;
    return typeof b === 'string' && b.trim() !== '' && Number(b) === a;
  }
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return strictEqual(a, b);
}

/** Same JSON type and same value, objects and arrays compared member by member. */
function strictEqual(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!strictEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!strictEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function order(a: unknown, b: unknown, holds: (comparison: number) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return holds(a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN);
  if (typeof a === 'string' && typeof b === 'string') return holds(a < b ? -1 : a > b ? 1 : 0);
  return false;
}
