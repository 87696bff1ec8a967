// The receipt and the refund receipt, read back from the PDFs: every value from Stripe's records, nothing they lack.
import { describe, expect, it } from 'vitest';
import { MAX_PAGES_MASTERCARD, MAX_TOTAL_FILE_BYTES } from '../../src/dispute/limits.js';
import { DISPUTE_REASONS } from '../../src/dispute/reasons.js';
import { parseEvidenceConfig } from '../../src/evidence/config.js';
import { buildPacket, type Packet, type PacketInput } from '../../src/evidence/packet/index.js';
import { applyPlaybook } from '../../src/evidence/playbook/index.js';
import type { Fact } from '../../src/evidence/types.js';
import { minutesAfterStart, packetInput, parsePdf } from './evidence-packet-support.js';

const PAID_AT = minutesAfterStart(1_440);

/** A fact whose sentence says nothing: the receipt must be built from Stripe's values, not from sentences. */
const fact = (id: string, kind: Fact['kind'], at: string | null, data: Fact['data']): Fact => ({
  id,
  kind,
  text: `(${id})`,
  at,
  source: id.split('.')[0] ?? 'stripe',
  data,
});

const charge = (data: Fact['data'] = {}) =>
  fact('stripe.charge', 'charge', PAID_AT, {
    charge_id: 'ch_3Receipt',
    amount: 4_900,
    amount_refunded: 0,
    currency: 'usd',
    created: PAID_AT,
    email: 'ada@example.com',
    statement_descriptor: 'PIXELFORGE* PRO',
    ...data,
  });
const card = fact('stripe.charge.card', 'charge', PAID_AT, { brand: 'visa', last4: '4242', wallet: 'apple_pay' });
const receiptNumber = fact('stripe.charge.receipt', 'charge', PAID_AT, { receipt_number: '1834-2291' });
const billing = fact('stripe.charge.billing', 'charge', PAID_AT, { name: 'Ada Lovelace', email: 'ada@example.com' });
const invoice = (data: Fact['data'] = {}) =>
  fact('stripe.invoice.in_1', 'invoice', PAID_AT, {
    invoice_id: 'in_1',
    number: 'PF-0042',
    currency: 'usd',
    period_start: PAID_AT,
    period_end: minutesAfterStart(1_440 + 31 * 1_440),
    tax_amount: 408,
    line_count: 2,
    line_1_description: 'Pro plan (monthly)',
    line_1_amount: 4_000,
    line_1_quantity: 1,
    line_2_description: 'Extra logo pack',
    line_2_amount: 492,
    line_2_quantity: 3,
    ...data,
  });

async function receiptText(
  facts: Fact[],
  overrides: Partial<PacketInput> = {},
): Promise<{ text: string; pages: number }> {
  const packet = await buildPacket(packetInput({ receipt: facts, ...overrides }));
  const file = packet.files.find((f) => f.field === 'receipt');
  if (!file) throw new Error('no receipt file');
  const pdf = parsePdf(file.bytes);
  return { text: pdf.text.replace(/\s+/g, ' '), pages: pdf.pages.length };
}

