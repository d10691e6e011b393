import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { validate } from '../../src/index.js';
import { mrzCheckDigit, screenSanctions } from '../../workloads/account-opening/handlers.js';
import { WATCH_LIST } from '../../workloads/account-opening/names.js';
import { accountOpening } from '../../workloads/account-opening/workload.js';
import { differences, output, runBoth } from './check-workload.js';

test('the definition is valid', () => {
  assert.equal(validate(accountOpening.definition), []);
});

test('statemill and the baseline agree, and every decision occurs', async () => {
  const compared = await runBoth(accountOpening, { watchListRate: 0.2, badDocumentRate: 0.1 }, 40);
  assert.equal(differences(compared), []);
  const decisions = new Set(compared.map((c) => output(c.engine).decision));
  assert.equal([...decisions].sort(), ['APPROVED', 'DECLINED', 'REVIEW']);
});

test('a listed applicant is declined', async () => {
  const compared = await runBoth(accountOpening, { watchListRate: 1, badDocumentRate: 0 }, 4);
  assert.equal(differences(compared), []);
  for (const c of compared) {
    assert.is(output(c.engine).decision, 'DECLINED');
    assert.is(output(c.engine).sanctionsMatch, true);
  }
});

test('a mistyped document number is declined as unverified', async () => {
  const compared = await runBoth(accountOpening, { watchListRate: 0, badDocumentRate: 1 }, 4);
  assert.equal(differences(compared), []);
  for (const c of compared)
    assert.equal(output(c.engine), { applicationId: c.input.applicationId, decision: 'DECLINED', sanctionsMatch: false, identityVerified: false });
});

test('the JSONata twin is valid and agrees with the baseline on every decision, listed applicants and mistyped documents', async () => {
  assert.equal(validate(accountOpening.jsonataDefinition!), []);
  assert.is(accountOpening.jsonataDefinition!.QueryLanguage, 'JSONata');
  const mixed = await runBoth(accountOpening, { watchListRate: 0.2, badDocumentRate: 0.1 }, 40, 11, true);
  assert.equal(differences(mixed), []);
  assert.equal([...new Set(mixed.map((c) => output(c.engine).decision))].sort(), ['APPROVED', 'DECLINED', 'REVIEW']);
  for (const options of [
    { watchListRate: 1, badDocumentRate: 0 },
    { watchListRate: 0, badDocumentRate: 1 },
  ]) {
    const compared = await runBoth(accountOpening, options, 4, 11, true);
    assert.equal(differences(compared), [], JSON.stringify(options));
    for (const c of compared) assert.is(output(c.engine).decision, 'DECLINED');
  }
});

test('MRZ check digits follow ICAO 9303 (weights 7, 3, 1)', () => {
  // ICAO 9303 part 3 example: document number L898902C3 has check digit 6.
  assert.is(mrzCheckDigit('L898902C3'), 6);
});

test('the sanctions screen matches listed names and not others', () => {
  const listed = WATCH_LIST[0]!;
  assert.is(screenSanctions({ fullName: listed.fullName, dateOfBirth: listed.dateOfBirth, country: 'GB' }).match, true);
  assert.is(screenSanctions({ fullName: 'Nobody Inparticular', dateOfBirth: '1990-01-01', country: 'GB' }).match, false);
});

test.run();
