import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let re2: typeof RE2JS | null = null;

/** re2js, loaded on first use: few definitions have a regex, and its 190 KB slow every start-up. */
function re2Library(): typeof RE2JS {
  return (re2 ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS);
}

/**
 * JSONata regex literals (`/…/i`, used by $match, $contains, $replace, $split and `~>`) run
 * on RE2 (the re2js port), whose matching takes time linear in the input: a pattern such as
 * `^([a-z0-9]+-?)+$`, which makes a backtracking engine take seconds per character, cannot
 * stall the process. jsonata builds each literal as a JavaScript RegExp and hands it to the
 * RegexEngine it was given; this engine translates the pattern to RE2 syntax and keeps
 * RegExp's `exec`/`lastIndex` contract, so jsonata's match objects (match, start, end,
 * groups, next) come out as before.
 *
 * RE2 has no backreferences and no lookaround (they are what makes matching exponential);
 * patterns using them are refused at validation (regexProblem). Other differences from
 * JavaScript's engine: RE2 matches whole code points (`.` takes an emoji at once), and `^`
 * and `$` under the `m` flag see only `\n` as a line end.
 */

class RegexUnsupported extends Error {
  override readonly name = 'RegexUnsupported';
}

/** RE2's counterparts of what JavaScript writes differently; `\s` is JavaScript's (Unicode) white space. */
const JS_SPACE = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';

/**
 * A JavaScript pattern (as jsonata reads it: no `u` flag) in RE2 syntax; throws
 * RegexUnsupported for what RE2 cannot do, saying what. For a Java pattern (JSONPath filters,
 * Jayway's `=~`), `\s` and `.` keep RE2's meaning, which is close to Java's.
 */
function re2Source(source: string, dialect: 'javascript' | 'java' = 'javascript'): string {
  const javascript = dialect === 'javascript';
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) throw new RegexUnsupported('the pattern ends with a lone backslash');
      i++;
      if (next >= '1' && next <= '9') throw new RegexUnsupported(`backreferences (\\${next}) are not supported: RE2 matches in linear time and has none`);
      if (next === 'k' && source[i + 1] === '<') throw new RegexUnsupported('named backreferences (\\k<…>) are not supported: RE2 has none');
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 1, i + 5))) {
        out += `\\x{${source.slice(i + 1, i + 5)}}`;
        i += 4;
      } else if (next === 'c' && /^[A-Za-z]$/.test(source[i + 1] ?? '')) {
        out += `\\x{${(source.charCodeAt(i + 1) % 32).toString(16)}}`;
        i++;
      } else if (next === 's' && javascript) out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S' && javascript && !inClass) out += `[^${JS_SPACE}]`;
      else if (next === '/') out += '/';
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      if (source.startsWith('[^]', i)) throw new RegexUnsupported("'[^]' is not supported; write [\\s\\S]");
      inClass = true;
      out += c;
      // A ']' first in a class (or after '^') is a literal in RE2 but closes an empty class in JavaScript.
      if (source[i + 1] === ']' || (source[i + 1] === '^' && source[i + 2] === ']')) throw new RegexUnsupported("an empty class '[]' is not supported");
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') {
        throw new RegexUnsupported(`lookaround ((?${kind.startsWith('<') ? kind : kind[0]}…)) is not supported: RE2 matches in linear time and has none`);
      }
    }
    out += c === '.' && javascript ? '[^\\n\\r\\x{2028}\\x{2029}]' : c;
  }
  return out;
}

const compiled = new Map<string, RE2JS>();

/** The RE2 form of a regex literal, compiled once per pattern and flags; throws RegexUnsupported. */
function compileRegex(regex: RegExp): RE2JS {
  const key = `${regex.flags}/${regex.source}`;
  let re = compiled.get(key);
  if (re === undefined) {
    const RE2 = re2Library();
    const flags = (regex.ignoreCase ? RE2.CASE_INSENSITIVE : 0) | (regex.multiline ? RE2.MULTILINE : 0);
    try {
      re = RE2.compile(re2Source(regex.source), flags);
    } catch (e) {
      if (e instanceof RegexUnsupported) throw e;
      throw new RegexUnsupported((e as Error).message);
    }
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, re);
  }
  return re;
}

/**
 * A Jayway filter's `=~` pattern (Java syntax, flags i, m and s), matched against a whole
 * string as Java's `matches()` does; throws RegexUnsupported.
 */
export function compileWholeMatch(source: string, flags: string): (text: string) => boolean {
  const RE2 = re2Library();
  let bits = 0;
  for (const flag of flags) {
    if (flag === 'i') bits |= RE2.CASE_INSENSITIVE;
    else if (flag === 'm') bits |= RE2.MULTILINE;
    else if (flag === 's') bits |= RE2.DOTALL;
    else throw new RegexUnsupported(`the flag '${flag}' is not supported; the flags are i, m and s`);
  }
  let re: RE2JS;
  try {
    re = RE2.compile(`\\A(?:${re2Source(source, 'java')})\\z`, bits);
  } catch (e) {
    if (e instanceof RegexUnsupported) throw e;
    throw new RegexUnsupported((e as Error).message);
  }
  return function matchesWhole(text) {
    return re.matcher(text).find();
  };
}

/** Why a regex literal cannot run on RE2, or null when it can. */
export function regexProblem(regex: RegExp): string | null {
  try {
    compileRegex(regex);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** What `exec` returns: RegExp's match array (the match, then each group, undefined when it took no part) with its index. */
type ExecResult = (string | undefined)[] & { index: number; input: string };

/** jsonata's RegexEngine: `new Re2Engine(regex)`, then `lastIndex` and `exec` as on a global RegExp. */
export class Re2Engine {
  lastIndex: number;
  private readonly re: RE2JS;
  constructor(regex: RegExp) {
    this.re = compileRegex(regex);
    this.lastIndex = 0;
  }

  exec(input: string): ExecResult | null {
    const from = this.lastIndex;
    const matcher = this.re.matcher(input);
    if (from > input.length || !matcher.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const result = [matcher.group() ?? ''] as ExecResult;
    const groups = matcher.groupCount();
    for (let g = 1; g <= groups; g++) result.push(matcher.group(g) ?? undefined);
    result.index = matcher.start();
    result.input = input;
    this.lastIndex = matcher.end();
    return result;
  }
}
