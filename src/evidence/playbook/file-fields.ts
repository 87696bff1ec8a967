import type { PlaybookReason } from '../../dispute/reasons.js';
import type { Fact } from '../types.js';
import type { CaseFacts } from './case-facts.js';
import { PLAYBOOKS, type PlaybookFileField } from './plans.js';
import { duplicateExplanation } from './text-fields.js';

// Which facts each evidence file shows, and its title.

export const FILE_TITLES: Record<PlaybookFileField, string> = {
  service_documentation: 'Service documentation: timeline, account activity and what was delivered',
  receipt: 'Receipt and invoice',
  refund_policy: 'Refund policy and its acceptance',
  cancellation_policy: 'Cancellation policy and its acceptance',
  customer_communication: 'Communication with the customer',
  duplicate_charge_documentation: 'The two charges, documented separately',
  uncategorized_file: 'Payment verification and payment history',
};

/** The title of the file a playbook puts a refund receipt on (plans.ts, `refundReceipt`). */
export const REFUND_RECEIPT_TITLE = 'Refund receipt: the refund made before the dispute';

export function fileFacts(field: PlaybookFileField, c: CaseFacts, reason: PlaybookReason): Fact[] {
  const ids = (...wanted: string[]) => wanted.map((id) => c.byId.get(id)).filter((fact): fact is Fact => Boolean(fact));
  switch (field) {
    case 'service_documentation':
      return [
        ...ids('config.product', 'stripe.charge', 'stripe.subscription'),
        ...c.kind('policy_acceptance'),
        ...c.kind('activity'),
        ...c.deliverables(),
      ];
    case 'receipt':
      return [
        ...ids('stripe.charge', 'stripe.charge.receipt', 'stripe.charge.card', 'stripe.charge.billing'),
        ...c.invoices(),
      ];
    case 'refund_policy': {
      const acceptance = c.acceptanceOf('refund');
      return c.policy('refund') ? [...ids('config.policy.refund'), ...(acceptance ? [acceptance] : [])] : [];
    }
    case 'cancellation_policy': {
      const acceptance = c.acceptanceOf('cancellation');
      return c.policy('cancellation')
        ? [...ids('config.policy.cancellation'), ...(acceptance ? [acceptance] : [])]
        : [];
    }
    case 'customer_communication':
      return c.kind('communication');
    case 'duplicate_charge_documentation': {
      const other = c.duplicateCandidate();
      return other && duplicateExplanation(c)
        ? [...ids('stripe.charge', 'stripe.charge.receipt'), ...c.invoices(), other]
        : [];
    }
    case 'uncategorized_file':
      // Where a refund answers the claim, this file is its receipt and nothing else (plans.ts, `refundReceipt`).
      if (PLAYBOOKS[reason].refundReceipt === 'uncategorized_file') return c.refundsBeforeDispute();
      return [
        ...c.kind('payment_check'),
        ...ids('stripe.customer', 'stripe.prior.summary'),
        ...c.priorPayments(),
        ...c.kind('refund'),
      ];
  }
}