describe('the receipt', () => {
  it('is one page holding every field Stripe has: business, customer, date, items, period, amount, tax, card, number, descriptor', async () => {
    const { text, pages } = await receiptText([charge(), card, receiptNumber, billing, invoice()]);
    expect(pages).toBe(1);
    for (const expected of [
      'Pixel Forge Ltd',
      'pixelforge.example/pricing',
      'help@pixelforge.example',
      'Ada Lovelace',
      'ada@example.com',
      '2026-01-02 00:00 UTC',
      'Pro plan (monthly)',
      'Extra logo pack',
      '$40.00 USD',
      '2026-01-02 to 2026-02-02',
      'Tax $4.08 USD',
      'Amount paid $49.00 USD',
      'Visa ending 4242 (Apple Pay)',
      'Receipt number 1834-2291',
      'PIXELFORGE* PRO',
    ])
      expect(text).toContain(expected);
  });

  it('leaves out every field Stripe does not have, rather than showing it empty', async () => {
    const { text } = await receiptText([charge({ email: null, statement_descriptor: null })]);
    expect(text).toContain('Amount paid $49.00 USD');
    expect(text).toContain('Charge ch_3Receipt');
    // Without invoice lines or a charge description the item is what the business says it sells.
    expect(text).toContain('AI-generated logo designs');
    for (const absent of [
      'Tax',
      'Period',
      'Billed to',
      'Email',
      'Paid with',
      'On the statement',
      'Receipt number',
      'Invoice number',
      'Refunded',
      'null',
      'undefined',
    ])
      expect(text).not.toContain(absent);
  });

  it('shows the invoice number when the charge has no receipt number', async () => {
    const { text } = await receiptText([charge(), card, invoice()]);
    expect(text).toContain('Invoice number PF-0042');
    expect(text).not.toContain('Receipt number');
  });

  it("shows a line's own period beside it only when it differs from the invoice's", async () => {
    const same = await receiptText([charge(), invoice()]);
    expect(same.text).not.toMatch(/Item Period Qty Amount/);
    const prorated = await receiptText([
      charge(),
      invoice({ line_2_period_start: minutesAfterStart(1_440 * 10), line_2_period_end: minutesAfterStart(1_440 * 32) }),
    ]);
    expect(prorated.text).toContain('Item Period Qty Amount');
    expect(prorated.text).toContain('Extra logo pack 2026-01-11 to 2026-02-02 3 $4.92 USD');
  });

  it('stays on one page with a long invoice and counts the lines it does not show', async () => {
    const lines: Fact['data'] = { line_count: 60 };
    for (let n = 1; n <= 20; n++) {
      lines[`line_${n}_description`] = `Seat ${n} for the design team, billed monthly with the collaboration add-on`;
      lines[`line_${n}_amount`] = 245;
      lines[`line_${n}_quantity`] = 1;
    }
    const { text, pages } = await receiptText([charge(), card, billing, invoice(lines)]);
    expect(pages).toBe(1);
    expect(text).toMatch(/… and \d+ further items on the invoice/);
  });
});

const config = parseEvidenceConfig(`business:
  name: Pixel Forge Ltd
  product_description: AI-generated logo designs.
  support_email: help@pixelforge.example
  website: https://www.pixelforge.example
policies:
  refund:
    text: Designs can be refunded within 14 days unless downloaded.
    shown_at: [checkout_page]
  cancellation:
    text: Cancel any time; the plan runs to the end of the period paid for.
    shown_at: [checkout_page]
`);

const DISPUTE_AT = minutesAfterStart(20_000);
const refund = (data: Fact['data'] = {}) =>
  fact('stripe.refund.re_1', 'refund', minutesAfterStart(3_000), {
    refund_id: 're_1',
    amount: 4_900,
    currency: 'usd',
    status: 'succeeded',
    reason: 'requested_by_customer',
    created: minutesAfterStart(3_000),
    destination: 'card',
    reference: '74036116163000000000123',
    reference_type: 'acquirer_reference_number',
    receipt_number: '3392-1185',
    ...data,
  });

