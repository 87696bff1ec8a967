// The receipt, read back from the PDFs: every value from Stripe's records, nothing they lack.
import { describe, expect, it } from 'vitest';
import { buildPacket, type PacketInput } from '../../src/evidence/packet/index.js';
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
