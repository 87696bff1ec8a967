import { visaCe3FromFacts } from '../ce3.js';
import { type CaseFacts, str } from './case-facts.js';
import type { EvidenceItem, TextFields } from './plans.js';

// Whether the facts hold each evidence item issuers look for.

/** How a policy_acceptance row names a bank-debit authorisation (a SEPA or BECS mandate, an ACH authorization). */
export const MANDATE = /mandate|direct[ _-]?debit|debit[ _-]authori[sz]ation|ach[ _-]authori[sz]ation/i;

export function isFound(item: EvidenceItem, c: CaseFacts, textFields: TextFields): boolean {
  switch (item) {
    case 'visa_ce3': {
      const eligible = c.dispute?.data?.ce3_eligible === true;
      const product =
        str(c.byId.get('config.product')?.data?.product_description) ?? str(c.charge?.data?.description) ?? '';
      return (
        eligible &&
        visaCe3FromFacts({ enhanced_eligibility_types: ['visa_compelling_evidence_3'] }, c.facts, product) !== null
      );
    }
    case 'three_d_secure':
      return c.byId.get('stripe.charge.3ds')?.data?.liability_shift === true;
    case 'post_payment_activity':
      return c.activityAfterPayment().length > 0;
    case 'deliverables':
      return c.deliverables().length > 0;
    case 'purchase_ip':
      return c.purchaseIp() !== null;
    case 'prior_payments':
      return c.priorPayments().length > 0;
    case 'card_checks': {
      const cvc = c.byId.get('stripe.charge.cvc')?.data?.cvc_check;
      const avs = c.byId.get('stripe.charge.avs')?.data;
      return cvc === 'pass' || avs?.address_line1_check === 'pass' || avs?.address_postal_code_check === 'pass';
    }
    case 'customer_identity':
      return c.customerName() !== null && c.customerEmail() !== null;
    case 'account_history': {
      const created = [
        str(c.byId.get('stripe.customer')?.data?.created),
        ...c.kind('account').map((fact) => str(fact.data?.created_at)),
      ].filter((at): at is string => Boolean(at));
      return created.some((at) => !Number.isNaN(c.chargeAt) && Date.parse(at) < c.chargeAt - 86_400_000);
    }
    case 'policy_acceptance':
      return c.kind('policy_acceptance').length > 0;
    case 'refund_policy':
      return c.policy('refund') !== undefined;
    case 'cancellation_policy':
      return c.policy('cancellation') !== undefined;
    case 'no_cancellation_before_charge':
      return c.subscription() !== undefined && !c.cancelledBeforeCharge();
    case 'customer_communication':
      return c.kind('communication').length > 0;
    case 'receipt':
      return c.byId.has('stripe.charge.receipt') || c.invoices().length > 0;
    case 'distinct_charge':
      return Boolean(textFields.duplicate_charge_id && textFields.duplicate_charge_explanation);
    case 'refund_issued':
      return c.refundsIssued().length > 0;
    case 'product_description':
      return c.byId.has('config.product');
    case 'debit_mandate':
      // The business records the mandate as an accepted policy; the terms alone are not an authorisation to debit.
      return c.kind('policy_acceptance').some((fact) => MANDATE.test(String(fact.data?.policy ?? '')));
  }
}
