/**
 * The receipt and the refund receipt: one page each, laid out like the documents an issuer's analyst knows, every
 * value read from Stripe's records (the facts of `sources/stripe.ts`) or the business's evidence file. A value Stripe
 * does not have is left out, never shown empty or guessed.
 */
import { PACKET_MESSAGES, type PacketMessages } from '../../i18n/packet.js';
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
export function paymentMethodOf(facts: readonly Fact[], say: PacketMessages = PACKET_MESSAGES.en): string | null {
  const card = facts.find((fact) => fact.id === 'stripe.charge.card')?.data;
  const charge = facts.find((fact) => fact.id === 'stripe.charge')?.data;
  const brand = text(card?.brand) ?? text(charge?.card_brand);
  const last4 = text(card?.last4) ?? text(charge?.card_last4);
  if (!brand && !last4) return null;
  const name = brand ? (BRAND_NAMES[brand] ?? brand.replaceAll('_', ' ')) : say.receipt.cardName;
  const wallet = text(card?.wallet);
  return `${name}${last4 ? say.receipt.ending(last4) : ''}${wallet ? ` (${WALLET_NAMES[wallet] ?? wallet.replaceAll('_', ' ')})` : ''}`;
}

/** The receipt as Stripe's records give it; the dispute's amount stands in only when the charge itself is missing. */
export function receiptOf(
  facts: readonly Fact[],
  dispute: DisputeSummary,
  say: PacketMessages = PACKET_MESSAGES.en,
): Receipt {
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
    ? { label: say.receipt.receiptNumber, value: receiptNumber }
    : invoiceNumber
      ? { label: say.receipt.invoiceNumber, value: invoiceNumber }
      : chargeId
        ? { label: say.receipt.charge, value: chargeId }
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
        description: text(invoice[`line_${n}_description`]) ?? say.receipt.invoiceLine,
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
    paymentMethod: paymentMethodOf(facts, say),
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

const COLUMN_GAPS = 8;

/** Item, (period,) quantity, amount: a line's own period only when some line's differs from the receipt's. */
function itemColumns(withPeriod: boolean, say: PacketMessages): Column[] {
  const { columns } = say.receipt;
  const period: Column = { title: columns.period, width: 150 };
  const quantity: Column = { title: columns.quantity, width: 40 };
  const amount: Column = { title: columns.amount, width: 90 };
  const others = withPeriod ? [period, quantity, amount] : [quantity, amount];
  const used = others.reduce((sum, column) => sum + column.width + COLUMN_GAPS, 0);
  return [{ title: columns.item, width: CONTENT_WIDTH - used }, ...others];
}

const day = (iso: string) => iso.slice(0, 10);

/** One page: who sold, who bought, what, when, for how much, paid how, and the numbers that find it again. */
export function composeReceipt(
  measure: Measurer,
  dispute: DisputeSummary,
  business: BusinessSummary,
  receipt: Receipt,
  maxPages: number,
  say: PacketMessages = PACKET_MESSAGES.en,
): Composer {
  const words = say.receipt;
  const money = (m: Money) => formatMoney(m.amount, pdfText(m.currency, 10, true), say);
  const periodText = (period: Period) => words.periodRange(day(period.start), day(period.end));
  const build = (shownItems: number): Composer => {
    const c = new Composer(measure);
    c.paragraph(words.title(pdfText(business.name, 200, true)), { style: STYLES.title, maxLines: 2 });
    if (business.website) c.field(words.website, pdfText(business.website, 200, true));
    if (business.supportEmail) c.field(words.support, pdfText(business.supportEmail, 200, true));
    c.space(8);
    if (receipt.number) c.field(receipt.number.label, pdfText(receipt.number.value, 80, true));
    if (receipt.date) c.field(words.date, formatTime(receipt.date, false, say));
    if (receipt.customerName || receipt.customerEmail) {
      c.heading(words.billedTo, STYLES.subheading);
      if (receipt.customerName) c.field(words.name, pdfText(receipt.customerName, 200, true));
      if (receipt.customerEmail) c.field(words.email, pdfText(receipt.customerEmail, 200, true));
    }
    c.heading(words.whatWasBought, STYLES.subheading);
    const items = receipt.items;
    if (items.length > 0) {
      const overall = receipt.period ? periodText(receipt.period) : null;
      const withPeriod = items.some((item) => item.period && periodText(item.period) !== overall);
      const rows: Row[] = items.slice(0, shownItems).map((item) => ({
        cells: [
          pdfText(item.description, 300),
          ...(withPeriod ? [item.period ? periodText(item.period) : ''] : []),
          item.quantity === null ? '' : String(item.quantity),
          item.amount ? money(item.amount) : '',
        ],
      }));
      const more = items.length - shownItems + receipt.itemsNotRecorded;
      if (more > 0) rows.push({ note: words.furtherItems(more) });
      c.table(itemColumns(withPeriod, say), rows, 3);
    } else {
      // Stripe's description of the charge; the business's own description of what it sells when Stripe has none.
      c.field(words.item, pdfText(receipt.description ?? business.productDescription, 300));
    }
    if (receipt.period) c.field(words.period, periodText(receipt.period));
    if (receipt.tax) c.field(words.tax, money(receipt.tax));
    c.field(words.amountPaid, money(receipt.amount));
    if (receipt.refunded) c.field(words.refunded, money(receipt.refunded));
    if (receipt.paymentMethod || receipt.statementDescriptor || receipt.chargeId) {
      c.heading(words.payment, STYLES.subheading);
      if (receipt.paymentMethod) c.field(words.paidWith, pdfText(receipt.paymentMethod, 120, true));
      if (receipt.statementDescriptor) {
        c.field(words.onStatement, pdfText(receipt.statementDescriptor, 60, true));
      }
      if (receipt.chargeId && receipt.number?.value !== receipt.chargeId) {
        c.field(words.charge, pdfText(receipt.chargeId, 80, true));
      }
    }
    c.space(8);
    c.paragraph(words.fromStripe(pdfText(dispute.id, 80, true)), { muted: true });
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

/** Wide enough for "Acquirer reference number (ARN)" in bold at 12 pt. */
const LABEL_WIDTH = 215;

/** The refunds and the payment they gave back, from Stripe's refund and charge records. */
export function refundReceiptOf(
  refunds: readonly Fact[],
  paymentFacts: readonly Fact[],
  dispute: DisputeSummary,
  say: PacketMessages = PACKET_MESSAGES.en,
): RefundReceipt {
  const payment = receiptOf(paymentFacts, dispute, say);
  const words = say.refundReceipt;
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
          ? words.backTo(payment.paymentMethod)
          : destination
            ? words.backTo(destination.replaceAll('_', ' '))
            : null,
      reference: reference
        ? { label: (referenceType && words.references[referenceType]) ?? words.reference, value: reference }
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
  say: PacketMessages = PACKET_MESSAGES.en,
): Composer {
  const c = new Composer(measure);
  const words = say.refundReceipt;
  const name = pdfText(business.name, 200, true);
  const money = (m: Money) => formatMoney(m.amount, pdfText(m.currency, 10, true), say);
  const time = (at: string) => formatTime(at, false, say);
  c.paragraph(words.title(name), { style: STYLES.title, maxLines: 2 });
  if (business.website) c.field(say.receipt.website, pdfText(business.website, 200, true), LABEL_WIDTH);
  if (business.supportEmail) c.field(say.receipt.support, pdfText(business.supportEmail, 200, true), LABEL_WIDTH);
  c.space(8);
  const last = receipt.refunds.at(-1);
  const when = last?.date ? time(last.date) : null;
  const opened = time(dispute.created);
  const headline = receipt.refundedAsDuplicate
    ? words.duplicate(name, receipt.full ? null : money(receipt.total), when, opened)
    : words.refunded(
        name,
        { full: receipt.full, total: money(receipt.total), payment: money(receipt.payment.amount) },
        when,
        opened,
      );
  c.paragraph(headline, { style: STYLES.strong, maxLines: 4 });
  receipt.refunds.forEach((refund, index) => {
    c.heading(
      receipt.refunds.length > 1 ? words.oneOf(index + 1, receipt.refunds.length) : words.theRefund,
      STYLES.subheading,
    );
    c.field(words.refund, pdfText(refund.id, 80, true), LABEL_WIDTH);
    c.field(words.amount, money(refund.amount), LABEL_WIDTH);
    if (refund.date) c.field(words.date, time(refund.date), LABEL_WIDTH);
    if (refund.status) c.field(words.status, pdfText(refund.status.replaceAll('_', ' '), 40, true), LABEL_WIDTH);
    if (refund.method) c.field(words.refundedTo, pdfText(refund.method, 160, true), LABEL_WIDTH);
    if (refund.reference) c.field(refund.reference.label, pdfText(refund.reference.value, 80, true), LABEL_WIDTH);
    if (refund.receiptNumber) c.field(words.receiptNumber, pdfText(refund.receiptNumber, 80, true), LABEL_WIDTH);
    if (refund.reason) {
      c.field(
        words.reason,
        pdfText(words.reasons[refund.reason] ?? refund.reason.replaceAll('_', ' '), 80, true),
        LABEL_WIDTH,
      );
    }
  });
  c.heading(words.thePayment, STYLES.subheading);
  if (receipt.payment.chargeId) c.field(say.receipt.charge, pdfText(receipt.payment.chargeId, 80, true), LABEL_WIDTH);
  c.field(say.receipt.amountPaid, money(receipt.payment.amount), LABEL_WIDTH);
  if (receipt.payment.date) c.field(say.receipt.date, time(receipt.payment.date), LABEL_WIDTH);
  if (receipt.payment.method) c.field(say.receipt.paidWith, pdfText(receipt.payment.method, 120, true), LABEL_WIDTH);
  c.space(8);
  c.paragraph(words.fromStripe(pdfText(dispute.id, 80, true)), { muted: true });
  return c;
}
