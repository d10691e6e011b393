/**
 * Inputs of the account-opening workload: one application each.
 *
 * Options (all optional):
 * - `watchListRate`: share of applicants who are on the sanctions watch list (default 0.03)
 * - `badDocumentRate`: share of applications with a mistyped document number (default 0.03)
 */
import { generatedTime, numberOption, randomFor } from '../support/random.js';
import type { GeneratorOptions } from '../types.js';
import { mrzCheckDigit } from './handlers.js';
import { FAMILY_NAMES, GIVEN_NAMES, WATCH_LIST } from './names.js';

const COUNTRIES = ['GB', 'IE', 'DE', 'FR', 'NL', 'PL', 'ES'];

export function generateInput(seed: number, index: number, options?: GeneratorOptions): unknown {
  const random = randomFor(seed, index);
  const listed = random.chance(numberOption(options, 'watchListRate', 0.03));
  let fullName: string;
  let dateOfBirth: string;
  if (listed) {
    const person = random.pick(WATCH_LIST);
    fullName = person.fullName;
    dateOfBirth = person.dateOfBirth;
  } else {
    fullName = `${random.pick(GIVEN_NAMES)} ${random.pick(FAMILY_NAMES)}`;
    dateOfBirth = `${random.int(1950, 2009)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
  }
  const documentBody = `${random.pick(['P', 'X', 'L'])}${random.int(10_000_000, 99_999_999)}`;
  const check = mrzCheckDigit(documentBody);
  const badDocument = random.chance(numberOption(options, 'badDocumentRate', 0.03));
  const documentNumber = `${documentBody}${badDocument ? (check + 1) % 10 : check}`;
  const annualIncomeCents = random.int(0, 200) * 100_000;
  const productType = random.pick(['checking', 'savings', 'credit', 'credit']);
  const applicantId = `appl_${seed}_${index}`;
  return {
    applicationId: `app-${seed}-${index}`,
    submittedAt: generatedTime(index),
    channel: random.pick(['web', 'branch', 'mobile']),
    applicant: {
      id: applicantId,
      fullName,
      dateOfBirth,
      age: 2026 - Number(dateOfBirth.slice(0, 4)),
      country: random.pick(COUNTRIES),
      email: `${fullName.toLowerCase().replace(/ /g, '.')}@example.com`,
      annualIncomeCents,
      existingDebtCents: Math.round((annualIncomeCents * random.int(0, 80)) / 100),
      employment: random.pick(['employed', 'employed', 'self-employed', 'student', 'unemployed']),
      document: { type: 'passport', number: documentNumber, expires: '2031-05-31' },
    },
    product: { type: productType, requestedLimitCents: productType === 'credit' ? random.int(5, 150) * 10_000 : 0 },
    consents: { creditCheck: true, marketing: random.chance(0.4) },
  };
}
