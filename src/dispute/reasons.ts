/**
 * Stripe's dispute reasons (`Dispute.reason`; stripe-node types it as a plain string), one row
 * each: how a reviewer reads it in Slack (`words`), how the issuer's analyst reads it in the
 * evidence file where the short words could mislead (`packetWords`), and which playbook answers it.
 * Every reason has a playbook of its own (the bank-debit and compliance reasons included: some of them say
 * honestly that evidence cannot win them); a reason Stripe adds later is answered as `general`.
 */
const REASONS = {
  bank_cannot_process: { words: 'Bank cannot process', playbook: 'bank_cannot_process' },
  check_returned: { words: 'Check returned', playbook: 'check_returned' },
  credit_not_processed: { words: 'Credit not processed', playbook: 'credit_not_processed' },
  customer_initiated: { words: 'Customer initiated', playbook: 'customer_initiated' },
  debit_not_authorized: { words: 'Debit not authorized', playbook: 'debit_not_authorized' },
  duplicate: { words: 'Duplicate charge', playbook: 'duplicate' },
  fraudulent: {
    words: 'Fraudulent',
    packetWords: 'Fraudulent (cardholder says the payment was not authorized)',
    playbook: 'fraudulent',
  },
  general: { words: 'General', playbook: 'general' },
  incorrect_account_details: { words: 'Incorrect account details', playbook: 'incorrect_account_details' },
  insufficient_funds: { words: 'Insufficient funds', playbook: 'insufficient_funds' },
  noncompliant: { words: 'Noncompliant', playbook: 'noncompliant' },
  product_not_received: { words: 'Product not received', playbook: 'product_not_received' },
  product_unacceptable: { words: 'Product unacceptable', playbook: 'product_unacceptable' },
  subscription_canceled: { words: 'Subscription canceled', playbook: 'subscription_canceled' },
  unrecognized: { words: 'Unrecognized', packetWords: 'Unrecognized charge', playbook: 'unrecognized' },
} as const satisfies Record<string, { words: string; packetWords?: string; playbook: string }>;

export type DisputeReason = keyof typeof REASONS;
/** A reason with a playbook of its own. */
export type PlaybookReason = (typeof REASONS)[DisputeReason]['playbook'];

// Object.keys loses the key type; the keys are exactly DisputeReason.
export const DISPUTE_REASONS = Object.keys(REASONS) as DisputeReason[];

export function isDisputeReason(reason: string): reason is DisputeReason {
  return Object.hasOwn(REASONS, reason);
}

export const PLAYBOOK_REASONS: readonly PlaybookReason[] = DISPUTE_REASONS.flatMap((reason) => {
  const playbook = REASONS[reason].playbook;
  return playbook === reason ? [playbook] : [];
});

export function isPlaybookReason(reason: string): reason is PlaybookReason {
  return (PLAYBOOK_REASONS as readonly string[]).includes(reason);
}

/** The playbook that answers `reason`; a reason Stripe adds later is answered as `general`. */
export function playbookReason(reason: string): PlaybookReason {
  return isDisputeReason(reason) ? REASONS[reason].playbook : 'general';
}

/** `product_not_received` → `Product not received`, as a reviewer says it (Slack). */
export function reasonInWords(reason: string): string {
  if (isDisputeReason(reason)) return REASONS[reason].words;
  const text = reason.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The reason as the evidence file states it to the issuer; an unknown reason is shown as given, without underscores. */
export function reasonInPacket(reason: string): string {
  if (!isDisputeReason(reason)) return reason.replaceAll('_', ' ');
  const row: { words: string; packetWords?: string } = REASONS[reason];
  return row.packetWords ?? row.words;
}
