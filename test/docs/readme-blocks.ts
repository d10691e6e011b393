/** Reading the code blocks of a Markdown file, and the examples of --help, for readme.test.ts. */

export interface CodeBlock {
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** Preceded by `<!-- readme-test: skip -->`. */
  readonly skip: boolean;
}

const SKIP_MARKER = '<!-- readme-test: skip -->';

export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    blocks.push({ lang: open[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1, skip: before >= 0 && lines[before]!.trim() === SKIP_MARKER });
    i = end;
  }
  return blocks;
}

/**
 * The block as a module that checks what its `// →` comments show. A comment
 *
 *     const result = await machine.execute({ name: 'Ada' });
 *     // → { status: 'SUCCEEDED',
 *     //     output: { greeting: 'hello Ada' } }
 *
 * shows the value of the declaration above it (or of the expression statement above it)
 * and becomes `shown(result, { … }, 'README.md:N')`. Continuation lines start with `//` and
 * three spaces.
 */
export function shownValues(code: string, blockLine: number): string {
  const lines = code.split('\n');
  const out: string[] = [];
  let shownCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = /^(\s*)\/\/ → (.*)$/.exec(line);
    if (start === null) {
      out.push(line);
      continue;
    }
    let literal = start[2]!;
    while (i + 1 < lines.length && /^\s*\/\/ {3}/.test(lines[i + 1]!)) literal += '\n' + lines[++i]!.replace(/^\s*\/\//, '');
    const where = `README.md:${blockLine + i + 1}`;
    // The statement above: the nearest code line at the comment's indentation, where it starts.
    const indent = start[1]!;
    let above = out.length - 1;
    while (above >= 0 && (out[above]!.trim() === '' || out[above]!.trim().startsWith('//'))) above--;
    let first = above;
    while (first > 0 && !(out[first]!.startsWith(indent) && /^[^\s)\]}]/.test(out[first]!.slice(indent.length)))) first--;
    const declaration = new RegExp(`^${indent}(?:const|let|var) (\\w+) =`).exec(out[first] ?? '');
    let declared: string;
    if (declaration !== null) declared = declaration[1]!;
    else if (first === above) {
      declared = `shownValue${++shownCount}`;
      out[above] = `${indent}const ${declared} = ${out[above]!.trim().replace(/;$/, '')};`;
    } else throw new Error(`${where}: a // → comment shows a declaration or a one-line expression above it`);
    out.push(`${indent}shown(${declared}, (${literal}), ${JSON.stringify(where)});`);
  }
  return out.join('\n');
}

export interface CommandLine {
  readonly command: string;
  readonly exit: number;
  readonly line: number;
}

/** The command lines of a shell block (`\` continuations joined); `# exit N` at the end gives the expected exit code. */
export function commandLines(code: string, blockLine: number): CommandLine[] {
  const lines = code.split('\n');
  const commands: CommandLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const first = i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i]!;
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    const exit = /#\s*exit (\d+)\s*$/.exec(text);
    commands.push({ command: text.trim(), exit: exit === null ? 0 : Number(exit[1]), line: blockLine + first + 1 });
  }
  return commands;
}

/** The `$ statemill …` lines of a --help text. */
export function helpExamples(help: string): string[] {
  return help
    .split('\n')
    .map((line) => /^\s*\$ (statemill .*)$/.exec(line)?.[1])
    .filter((command): command is string => command !== undefined);
}

/** The part of a Markdown text from the heading that starts with `heading` (the heading included) to the next heading of any level. */
export function markdownSection(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) throw new Error(`no heading starting ${heading}`);
  const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}
