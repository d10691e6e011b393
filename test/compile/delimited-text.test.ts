import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { delimitedRows } from '../../src/compile/delimited-text.js';

/** [what, text, delimiter, records]: the ItemReader's CSV records beyond the developer guide's own examples (test/docs-examples). */
const cases: [string, string, string, string[][]][] = [
  [
    'fields and records',
    'a,b\n1,2',
    ',',
    [
      ['a', 'b'],
      ['1', '2'],
    ],
  ],
  [
    'a final newline ends the last record, no empty one follows',
    'a,b\n1,2\n',
    ',',
    [
      ['a', 'b'],
      ['1', '2'],
    ],
  ],
  ['CRLF and a lone CR end records too', 'a\r\nb\rc', ',', [['a'], ['b'], ['c']]],
  ['blank lines are skipped', 'a\n\n\nb\n', ',', [['a'], ['b']]],
  [
    'a byte order mark at the start is not part of the first field',
    '\uFEFFid,name\n1,x',
    ',',
    [
      ['id', 'name'],
      ['1', 'x'],
    ],
  ],
  ['an empty field between delimiters, and at the end', 'a,,c,\n', ',', [['a', '', 'c', '']]],
  ['a quoted empty field', '"",b', ',', [['', 'b']]],
  ['a record of one quoted empty field is not blank', '""\nx', ',', [[''], ['x']]],
  ['a quoted field holds the delimiter, a newline and a doubled quote', '"x,y\nz ""q""",2', ',', [['x,y\nz "q"', '2']]],
  ['a doubled quote in an unquoted field is one quote', 'say ""hi"",2', ',', [['say "hi"', '2']]],
  ['a backslash escapes inside a quoted field too', '"a\\"b\\\\c",2', ',', [['a"b\\c', '2']]],
  ['a backslash before the delimiter in use keeps it', 'a\\|b|c', '|', [['a|b', 'c']]],
  ['a backslash before a newline keeps the newline in the field', 'a\\\nb,c', ',', [['a\nb', 'c']]],
  ['a backslash at the very end stays', 'a\\', ',', [['a\\']]],
  [
    'TAB-delimited',
    'a\tb\n1\t2',
    '\t',
    [
      ['a', 'b'],
      ['1', '2'],
    ],
  ],
  ['no text, no records', '', ',', []],
];

for (const [what, text, delimiter, records] of cases) {
  test(what, () => {
    assert.equal(delimitedRows(text, delimiter), records);
  });
}

test.run();
