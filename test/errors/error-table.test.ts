import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DefinitionError, ProblemCodes } from '../../src/asl/problems.js';
import { CliErrorCodes } from '../../src/cli/cli-error.js';
import { ClusterErrorCodes, ClusterFaults } from '../../src/cluster/errors.js';
import { problemHints } from '../../src/cli/hints.js';
import { MockErrorCodes } from '../../src/mocks/config.js';
import { PoolErrorCodes, PoolFaults } from '../../src/pool/errors.js';
import { ExecutionNameError } from '../../src/run/names.js';
import { OptionError } from '../../src/run/option-error.js';
import { StoreErrorCodes } from '../../src/service/store.js';

/**
 * Every stable error code statemill gives callers, from the tables that define them. The
 * README documents each one and names no other: a code added to a table without a README
 * row, or a README row left behind by a removed code, fails here.
 */
const codeTables: Record<string, readonly string[]> = {
  ProblemCodes: Object.values(ProblemCodes),
  DefinitionError: [new DefinitionError([]).code],
  CliErrorCodes: Object.values(CliErrorCodes),
  MockErrorCodes: Object.values(MockErrorCodes),
  PoolErrorCodes: Object.values(PoolErrorCodes),
  ClusterErrorCodes: Object.values(ClusterErrorCodes),
  ExecutionNameError: [new ExecutionNameError('', '').code],
  OptionError: [new OptionError('', '', '').code],
  StoreErrorCodes: Object.values(StoreErrorCodes),
};

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** Codes of Node.js itself that the README may mention. */
const nodeCodes = new Set(['ERR_MODULE_NOT_FOUND', 'ERR_STREAM_DESTROYED', 'ERR_UNKNOWN_FILE_EXTENSION']);

test('every error code of every table has a README entry', () => {
  for (const [table, codes] of Object.entries(codeTables)) {
    const undocumented = codes.filter((code) => !readme.includes(`\`${code}\``));
    assert.equal(undocumented, [], `${table}: codes without a README entry`);
  }
});

test('every ERR_ code the README names is a code of some table', () => {
  const known = new Set(Object.values(codeTables).flat());
  const named = new Set(readme.match(/\bERR_[A-Z0-9_]+/g) ?? []);
  const unknown = [...named].filter((code) => !known.has(code) && !nodeCodes.has(code));
  assert.equal(unknown, []);
});

test('the fault names of pooled and clustered results are the ones the README gives, no more, no fewer', () => {
  const faults = [...Object.values(PoolFaults), ...Object.values(ClusterFaults)].sort();
  const named = [...new Set(readme.match(/\b(?:Pool|Cluster)\.[A-Z][A-Za-z]+/g) ?? [])].sort();
  assert.equal(named, faults);
});

test('every definition problem code has a CLI hint, and no hint is left for a code that is gone', () => {
  assert.equal(Object.keys(problemHints).sort(), Object.values(ProblemCodes).sort());
  assert.ok(Object.values(problemHints).every((hint) => typeof hint === 'string' && hint.length > 0));
});

test.run();
