import { isPlaybookReason, type PlaybookReason } from '../dispute/reasons.js';
import type { FactKind } from '../evidence/types.js';
import { REBUTTAL_MESSAGES, type RebuttalMessages } from '../i18n/rebuttal.js';
import {
  accountUsed,
  activityAfterPayment,
  cardChecks,
  correspondence,
  delivered,
  eachPayment,
  earlierPayments,
  type Point,
  policiesQuoted,
  policyAccepted,
  productDescribed,
  refunds,
  subscriptionHistory,
  usage,
  usedAfterPayment,
  whatWasPaid,
} from './points.js';

/**
 * How to answer each Stripe dispute reason for a digital product (Stripe's dispute-categories
 * guidance, docs.stripe.com/disputes/categories). The template drafter and the LLM prompt read the
 * same strategy, so both argue a case the same way.
 */
export interface ReasonStrategy {
  /** The reason this strategy answers, or `fallback` for a reason Stripe adds later. */
  reason: PlaybookReason | 'fallback';
  /** What the cardholder says, in one neutral sentence; opens the template's rebuttal. */
  claim: string;
  /** The approach, one paragraph; goes into the LLM prompt. */
  advice: string;
  /**
   * Whether the use before the payment belongs in the rebuttal (labelled as prior use): it ties the card to a known
   * customer when the cardholder denies or does not recognise the payment; for other reasons it only takes room.
   */
  priorUse: boolean;
  /** Fact kinds from most to least important; the template drops the tail first when it must trim. */
  priority: readonly FactKind[];
  /** Sentences the template states, each built from the facts the rebuttal includes (drafting/points.ts). */
  points: readonly Point[];
  /** What a reviewer should know when the sheet has no fact of these kinds. */
  gaps: readonly { kinds: readonly FactKind[]; text: string }[];
  /**
   * For a reason evidence cannot win (the playbook's `notFought`): what the business says instead of asking for the
   * dispute to be decided in its favour, as a sentence of the catalogue (src/i18n/rebuttal.ts → `concessions`). The
   * template then answers the dispute rather than contesting it.
   */
  concession?: keyof RebuttalMessages['concessions'];
}

/** The claims in English: what the model's prompt states (the template says them in the rebuttal's language). */
const EN = REBUTTAL_MESSAGES.en;

const USAGE_GAP = {
  kinds: ['activity', 'deliverable'] as const,
  text: 'No use of the product after the payment is on record.',
};

