import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ProblemCodes } from '../../src/asl/problems.js';
import { problemHints } from '../../src/cli/hints.js';
import { formatProblems, reportProblems, stateNameAt } from '../../src/cli/problem-report.js';

/** How problems are shown: the state each is in, a hint for every code. */
const report = suite('problem report');

const pointers: Array<[pointer: string, state: string | null]> = [
  ['', null],
  ['/StartAt', null],
  ['/States', null],
  ['/States/Check', 'Check'],
  ['/States/Check/Choices/2/Variable', 'Check'],
  ['/States/a~1b~0c/Next', 'a/b~c'],
  ['/States/P/Branches/0', 'P'],
  ['/States/P/Branches/1/States/Inner/Next', 'Inner'],
  ['/States/M/ItemProcessor/States/Step/Resource', 'Step'],
  ['/States/M/Iterator/States/Step', 'Step'],
  ['/States/M/ItemProcessor/States/P/Branches/0/States/Deep/End', 'Deep'],
  // A state named "States" is not mistaken for the States block.
  ['/States/States/Next', 'States'],
  ['/States/P/Parameters/States/x', 'P'],
];

for (const [pointer, state] of pointers) {
  report(`the state at ${JSON.stringify(pointer)} is ${JSON.stringify(state)}`, () => {
    assert.is(stateNameAt(pointer), state);
  });
}

report('every problem code has a hint', () => {
  const missing = Object.values(ProblemCodes).filter((code) => problemHints[code] === undefined);
  assert.equal(missing, []);
});

report('the readable form numbers problems and shows pointer, state, message, code and hint', () => {
  const text = formatProblems('m.json', reportProblems([{ code: 'ERR_ASL_UNKNOWN_STATE', pointer: '/States/A/Next', message: "Next names 'B'" }], {}));
  assert.equal(text.split('\n'), [
    'm.json: 1 problem',
    '',
    '  1. /States/A/Next  (state "A")',
    "     Next names 'B'  [ERR_ASL_UNKNOWN_STATE]",
    `     hint: ${problemHints.ERR_ASL_UNKNOWN_STATE}`,
    '',
  ]);
});

report.run();
