/**
 * Handlers of the account-opening workload: document and identity checks, a credit
 * score, a fuzzy sanctions screen (trigram similarity against a watch list), account
 * creation with a valid IBAN, and the manual-review queue.
 */
import { createHash } from 'node:crypto';
import { hashString } from '../support/random.js';
import { WATCH_LIST } from './names.js';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:';
export const VERIFY_IDENTITY = FUNCTION_ARN + 'kyc-verify-identity';
export const CHECK_CREDIT = FUNCTION_ARN + 'kyc-check-credit';
export const SCREEN_SANCTIONS = FUNCTION_ARN + 'kyc-screen-sanctions';
export const OPEN_ACCOUNT = FUNCTION_ARN + 'accounts-open';
export const QUEUE_REVIEW = FUNCTION_ARN + 'kyc-queue-review';

export interface IdentityResult {
  verified: boolean;
  confidence: number;
  method: string;
}
export interface CreditResult {
  score: number;
  maxLimitCents: number;
  delinquent: boolean;
}
export interface SanctionsResult {
  match: boolean;
  bestScore: number;
  listedName: string | null;
}
export interface Checks {
  identity: IdentityResult;
  credit: CreditResult;
  sanctions: SanctionsResult;
}

/** ICAO 9303 (passport MRZ) check digit: weights 7, 3, 1; letters count 10–35; '<' counts 0. */
export function mrzCheckDigit(text: string): number {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const value = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += value * weights[i % 3]!;
  }
  return sum % 10;
}

export function verifyIdentity(input: { fullName: string; dateOfBirth: string; documentNumber: string; country: string }): IdentityResult {
  const body = input.documentNumber.slice(0, -1);
  const verified = input.documentNumber.length === 10 && mrzCheckDigit(body) === Number(input.documentNumber.slice(-1));
  const digest = createHash('sha256').update(`${input.fullName}|${input.dateOfBirth}|${input.country}`).digest();
  return { verified, confidence: verified ? 0.85 + (digest[0]! % 15) / 100 : 0, method: 'document+database' };
}

export function checkCredit(input: {
  applicantId: string;
  annualIncomeCents: number;
  existingDebtCents: number;
  employment: string;
  country: string;
}): CreditResult {
  const history = hashString(input.applicantId);
  const debtRatio = input.annualIncomeCents > 0 ? input.existingDebtCents / input.annualIncomeCents : 1;
  const employmentBonus = input.employment === 'employed' ? 60 : input.employment === 'self-employed' ? 30 : 0;
  const raw = 620 + employmentBonus + (history % 180) - Math.round(debtRatio * 200);
  const score = Math.max(300, Math.min(850, raw));
  const maxLimitCents = Math.max(0, Math.round(((input.annualIncomeCents - input.existingDebtCents) * 0.25) / 10_000) * 10_000);
  return { score, maxLimitCents, delinquent: history % 23 === 0 };
}

function normalizeName(name: string): string {
  return name
    .toUpperCase()
    .replace(/[^A-Z ]/g, '')
    .replace(/ +/g, ' ')
    .trim();
}

/** The distinct trigrams of a name, each packed into one number. */
function trigrams(name: string): number[] {
  const padded = `  ${normalizeName(name)} `;
  const grams = new Set<number>();
  for (let i = 0; i + 3 <= padded.length; i++) {
    grams.add((padded.charCodeAt(i) << 16) | (padded.charCodeAt(i + 1) << 8) | padded.charCodeAt(i + 2));
  }
  return [...grams];
}

/** Inverted index of the watch list: trigram → the entries containing it (as screening services keep it). */
const LIST_GRAM_COUNTS = WATCH_LIST.map((person) => trigrams(person.fullName).length);
const POSTINGS = new Map<number, number[]>();
WATCH_LIST.forEach((person, entry) => {
  for (const gram of trigrams(person.fullName)) {
    const list = POSTINGS.get(gram);
    if (list === undefined) POSTINGS.set(gram, [entry]);
    else list.push(entry);
  }
});

/** Jaccard similarity of trigram sets, in percent; a listed name at 85 or more with the same birth year matches. */
export function screenSanctions(input: { fullName: string; dateOfBirth: string; country: string }): SanctionsResult {
  const grams = trigrams(input.fullName);
  const shared = new Uint16Array(WATCH_LIST.length);
  for (const gram of grams) {
    const entries = POSTINGS.get(gram);
    if (entries !== undefined) for (const entry of entries) shared[entry]!++;
  }
  let bestScore = 0;
  let best = -1;
  for (let entry = 0; entry < shared.length; entry++) {
    if (shared[entry] === 0) continue;
    const score = Math.round((100 * shared[entry]!) / (grams.length + LIST_GRAM_COUNTS[entry]! - shared[entry]!));
    if (score > bestScore) {
      bestScore = score;
      best = entry;
    }
  }
  const listed = best >= 0 ? WATCH_LIST[best]! : null;
  const match = listed !== null && bestScore >= 85 && listed.dateOfBirth.slice(0, 4) === input.dateOfBirth.slice(0, 4);
  return { match, bestScore, listedName: match ? listed.fullName : null };
}

/** A GB IBAN whose check digits are computed as ISO 13616 specifies (mod 97). */
function ibanFor(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const sortCode = String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  const account = String(digest.readUInt32BE(4) % 100_000_000).padStart(8, '0');
  const bban = `STML${sortCode}${account}`;
  const rearranged = `${bban}GB00`;
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const digits = c >= 65 ? String(c - 55) : rearranged[i]!;
    for (let d = 0; d < digits.length; d++) remainder = (remainder * 10 + (digits.charCodeAt(d) - 48)) % 97;
  }
  return `GB${String(98 - remainder).padStart(2, '0')}${bban}`;
}

export function openAccount(input: {
  applicationId: string;
  product: { type: string; requestedLimitCents: number };
  holder: { name: string; email: string; country: string };
  submittedAt: string;
}): { accountNumber: string; creditLimitCents: number; openedAt: string } {
  return {
    accountNumber: ibanFor(`${input.applicationId}/${input.product.type}`),
    creditLimitCents: input.product.type === 'credit' ? input.product.requestedLimitCents : 0,
    openedAt: input.submittedAt,
  };
}

export function queueReview(input: { applicationId: string; product: { type: string; requestedLimitCents: number }; checks: Checks }): {
  ticketId: string;
  queue: string;
  reasons: string[];
} {
  const { identity, credit } = input.checks;
  const reasons: string[] = [];
  if (identity.confidence < 0.9) reasons.push('identity-confidence-low');
  if (credit.score < 650) reasons.push('credit-score-low');
  if (credit.delinquent) reasons.push('delinquent-history');
  if (input.product.type === 'credit' && (credit.score < 720 || input.product.requestedLimitCents > credit.maxLimitCents)) {
    reasons.push('credit-limit-not-supported');
  }
  if (reasons.length === 0) reasons.push('product-rules');
  return { ticketId: `KYC-${(hashString(input.applicationId) % 1_000_000).toString().padStart(6, '0')}`, queue: 'kyc-review', reasons };
}

export const handlers = {
  [VERIFY_IDENTITY]: verifyIdentity,
  [CHECK_CREDIT]: checkCredit,
  [SCREEN_SANCTIONS]: screenSanctions,
  [OPEN_ACCOUNT]: openAccount,
  [QUEUE_REVIEW]: queueReview,
};