/** A dispute of this reason over a charge refunded before it opened, through the reason's playbook into the packet. */
async function packetFor(
  reason: string,
  refundFacts: Fact[],
): Promise<{ packet: Packet; playbook: ReturnType<typeof applyPlaybook> }> {
  const base = packetInput();
  const facts: Fact[] = [
    fact('stripe.dispute', 'dispute', DISPUTE_AT, { reason, ce3_eligible: false }),
    charge({ amount_refunded: 4_900 }),
    card,
    receiptNumber,
    billing,
    fact('config.product', 'product', null, { product_description: 'AI-generated logo designs.' }),
    fact('config.policy.refund', 'policy', null, { policy: 'refund' }),
    fact('config.policy.cancellation', 'policy', null, { policy: 'cancellation' }),
    ...base.activity,
    ...refundFacts,
  ];
  const playbook = applyPlaybook(reason, facts, config);
  const packet = await buildPacket({
    ...base,
    dispute: { ...base.dispute, reason, cardBrand: 'mastercard', created: DISPUTE_AT },
    textFields: playbook.textFields,
    timeline: [...facts].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '')),
    receipt: facts.filter((f) => f.kind === 'charge'),
    refundReceipt: playbook.refundReceipt,
    fileFields: playbook.fileFields.map((plan) => plan.field),
  });
  return { packet, playbook };
}

const refundReceiptOf = (packet: Packet) => packet.files.find((f) => f.filename.endsWith('-refund-receipt.pdf'));

const ANSWERED_BY_A_REFUND = [
  'duplicate',
  'product_not_received',
  'subscription_canceled',
  'credit_not_processed',
  'general',
] as const;

describe('a refund made before the dispute', () => {
  it.each(ANSWERED_BY_A_REFUND)(
    '%s: is a refund receipt of its own on uncategorized_file, within 19 pages and 4.5 MB',
    async (reason) => {
      const { packet } = await packetFor(reason, [refund()]);
      const file = refundReceiptOf(packet);
      expect(file?.field).toBe('uncategorized_file');
      expect(file?.pages).toBe(1);
      expect(packet.totals.pages).toBeLessThanOrEqual(MAX_PAGES_MASTERCARD);
      expect(packet.totals.fileBytes).toBeLessThanOrEqual(MAX_TOTAL_FILE_BYTES);
      const text = parsePdf(file?.bytes ?? new Uint8Array()).text.replace(/\s+/g, ' ');
      for (const expected of [
        'Refund re_1',
        'Amount $49.00 USD',
        'Date 2026-01-03 02:00 UTC',
        'Back to the Visa ending 4242 (Apple Pay) that paid',
        'Acquirer reference number (ARN) 74036116163000000000123',
        '3392-1185',
        'Requested by the customer',
        'before the dispute was opened on 2026-01-14 21:20 UTC',
        'Charge ch_3Receipt',
      ])
        expect(text).toContain(expected);
    },
  );

  it.each(DISPUTE_REASONS.filter((reason) => !(ANSWERED_BY_A_REFUND as readonly string[]).includes(reason)))(
    '%s: the playbook asks for no refund receipt, and the packet has none',
    async (reason) => {
      const { packet, playbook } = await packetFor(reason, [refund()]);
      expect(playbook.refundReceipt).toBeNull();
      expect(refundReceiptOf(packet)).toBeUndefined();
    },
  );

  it('refunded after the dispute opened, is no refund receipt', async () => {
    const late = refund({ created: minutesAfterStart(21_000) });
    const { packet, playbook } = await packetFor('credit_not_processed', [{ ...late, at: minutesAfterStart(21_000) }]);
    expect(playbook.refundReceipt).toBeNull();
    expect(refundReceiptOf(packet)).toBeUndefined();
  });

  it('on a duplicate refunded as one, says the payment was a duplicate and is refunded', async () => {
    const { packet } = await packetFor('duplicate', [refund({ reason: 'duplicate' })]);
    const text = parsePdf(refundReceiptOf(packet)?.bytes ?? new Uint8Array()).text.replace(/\s+/g, ' ');
    expect(text).toContain('This payment was a duplicate charge. Pixel Forge Ltd refunded it in full as a duplicate');
    expect(text).toContain('Reason Duplicate charge');
  });

  it('with subscription_canceled and duplicate, goes with the refund policy', async () => {
    for (const reason of ['subscription_canceled', 'duplicate']) {
      const { packet } = await packetFor(reason, [refund()]);
      expect(packet.files.map((f) => f.field)).toContain('refund_policy');
    }
  });
});
