import { CliError, CliErrorCodes } from './cli-error.js';
import { codeFrame, positionAt } from './source-position.js';

/** The first place where a text stops being JSON, and why. */
export interface JsonSyntaxFault {
  readonly offset: number;
  readonly reason: string;
}

/**
 * Parses JSON text; on failure throws a CliError saying where (`file:line:column`), why, and
 * showing the line. JSON.parse does the parsing; the scanner below runs only after it failed,
 * because V8's messages do not always carry a position.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = stripByteOrderMark(text);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const fault = findJsonSyntaxFault(body) ?? { offset: 0, reason: (error as Error).message };
    throw new CliError(CliErrorCodes.JSON_SYNTAX, describeFault(body, source, fault));
  }
  // JSON.parse reads 1e999 as Infinity, which would go on as null: say where it is instead.
  if (holdsNonFiniteNumber(value)) {
    const fault = findJsonSyntaxFault(body) ?? { offset: 0, reason: NUMBER_OUT_OF_RANGE };
    throw new CliError(CliErrorCodes.JSON_SYNTAX, describeFault(body, source, fault));
  }
  return value;
}

const NUMBER_OUT_OF_RANGE = 'a number beyond ±1.8e308, which JSON.parse reads as Infinity and would pass on as null';

/** True when a parsed JSON value holds Infinity anywhere (walked with an explicit stack: depth costs nothing). */
function holdsNonFiniteNumber(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return true;
    } else if (value !== null && typeof value === 'object') {
      for (const item of Object.values(value)) pending.push(item);
    }
  }
  return false;
}

function describeFault(text: string, source: string, fault: JsonSyntaxFault): string {
  const position = positionAt(text, fault.offset);
  return `${source}:${position.line}:${position.column}: ${fault.reason}\n${codeFrame(text, position)}`;
}

export function stripByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

type Expecting = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

/** Walks the text as JSON (iteratively: nesting depth costs no stack) and reports the first fault, or null. */
export function findJsonSyntaxFault(text: string): JsonSyntaxFault | null {
  const containers: Array<'object' | 'array'> = [];
  let expecting: Expecting = 'value';
  let i = 0;
  let lastToken = '';
  const afterValue = (): Expecting => (containers.length === 0 ? 'end' : 'comma-or-close');
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i >= text.length) {
      return expecting === 'end' ? null : { offset: text.length, reason: `unexpected end of input: ${describeExpected(expecting, containers)}` };
    }
    const c = text[i]!;
    if (c === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) return { offset: i, reason: 'JSON does not allow comments' };
    switch (expecting) {
      case 'end':
        return { offset: i, reason: 'unexpected text after the end of the JSON value' };
      case 'colon':
        if (c !== ':') return { offset: i, reason: "expected ':' after the property name" };
        i++;
        expecting = 'value';
        continue;
      case 'comma-or-close': {
        const close = containers.at(-1) === 'object' ? '}' : ']';
        if (c === ',') {
          i++;
          expecting = containers.at(-1) === 'object' ? 'key' : 'value';
        } else if (c === close) {
          i++;
          containers.pop();
          expecting = afterValue();
        } else {
          return { offset: i, reason: `expected ',' or '${close}' ${containers.at(-1) === 'object' ? 'after a property value' : 'after an array element'}` };
        }
        lastToken = c;
        continue;
      }
      case 'key-or-close':
      case 'key':
        if (c === '}' && expecting === 'key-or-close') {
          i++;
          containers.pop();
          expecting = afterValue();
          continue;
        }
        if (c === '}' && lastToken === ',') return { offset: i, reason: 'JSON does not allow a trailing comma' };
        if (c !== '"') return { offset: i, reason: c === "'" ? 'property names need double quotes' : 'expected a property name in double quotes' };
        {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
        }
        expecting = 'colon';
        lastToken = '"';
        continue;
      case 'value-or-close':
      case 'value':
        if (c === ']' && expecting === 'value-or-close') {
          i++;
          containers.pop();
          expecting = afterValue();
          continue;
        }
        if ((c === ']' || c === '}') && lastToken === ',') return { offset: i, reason: 'JSON does not allow a trailing comma' };
        lastToken = c;
        if (c === '{' || c === '[') {
          containers.push(c === '{' ? 'object' : 'array');
          expecting = c === '{' ? 'key-or-close' : 'value-or-close';
          i++;
          continue;
        }
        if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          expecting = afterValue();
          continue;
        }
        if (c === '-' || (c >= '0' && c <= '9')) {
          numberPattern.lastIndex = i;
          const match = numberPattern.exec(text);
          if (match === null) return { offset: i, reason: 'invalid number' };
          const end = i + match[0].length;
          if (text[end] !== undefined && /[\d.eE+-]/.test(text[end]!))
            return { offset: i, reason: 'invalid number (JSON numbers have no leading zeros, and need digits around a decimal point)' };
          if (!Number.isFinite(Number(match[0]))) return { offset: i, reason: `${match[0]} is ${NUMBER_OUT_OF_RANGE}` };
          i = end;
          expecting = afterValue();
          continue;
        }
        for (const literal of ['true', 'false', 'null']) {
          if (text.startsWith(literal, i)) {
            i += literal.length;
            expecting = afterValue();
            break;
          }
        }
        if (expecting === 'value' || expecting === 'value-or-close') {
          return { offset: i, reason: unexpectedValue(text, i) };
        }
        continue;
    }
  }
}

function unexpectedValue(text: string, at: number): string {
  if (text[at] === "'") return 'strings need double quotes';
  const word = /[A-Za-z_$][\w$]*/y;
  word.lastIndex = at;
  const found = word.exec(text);
  if (found !== null) return `'${found[0]}' is not a JSON value: strings need double quotes, and the literals are true, false and null`;
  return `unexpected '${text[at]}' where a value was expected`;
}

function scanString(text: string, start: number): number | JsonSyntaxFault {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return { offset: j, reason: 'control character inside a string (write it as an escape such as \\n)' };
    if (c === 92) {
      const next = text[j + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { offset: j, reason: 'invalid \\u escape: four hex digits must follow' };
        j += 5;
      } else if (next !== undefined && escapes.has(next)) {
        j++;
      } else {
        return { offset: j, reason: `invalid escape '\\${next ?? ''}' in a string` };
      }
    }
  }
  return { offset: start, reason: 'unterminated string' };
}

function describeExpected(expecting: Expecting, containers: Array<'object' | 'array'>): string {
  const brackets = containers.map((c) => (c === 'object' ? '{' : '[')).join('');
  const open = containers.length === 0 ? '' : ` (still open: ${brackets.length > 20 ? '…' + brackets.slice(-20) : brackets})`;
  switch (expecting) {
    case 'colon':
      return `expected ':'${open}`;
    case 'key':
    case 'key-or-close':
      return `expected a property name${open}`;
    case 'comma-or-close':
      return `expected ',' or '${containers.at(-1) === 'object' ? '}' : ']'}'${open}`;
    default:
      return containers.length === 0 ? 'expected a JSON value (the text is empty)' : `expected a value${open}`;
  }
}
