/** account-opening written by hand: the same handlers, the decision as plain conditions. */
import { workflowErrorOutcome } from '../support/outcome.js';
import type { Outcome } from '../types.js';
import { checkCredit, openAccount, queueReview, screenSanctions, verifyIdentity, type Checks } from './handlers.js';

interface Application {
  applicationId: string;
  submittedAt: string;
  applicant: {
    id: string;
    fullName: string;
    dateOfBirth: string;
    age: number;
    country: string;
    email: string;
    annualIncomeCents: number;
    existingDebtCents: number;
    employment: string;
    document: { number: string };
  };
  product: { type: string; requestedLimitCents: number };
}

function approvable(application: Application, checks: Checks): boolean {
  const { identity, credit } = checks;
  if (!(identity.confidence >= 0.9 && credit.score >= 650 && credit.delinquent !== true)) return false;
  const product = application.product;
  return (
    product.type === 'savings' ||
    (product.type === 'checking' && application.applicant.age >= 18) ||
    (product.type === 'credit' && credit.score >= 720 && product.requestedLimitCents <= credit.maxLimitCents)
  );
}

export function runAccountOpening(input: unknown): Outcome {
  const application = input as Application;
  const applicant = application.applicant;
  try {
    const checks: Checks = {
      identity: verifyIdentity({
        fullName: applicant.fullName,
        dateOfBirth: applicant.dateOfBirth,
        documentNumber: applicant.document.number,
        country: applicant.country,
      }),
      credit: checkCredit({
        applicantId: applicant.id,
        annualIncomeCents: applicant.annualIncomeCents,
        existingDebtCents: applicant.existingDebtCents,
        employment: applicant.employment,
        country: applicant.country,
      }),
      sanctions: screenSanctions({ fullName: applicant.fullName, dateOfBirth: applicant.dateOfBirth, country: applicant.country }),
    };
    if (checks.sanctions.match === true || checks.identity.verified === false) {
      return {
        status: 'SUCCEEDED',
        output: {
          applicationId: application.applicationId,
          decision: 'DECLINED',
          sanctionsMatch: checks.sanctions.match,
          identityVerified: checks.identity.verified,
        },
      };
    }
    if (approvable(application, checks)) {
      const account = openAccount({
        applicationId: application.applicationId,
        product: application.product,
        holder: { name: applicant.fullName, email: applicant.email, country: applicant.country },
        submittedAt: application.submittedAt,
      });
      return {
        status: 'SUCCEEDED',
        output: {
          applicationId: application.applicationId,
          decision: 'APPROVED',
          accountNumber: account.accountNumber,
          creditLimitCents: account.creditLimitCents,
          score: checks.credit.score,
        },
      };
    }
    const review = queueReview({ applicationId: application.applicationId, product: application.product, checks });
    return {
      status: 'SUCCEEDED',
      output: { applicationId: application.applicationId, decision: 'REVIEW', ticketId: review.ticketId, reasons: review.reasons },
    };
  } catch (error) {
    return workflowErrorOutcome(error);
  }
}