export const REASON_STRATEGIES = {
  fraudulent: {
    reason: 'fraudulent',
    priorUse: true,
    claim: EN.claims.fraudulent,
    advice:
      'Show that the cardholder made the payment and benefited from it. Lead with the strongest link between the ' +
      'purchase and the person: 3-D Secure authentication, the same IP address or device at checkout and in later ' +
      'use, earlier undisputed payments on the same card. Then give the identity used at checkout (name, email, IP), ' +
      'the card checks (CVC, postal code), and the account activity after the payment (logins, usage, downloads with ' +
      'IP addresses and times).',
    priority: [
      'payment_check',
      'charge',
      'activity',
      'prior_payment',
      'customer',
      'account',
      'deliverable',
      'policy_acceptance',
      'communication',
      'refund',
      'subscription',
      'invoice',
      'product',
      'policy',
      'dispute',
    ],
    points: [cardChecks, earlierPayments, usage, refunds],
    gaps: [
      { kinds: ['payment_check'], text: 'No card checks (CVC, postal code, 3-D Secure) are on record.' },
      { kinds: ['prior_payment'], text: 'No earlier undisputed payments on the same card are on record.' },
      USAGE_GAP,
    ],
  },
  unrecognized: {
    reason: 'unrecognized',
    priorUse: true,
    claim: EN.claims.unrecognized,
    advice:
      'Help the cardholder recognise the charge: who was paid and for what, when it was bought, the name, email ' +
      'and account it was bought with, and the use of the product afterwards. The customer has often simply ' +
      'forgotten; a clear description, a matching identity and usage after the payment usually settle it.',
    priority: [
      'charge',
      'product',
      'customer',
      'account',
      'activity',
      'deliverable',
      'payment_check',
      'prior_payment',
      'subscription',
      'invoice',
      'policy_acceptance',
      'communication',
      'refund',
      'policy',
      'dispute',
    ],
    points: [whatWasPaid, accountUsed, usage, earlierPayments, refunds],
    gaps: [{ kinds: ['customer', 'account'], text: 'No customer account is on record.' }, USAGE_GAP],
  },
  product_not_received: {
    reason: 'product_not_received',
    priorUse: false,
    claim: EN.claims.product_not_received,
    advice:
      'Show that the digital product was delivered and used: when access was granted, what was produced or ' +
      'downloaded, and the logins and usage after the payment, with IP addresses and times. Include any message in ' +
      'which the customer acknowledged receiving it.',
    priority: [
      'deliverable',
      'activity',
      'charge',
      'account',
      'communication',
      'product',
      'customer',
      'policy_acceptance',
      'subscription',
      'payment_check',
      'prior_payment',
      'invoice',
      'refund',
      'policy',
      'dispute',
    ],
    points: [delivered, activityAfterPayment, correspondence, refunds],
    gaps: [
      { kinds: ['deliverable'], text: 'No delivery record (files produced or downloaded) is on record.' },
      { kinds: ['activity'], text: 'No logins or usage after the payment are on record.' },
    ],
  },
  product_unacceptable: {
    reason: 'product_unacceptable',
    priorUse: false,
    claim: EN.claims.product_unacceptable,
    advice:
      'Show that the product matched its description and was used: what was promised at purchase, what was ' +
      'delivered, how much the customer used it, the refund policy they accepted, and whether they contacted the ' +
      'business for help or a refund before disputing. Do not argue about quality beyond what the facts show.',
    priority: [
      'product',
      'deliverable',
      'activity',
      'policy_acceptance',
      'policy',
      'communication',
      'charge',
      'account',
      'refund',
      'customer',
      'subscription',
      'invoice',
      'payment_check',
      'prior_payment',
      'dispute',
    ],
    points: [productDescribed, usage, policyAccepted, correspondence, refunds],
    gaps: [
      { kinds: ['policy', 'policy_acceptance'], text: 'No refund policy or its acceptance is on record.' },
      { kinds: ['communication'], text: 'No correspondence with the customer is on record.' },
      USAGE_GAP,
    ],
  },
  subscription_canceled: {
    reason: 'subscription_canceled',
    priorUse: false,
    claim: EN.claims.subscription_canceled,
    advice:
      'Show that the subscription was active when it renewed, or that the charge followed the cancellation policy: ' +
      'the subscription and renewal dates, the actual cancellation date if there is one, the cancellation policy and ' +
      'its acceptance, renewal notices, and use of the product after the cancellation the customer claims.',
    priority: [
      'subscription',
      'invoice',
      'charge',
      'activity',
      'policy_acceptance',
      'policy',
      'communication',
      'deliverable',
      'account',
      'refund',
      'customer',
      'product',
      'payment_check',
      'prior_payment',
      'dispute',
    ],
    points: [subscriptionHistory, usedAfterPayment, policyAccepted, correspondence, refunds],
    gaps: [
      { kinds: ['subscription'], text: 'No subscription record is on file.' },
      { kinds: ['policy', 'policy_acceptance'], text: 'No cancellation policy or its acceptance is on record.' },
    ],
  },
  credit_not_processed: {
    reason: 'credit_not_processed',
    priorUse: false,
    claim: EN.claims.credit_not_processed,
    advice:
      'Show that the customer is not owed a refund or credit, or that it was already issued: the refund or ' +
      'cancellation policy and its acceptance, why no refund is due under it, any refund already issued (amount and ' +
      'date), and the use of the product. Never state that a refund was issued unless a fact records it.',
    priority: [
      'refund',
      'policy_acceptance',
      'policy',
      'communication',
      'activity',
      'deliverable',
      'charge',
      'subscription',
      'invoice',
      'account',
      'customer',
      'product',
      'payment_check',
      'prior_payment',
      'dispute',
    ],
    points: [policyAccepted, policiesQuoted, usage, correspondence, refunds],
    gaps: [
      { kinds: ['policy', 'policy_acceptance'], text: 'No refund policy or its acceptance is on record.' },
      { kinds: ['communication'], text: 'No correspondence about the refund request is on record.' },
    ],
  },
  duplicate: {
    reason: 'duplicate',
    priorUse: false,
    claim: EN.claims.duplicate,
    advice:
      'Show that each charge paid for something different: each charge with its id, date, amount and what it paid ' +
      'for (separate invoices, orders or subscription periods), or that a duplicate was already refunded.',
    priority: [
      'charge',
      'invoice',
      'prior_payment',
      'subscription',
      'refund',
      'deliverable',
      'activity',
      'communication',
      'product',
      'customer',
      'account',
      'policy_acceptance',
      'payment_check',
      'policy',
      'dispute',
    ],
    points: [eachPayment, refunds],
    gaps: [{ kinds: ['invoice', 'prior_payment'], text: 'No other payment or invoice to tell the charges apart.' }],
  },
  general: {
    reason: 'general',
    priorUse: false,
    claim: EN.claims.general,
    advice:
      'State what was bought, that it was delivered and used, and the terms the customer agreed to, in the order ' +
      'things happened. Include any correspondence with the customer.',
    priority: [
      'charge',
      'product',
      'deliverable',
      'activity',
      'policy_acceptance',
      'communication',
      'customer',
      'account',
      'subscription',
      'invoice',
      'refund',
      'payment_check',
      'prior_payment',
      'policy',
      'dispute',
    ],
    points: [usage, policyAccepted, correspondence, refunds],
    gaps: [USAGE_GAP],
  },
  debit_not_authorized: {
    reason: 'debit_not_authorized',
    // The account holder says they did not authorise the debit: their earlier use ties the account to them.
    priorUse: true,
    claim: EN.claims.debit_not_authorized,
    advice:
      'Show that the account holder authorised the debit: when and where they accepted the debit authorisation ' +
      '(mandate) and the terms, with the IP address and the account used, then their use of the product after the ' +
      'payment and any earlier debits they did not dispute. If they revoked the authorisation, show the cancellation ' +
      'policy and that this debit came before the revocation. Never describe a mandate no fact records.',
    priority: [
      'policy_acceptance',
      'policy',
      'customer',
      'account',
      'activity',
      'charge',
      'prior_payment',
      'deliverable',
      'communication',
      'payment_check',
      'subscription',
      'invoice',
      'refund',
      'product',
      'dispute',
    ],
    points: [policyAccepted, accountUsed, usage, earlierPayments, refunds],
    gaps: [
      { kinds: ['policy_acceptance'], text: 'No accepted debit authorisation (mandate) is on record.' },
      USAGE_GAP,
    ],
  },
  customer_initiated: {
    reason: 'customer_initiated',
    priorUse: false,
    claim: EN.claims.customer_initiated,
    advice:
      'The bank gives no claim to answer, and the customer is best contacted first. Set out, in the order things ' +
      'happened, what was bought, that it was delivered and used, the terms the customer accepted and any ' +
      'correspondence. Never say the customer was contacted unless a fact records it.',
    priority: [
      'charge',
      'product',
      'communication',
      'deliverable',
      'activity',
      'policy_acceptance',
      'customer',
      'account',
      'subscription',
      'invoice',
      'refund',
      'payment_check',
      'prior_payment',
      'policy',
      'dispute',
    ],
    points: [usage, policyAccepted, correspondence, refunds],
    gaps: [{ kinds: ['communication'], text: 'No correspondence with the customer is on record.' }, USAGE_GAP],
  },
  bank_cannot_process: payAnotherWay('bank_cannot_process', EN.claims.bank_cannot_process),
  check_returned: payAnotherWay('check_returned', EN.claims.check_returned),
  incorrect_account_details: payAnotherWay('incorrect_account_details', EN.claims.incorrect_account_details),
  insufficient_funds: payAnotherWay('insufficient_funds', EN.claims.insufficient_funds),
  noncompliant: {
    reason: 'noncompliant',
    priorUse: false,
    claim: EN.claims.noncompliant,
    advice:
      'Do not argue. A compliance dispute is about the card network rules, not about what the customer received; ' +
      'the business does not contest it. State what the payment was for and when it was made, and nothing more. ' +
      'Never invent an argument about the network rules.',
    priority: [
      'charge',
      'product',
      'invoice',
      'customer',
      'account',
      'subscription',
      'payment_check',
      'prior_payment',
      'activity',
      'deliverable',
      'policy_acceptance',
      'communication',
      'refund',
      'policy',
      'dispute',
    ],
    points: [whatWasPaid, refunds],
    gaps: [],
    concession: 'noncompliant',
  },
  fallback: {
    reason: 'fallback',
    priorUse: false,
    claim: EN.claims.fallback,
    advice:
      'Set out, in the order things happened, what was bought, who bought it, that it was delivered and used, and ' +
      'the terms the customer accepted. Let the facts carry the argument.',
    priority: [
      'charge',
      'payment_check',
      'customer',
      'product',
      'deliverable',
      'activity',
      'policy_acceptance',
      'communication',
      'account',
      'subscription',
      'invoice',
      'refund',
      'prior_payment',
      'policy',
      'dispute',
    ],
    points: [usage, policyAccepted, refunds],
    gaps: [USAGE_GAP],
  },
} satisfies Record<PlaybookReason | 'fallback', ReasonStrategy>;

