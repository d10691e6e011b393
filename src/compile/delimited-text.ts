const QUOTE = '"';
const BACKSLASH = '\\';
const BYTE_ORDER_MARK = '\uFEFF';

/**
 * The records of a delimited text (CSV and its PIPE, SEMICOLON, SPACE and TAB kin) as a
 * Distributed Map's ItemReader reads them, by the rules of AWS's developer guide ("How Step
 * Functions parses input CSV files"):
 * - a newline (`\n`, `\r\n` or `\r`) ends a record, except inside double quotes, where the
 *   delimiter and newlines are text; `""` is one quote, in a quoted field or not (the guide's
 *   example reads the unquoted `{""MyKey"":""MyValue""}` as `{"MyKey":"MyValue"}`);
 * - a backslash escapes the next character, quoted or not: `\\`, `\"` and a backslash before
 *   the delimiter keep that character, and before any other character the backslash is
 *   dropped;
 * - blank lines are skipped, and so is a byte order mark at the start.
 */
export function delimitedRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  // Whether the field holds anything yet (a quoted empty field counts), and whether a quote is open.
  let started = false;
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
    started = false;
  };
  const endRecord = (): void => {
    const blank = row.length === 0 && !started;
    endField();
    if (!blank) rows.push(row);
    row = [];
  };
  for (let i = text.startsWith(BYTE_ORDER_MARK) ? 1 : 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === BACKSLASH && i + 1 < text.length) {
      field += text[++i];
      started = true;
    } else if (quoted) {
      if (c !== QUOTE) field += c;
      else if (text[i + 1] === QUOTE) field += text[++i];
      else quoted = false;
    } else if (c === QUOTE && !started) {
      quoted = true;
      started = true;
    } else if (c === QUOTE && text[i + 1] === QUOTE) {
      field += text[++i];
    } else if (c === delimiter) {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += c;
      started = true;
    }
  }
  if (row.length > 0 || started) endRecord();
  return rows;
}
