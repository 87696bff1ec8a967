/**
 * The receipt and the refund receipt: one page each, laid out like the documents an issuer's analyst knows, every
 * value read from Stripe's records (the facts of `sources/stripe.ts`) or the business's evidence file. A value Stripe
 * does not have is left out, never shown empty or guessed.
 */
import type { Fact } from '../types.js';
import { largestFitting } from './budget.js';
import { type BusinessSummary, type DisputeSummary, pdfText } from './documents.js';
import { formatMoney, formatTime } from './format.js';
import { CONTENT_WIDTH, type Column, Composer, type Measurer, type Row, STYLES } from './pdf.js';

interface Money {
  amount: number;
  currency: string;
}

interface Period {
  start: string;
  end: string;
}

export interface ReceiptItem {
  description: string;
  amount: Money | null;
  quantity: number | null;
  period: Period | null;
}

export interface Receipt {
  /** The charge's receipt number, else the invoice number, else the charge id. */
  number: { label: string; value: string } | null;
  /** ISO 8601. */
  date: string | null;
  customerName: string | null;
  customerEmail: string | null;
  /** The invoice's lines, when the payment has an invoice. */
  items: ReceiptItem[];
  /** The charge's description, for a payment without invoice lines. */
  description: string | null;
  /** Invoice lines on record beyond those kept in the facts. */
  itemsNotRecorded: number;
  period: Period | null;
  amount: Money;
  tax: Money | null;
  refunded: Money | null;
  /** "Visa ending 4242 (Apple Pay)". */
  paymentMethod: string | null;
  statementDescriptor: string | null;
  chargeId: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Pay-by wallets as their owners spell them (Stripe's `payment_method_details.card.wallet.type`). */
const WALLET_NAMES: Record<string, string> = {
  apple_pay: 'Apple Pay',
  google_pay: 'Google Pay',
  samsung_pay: 'Samsung Pay',
  amex_express_checkout: 'Amex Express Checkout',
  masterpass: 'Masterpass',
  visa_checkout: 'Visa Checkout',
  link: 'Link',
};

const BRAND_NAMES: Record<string, string> = {
  amex: 'American Express',
  diners: 'Diners Club',
  discover: 'Discover',
  jcb: 'JCB',
  mastercard: 'Mastercard',
  unionpay: 'UnionPay',
  visa: 'Visa',
  cartes_bancaires: 'Cartes Bancaires',
  eftpos_au: 'eftpos',
};

/** The card that paid, as Stripe recorded it: "Visa ending 4242 (Apple Pay)"; null when Stripe has no card. */
export function paymentMethodOf(facts: readonly Fact[]): string | null {
  const card = facts.find((fact) => fact.id === 'stripe.charge.card')?.data;
  const charge = facts.find((fact) => fact.id === 'stripe.charge')?.data;
  const brand = text(card?.brand) ?? text(charge?.card_brand);
  const last4 = text(card?.last4) ?? text(charge?.card_last4);
  if (!brand && !last4) return null;
  const name = brand ? (BRAND_NAMES[brand] ?? brand.replaceAll('_', ' ')) : 'Card';
  const wallet = text(card?.wallet);
  return `${name}${last4 ? ` ending ${last4}` : ''}${wallet ? ` (${WALLET_NAMES[wallet] ?? wallet.replaceAll('_', ' ')})` : ''}`;
}

/** The receipt as Stripe's records give it; the dispute's amount stands in only when the charge itself is missing. */
export function receiptOf(facts: readonly Fact[], dispute: DisputeSummary): Receipt {
  const byId = (id: string) => facts.find((fact) => fact.id === id)?.data;
  const charge = byId('stripe.charge');
  const invoice = facts.find((fact) => fact.kind === 'invoice' && fact.id.startsWith('stripe.'))?.data;
  const subscription = byId('stripe.subscription');
  const currency = text(charge?.currency) ?? dispute.currency;
  const date = text(charge?.created) ?? facts.find((fact) => fact.id === 'stripe.charge')?.at ?? null;
  const chargeId = text(charge?.charge_id);

  const receiptNumber = text(byId('stripe.charge.receipt')?.receipt_number);
  const invoiceNumber = text(invoice?.number);
  const receiptNo = receiptNumber
    ? { label: 'Receipt number', value: receiptNumber }
    : invoiceNumber
      ? { label: 'Invoice number', value: invoiceNumber }
      : chargeId
        ? { label: 'Charge', value: chargeId }
        : null;

  const items: ReceiptItem[] = [];
  let itemsNotRecorded = 0;
  if (invoice) {
    const invoiceCurrency = text(invoice.currency) ?? currency;
    for (let n = 1; invoice[`line_${n}_amount`] !== undefined; n++) {
      const start = text(invoice[`line_${n}_period_start`]);
      const end = text(invoice[`line_${n}_period_end`]);
      const amount = number(invoice[`line_${n}_amount`]);
      items.push({
        description: text(invoice[`line_${n}_description`]) ?? 'Invoice line',
        amount: amount === null ? null : { amount, currency: invoiceCurrency },
        quantity: number(invoice[`line_${n}_quantity`]),
        period: start && end && start !== end ? { start, end } : null,
      });
    }
    itemsNotRecorded = Math.max(0, (number(invoice.line_count) ?? items.length) - items.length);
  }
  const amount = number(charge?.amount);

  const tax = number(invoice?.tax_amount);
  const refunded = number(charge?.amount_refunded);
  return {
    number: receiptNo,
    date,
    customerName: text(byId('stripe.charge.billing')?.name) ?? text(byId('stripe.customer.name')?.name),
    customerEmail: text(charge?.email) ?? text(byId('stripe.customer')?.email),
    items,
    description: text(charge?.description),
    itemsNotRecorded,
    period: periodOf(invoice, subscription, date),
    amount: { amount: amount ?? dispute.amount, currency },
    tax: tax === null ? null : { amount: tax, currency: text(invoice?.currency) ?? currency },
    refunded: refunded ? { amount: refunded, currency } : null,
    paymentMethod: paymentMethodOf(facts),
    statementDescriptor: text(charge?.statement_descriptor),
    chargeId,
  };
}

type Data = Fact['data'];

/** The invoice's period; else the subscription's current period when the payment falls in it (it paid for it). */
function periodOf(invoice: Data, subscription: Data, paidAt: string | null): Period | null {
  const start = text(invoice?.period_start);
  const end = text(invoice?.period_end);
  if (start && end && start !== end) return { start, end };
  const current = { start: text(subscription?.current_period_start), end: text(subscription?.current_period_end) };
  if (!current.start || !current.end || !paidAt) return null;
  const paid = Date.parse(paidAt);
  // A renewal is charged at or just after its period starts (an invoice finalises up to an hour later).
  const within = paid >= Date.parse(current.start) - 86_400_000 && paid < Date.parse(current.end);
  return within ? { start: current.start, end: current.end } : null;
}

const PERIOD_COLUMN: Column = { title: 'Period', width: 150 };
const QUANTITY_COLUMN: Column = { title: 'Qty', width: 40 };
const AMOUNT_COLUMN: Column = { title: 'Amount', width: 90 };
const COLUMN_GAPS = 8;

/** Item, (period,) quantity, amount: a line's own period only when some line's differs from the receipt's. */
function itemColumns(withPeriod: boolean): Column[] {
  const others = withPeriod ? [PERIOD_COLUMN, QUANTITY_COLUMN, AMOUNT_COLUMN] : [QUANTITY_COLUMN, AMOUNT_COLUMN];
  const used = others.reduce((sum, column) => sum + column.width + COLUMN_GAPS, 0);
  return [{ title: 'Item', width: CONTENT_WIDTH - used }, ...others];
}

const day = (iso: string) => iso.slice(0, 10);
const periodText = (period: Period) => `${day(period.start)} to ${day(period.end)}`;

/** One page: who sold, who bought, what, when, for how much, paid how, and the numbers that find it again. */
export function composeReceipt(
  measure: Measurer,
  dispute: DisputeSummary,
  business: BusinessSummary,
  receipt: Receipt,
  maxPages: number,
): Composer {
  const build = (shownItems: number): Composer => {
    const c = new Composer(measure);
    c.paragraph(`Receipt — ${pdfText(business.name, 200, true)}`, { style: STYLES.title, maxLines: 2 });
    if (business.website) c.field('Website', pdfText(business.website, 200, true));
    if (business.supportEmail) c.field('Support', pdfText(business.supportEmail, 200, true));
    c.space(8);
    if (receipt.number) c.field(receipt.number.label, pdfText(receipt.number.value, 80, true));
    if (receipt.date) c.field('Date', formatTime(receipt.date));
    if (receipt.customerName || receipt.customerEmail) {
      c.heading('Billed to', STYLES.subheading);
      if (receipt.customerName) c.field('Name', pdfText(receipt.customerName, 200, true));
      if (receipt.customerEmail) c.field('Email', pdfText(receipt.customerEmail, 200, true));
    }
    c.heading('What was bought', STYLES.subheading);
    const items = receipt.items;
    if (items.length > 0) {
      const overall = receipt.period ? periodText(receipt.period) : null;
      const withPeriod = items.some((item) => item.period && periodText(item.period) !== overall);
      const rows: Row[] = items.slice(0, shownItems).map((item) => ({
        cells: [
          pdfText(item.description, 300),
          ...(withPeriod ? [item.period ? periodText(item.period) : ''] : []),
          item.quantity === null ? '' : String(item.quantity),
          item.amount ? formatMoney(item.amount.amount, pdfText(item.amount.currency, 10, true)) : '',
        ],
      }));
      const more = items.length - shownItems + receipt.itemsNotRecorded;
      if (more > 0) rows.push({ note: `… and ${more} further ${more === 1 ? 'item' : 'items'} on the invoice` });
      c.table(itemColumns(withPeriod), rows, 3);
    } else {
      // Stripe's description of the charge; the business's own description of what it sells when Stripe has none.
      c.field('Item', pdfText(receipt.description ?? business.productDescription, 300));
    }
    if (receipt.period) c.field('Period', periodText(receipt.period));
    if (receipt.tax) c.field('Tax', formatMoney(receipt.tax.amount, pdfText(receipt.tax.currency, 10, true)));
    c.field('Amount paid', formatMoney(receipt.amount.amount, pdfText(receipt.amount.currency, 10, true)));
    if (receipt.refunded) {
      c.field('Refunded', formatMoney(receipt.refunded.amount, pdfText(receipt.refunded.currency, 10, true)));
    }
    if (receipt.paymentMethod || receipt.statementDescriptor || receipt.chargeId) {
      c.heading('Payment', STYLES.subheading);
      if (receipt.paymentMethod) c.field('Paid with', pdfText(receipt.paymentMethod, 120, true));
      if (receipt.statementDescriptor) {
        c.field('On the statement', pdfText(receipt.statementDescriptor, 60, true));
      }
      if (receipt.chargeId && receipt.number?.value !== receipt.chargeId) {
        c.field('Charge', pdfText(receipt.chargeId, 80, true));
      }
    }
    c.space(8);
    c.paragraph(`From Stripe's records of the payment disputed in ${pdfText(dispute.id, 80, true)}.`, { muted: true });
    return c;
  };
  const shown = largestFitting(0, receipt.items.length, (k) => build(k).pageCount <= maxPages);
  return build(shown);
}

export interface RefundRecord {
  id: string;
  amount: Money;
  /** ISO 8601. */
  date: string | null;
  status: string | null;
  /** Stripe's refund reason: `duplicate`, `fraudulent`, `requested_by_customer`… */
  reason: string | null;
  /** Where the money went: a refund goes back to the payment method that paid. */
  method: string | null;
  reference: { label: string; value: string } | null;
  receiptNumber: string | null;
}

export interface RefundReceipt {
  refunds: RefundRecord[];
  total: Money;
  payment: { chargeId: string | null; amount: Money; date: string | null; method: string | null };
  full: boolean;
  /** The dispute says duplicate and the business refunded it as one: it was a duplicate, and it is already undone. */
  refundedAsDuplicate: boolean;
}

const REFUND_REASONS: Record<string, string> = {
  duplicate: 'Duplicate charge',
  fraudulent: 'Fraudulent',
  requested_by_customer: 'Requested by the customer',
  expired_uncaptured_charge: 'Uncaptured charge expired',
};

/** Wide enough for "Acquirer reference number (ARN)" in bold at 12 pt. */
const LABEL_WIDTH = 215;

const REFERENCE_NAMES: Record<string, string> = {
  acquirer_reference_number: 'Acquirer reference number (ARN)',
  system_trace_audit_number: 'System trace audit number',
};

/** The refunds and the payment they gave back, from Stripe's refund and charge records. */
export function refundReceiptOf(
  refunds: readonly Fact[],
  paymentFacts: readonly Fact[],
  dispute: DisputeSummary,
): RefundReceipt {
  const payment = receiptOf(paymentFacts, dispute);
  const records = refunds.map((fact): RefundRecord => {
    const data = fact.data ?? {};
    const destination = text(data.destination);
    const reference = text(data.reference);
    const referenceType = text(data.reference_type);
    return {
      id: text(data.refund_id) ?? fact.id.replace(/^stripe\.refund\./, ''),
      amount: { amount: number(data.amount) ?? 0, currency: text(data.currency) ?? payment.amount.currency },
      date: text(data.created) ?? fact.at,
      status: text(data.status),
      reason: text(data.reason),
      // Stripe sends a refund back to the payment method that paid, and to no other (docs.stripe.com/refunds).
      method:
        payment.paymentMethod && (destination === null || destination === 'card')
          ? `Back to the ${payment.paymentMethod} that paid`
          : destination
            ? `Back to the ${destination.replaceAll('_', ' ')} that paid`
            : null,
      reference: reference
        ? { label: (referenceType && REFERENCE_NAMES[referenceType]) ?? 'Reference', value: reference }
        : null,
      receiptNumber: text(data.receipt_number),
    };
  });
  const total = records.reduce((sum, refund) => sum + refund.amount.amount, 0);
  return {
    refunds: records,
    total: { amount: total, currency: payment.amount.currency },
    payment: {
      chargeId: payment.chargeId,
      amount: payment.amount,
      date: payment.date,
      method: payment.paymentMethod,
    },
    full: records.length > 0 && total >= payment.amount.amount,
    refundedAsDuplicate: dispute.reason === 'duplicate' && records.some((refund) => refund.reason === 'duplicate'),
  };
}

/** One page: what was refunded, when, where to, how to trace it, and that it came before the dispute. */
export function composeRefundReceipt(
  measure: Measurer,
  dispute: DisputeSummary,
  business: BusinessSummary,
  receipt: RefundReceipt,
): Composer {
  const c = new Composer(measure);
  const name = pdfText(business.name, 200, true);
  const money = (m: Money) => formatMoney(m.amount, pdfText(m.currency, 10, true));
  c.paragraph(`Refund receipt — ${name}`, { style: STYLES.title, maxLines: 2 });
  if (business.website) c.field('Website', pdfText(business.website, 200, true), LABEL_WIDTH);
  if (business.supportEmail) c.field('Support', pdfText(business.supportEmail, 200, true), LABEL_WIDTH);
  c.space(8);
  const last = receipt.refunds.at(-1);
  const when = last?.date ? ` on ${formatTime(last.date)}` : '';
  const opened = `before the dispute was opened on ${formatTime(dispute.created)}`;
  const headline = receipt.refundedAsDuplicate
    ? `This payment was a duplicate charge. ${name} refunded ${receipt.full ? 'it in full' : money(receipt.total)} as a duplicate${when}, ${opened}.`
    : `${name} refunded ${receipt.full ? `the payment in full (${money(receipt.total)})` : `${money(receipt.total)} of the ${money(receipt.payment.amount)} payment`}${when}, ${opened}.`;
  c.paragraph(headline, { style: STYLES.strong, maxLines: 4 });
  receipt.refunds.forEach((refund, index) => {
    c.heading(
      receipt.refunds.length > 1 ? `Refund ${index + 1} of ${receipt.refunds.length}` : 'The refund',
      STYLES.subheading,
    );
    c.field('Refund', pdfText(refund.id, 80, true), LABEL_WIDTH);
    c.field('Amount', money(refund.amount), LABEL_WIDTH);
    if (refund.date) c.field('Date', formatTime(refund.date), LABEL_WIDTH);
    if (refund.status) c.field('Status', pdfText(refund.status.replaceAll('_', ' '), 40, true), LABEL_WIDTH);
    if (refund.method) c.field('Refunded to', pdfText(refund.method, 160, true), LABEL_WIDTH);
    if (refund.reference) c.field(refund.reference.label, pdfText(refund.reference.value, 80, true), LABEL_WIDTH);
    if (refund.receiptNumber) c.field('Refund receipt no.', pdfText(refund.receiptNumber, 80, true), LABEL_WIDTH);
    if (refund.reason) {
      c.field(
        'Reason',
        pdfText(REFUND_REASONS[refund.reason] ?? refund.reason.replaceAll('_', ' '), 80, true),
        LABEL_WIDTH,
      );
    }
  });
  c.heading('The payment refunded', STYLES.subheading);
  if (receipt.payment.chargeId) c.field('Charge', pdfText(receipt.payment.chargeId, 80, true), LABEL_WIDTH);
  c.field('Amount paid', money(receipt.payment.amount), LABEL_WIDTH);
  if (receipt.payment.date) c.field('Date', formatTime(receipt.payment.date), LABEL_WIDTH);
  if (receipt.payment.method) c.field('Paid with', pdfText(receipt.payment.method, 120, true), LABEL_WIDTH);
  c.space(8);
  c.paragraph(`From Stripe's records of the refunds on the payment disputed in ${pdfText(dispute.id, 80, true)}.`, {
    muted: true,
  });
  return c;
}