export type StrategyName = keyof typeof REASON_STRATEGIES;

/**
 * A payment the bank could not collect (no funds, a returned check, wrong account details): evidence does not make the
 * bank pay, so the customer has to pay another way. The template says so and shows only the purchase.
 */
function payAnotherWay(reason: PlaybookReason, claim: string): ReasonStrategy {
  return {
    reason,
    priorUse: false,
    claim,
    advice:
      'Do not argue: the bank returned the payment because it could not be collected, which no evidence changes; ' +
      'the customer has to pay another way. State what the payment was for, when it was made and the account it was ' +
      'made with, and nothing more. Never say the customer was asked to pay again unless a fact records it.',
    priority: [
      'charge',
      'product',
      'invoice',
      'customer',
      'account',
      'subscription',
      'communication',
      'refund',
      'activity',
      'deliverable',
      'policy_acceptance',
      'payment_check',
      'prior_payment',
      'policy',
      'dispute',
    ],
    points: [whatWasPaid, accountUsed, refunds],
    gaps: [],
    concession: 'payAnotherWay',
  };
}

/** Every reason Stripe documents has a strategy of its own; a reason Stripe adds later uses `fallback`. */
export function strategyFor(reason: string): ReasonStrategy {
  return isPlaybookReason(reason) ? REASON_STRATEGIES[reason] : REASON_STRATEGIES.fallback;
}

/** Stripe's advice for every rebuttal, whatever the reason. */
export const STRIPE_ADVICE =
  'Be concise, factual and neutral; tell what happened in chronological order. No links (the analyst cannot ' +
  'open them), no requests to call or contact anyone, no emotional language. State activity as a summary (how much, ' +
  'when, from which IPs and devices) and leave long lists to the files. If ' +
  'a refund or credit was already issued, say so plainly with its amount and date.';
