/** Where an offset falls in a text, as editors count: line and column from 1. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export function positionAt(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const MAX_SHOWN = 120;

/** The line at a position with a caret under the column, shortened around the caret when long. */
export function codeFrame(text: string, position: SourcePosition): string {
  const lineText = text.split('\n')[position.line - 1]?.replace(/\r$/, '') ?? '';
  let start = 0;
  if (lineText.length > MAX_SHOWN) start = Math.max(0, Math.min(position.column - 1 - MAX_SHOWN / 2, lineText.length - MAX_SHOWN));
  const shown = lineText.slice(start, start + MAX_SHOWN).replace(/\t/g, ' ');
  const gutter = `${position.line} | `;
  const caretAt = Math.max(0, position.column - 1 - start);
  return `${gutter}${start > 0 ? '…' : ''}${shown}\n${' '.repeat(gutter.length + (start > 0 ? 1 : 0) + caretAt)}^`;
}
