// Page 1 of the service documentation, read back from the rendered PDF: the points a reason needs, in the playbook's
// (or the measured) order, each with the page that proves it in this same file or the other file holding it.
import { beforeAll, describe, expect, it } from 'vitest';
import { playbookReason } from '../../src/dispute/reasons.js';
import { sampleFact, sampleFacts } from '../../src/drafting/sample-case.js';
import { buildPacket, type Packet, type PacketInput } from '../../src/evidence/packet/index.js';
import { PLAYBOOKS } from '../../src/evidence/playbook/plans.js';
import { STRONGEST_WORDS, strongestPoints } from '../../src/evidence/playbook/strongest.js';
import type { Fact } from '../../src/evidence/types.js';
import { noisyPng, parsePdf } from './evidence-packet-support.js';

/** The sample case, with what Stripe adds to it (the card, the receipt, the earlier payments' summary), and a month of use. */
function caseFacts(): Fact[] {
  const use = Array.from({ length: 60 }, (_, i) =>
    sampleFact({
      id: `sql.activity.${100 + i}`,
      kind: 'activity',
      text: `Generated a design from IP 203.0.113.7 (event ${i + 1}).`,
      at: new Date(Date.parse('2026-03-06T09:00:00Z') + i * 6 * 3_600_000).toISOString(),
      source: 'sql',
      data: { event: 'generated a design', ip: '203.0.113.7' },
    }),
  );
  return [
    ...sampleFacts(),
    sampleFact({
      id: 'stripe.charge.card',
      kind: 'charge',
      text: 'Paid with a visa credit card ending 4242 issued in US.',
      at: '2026-03-04T14:03:22Z',
      data: { brand: 'visa', last4: '4242' },
    }),
    sampleFact({
      id: 'stripe.charge.receipt',
      kind: 'charge',
      text: 'A receipt (number 2848-0885) was issued and emailed to jane.doe@example.com.',
      at: '2026-03-04T14:03:22Z',
      data: { receipt_number: '2848-0885', receipt_email: 'jane.doe@example.com' },
    }),
    sampleFact({
      id: 'stripe.prior.summary',
      kind: 'prior_payment',
      text: 'The customer made 2 earlier payments since 2025-12-04 (2 with the same card), none of them disputed or refunded.',
      at: '2025-12-04T10:12:00Z',
      data: { count: 2, same_card_count: 2, first_at: '2025-12-04T10:12:00Z' },
    }),
    ...use,
  ];
}

async function inputFor(reason: string, facts: Fact[], image: Uint8Array | null): Promise<PacketInput> {
  const timeline = [...facts].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  const delivered = timeline.filter((fact) => fact.kind === 'deliverable');
  return {
    dispute: {
      id: 'du_1CoverTest',
      reason,
      amount: 4900,
      currency: 'usd',
      cardBrand: 'visa',
      created: '2026-04-01T12:00:00Z',
    },
    business: {
      name: 'Pixel Forge',
      productDescription: 'AI-generated banners and logos, delivered in the web app.',
      supportEmail: 'help@pixelforge.example',
    },
    textFields: {},
    timeline,
    activity: timeline.filter((fact) => fact.kind === 'activity'),
    deliverables: delivered.map((fact) => ({
      title: String(fact.data?.title ?? fact.text),
      at: fact.at,
      ...(image ? { image: { bytes: image, contentType: 'image/png' } } : {}),
    })),
    receipt: timeline.filter((fact) => fact.kind === 'charge' || fact.kind === 'customer'),
    policies: timeline
      .filter((fact) => fact.kind === 'policy')
      .map((fact) => ({ kind: 'refund' as const, title: 'Refund policy', text: fact.text, shownAt: 'checkout page' })),
    fileFields: PLAYBOOKS[playbookReason(reason)].files,
    communications: timeline.filter((fact) => fact.kind === 'communication'),
  };
}

const flat = (text: string) => text.replace(/\s+/g, ' ');
/** The cover's bullet lines, as an analyst reads them. */
const bullets = (cover: string) =>
  flat(cover)
    .split('• ')
    .slice(1)
    .map((line) => line.trim());

describe('the cover page', () => {
  let image: Uint8Array;
  const packets = new Map<string, Packet>();
  const coverOf = (reason: string) => {
    const packet = packets.get(reason);
    if (!packet) throw new Error(`no packet for ${reason}`);
    const main = packet.files.find((file) => file.field === 'service_documentation');
    if (!main) throw new Error('no service documentation');
    const pdf = parsePdf(main.bytes);
    return { packet, pdf, cover: pdf.pages[0]?.text ?? '' };
  };

  beforeAll(async () => {
    image = await noisyPng(300, 200, 11);
    for (const reason of ['fraudulent', 'product_not_received', 'subscription_canceled']) {
      packets.set(reason, await buildPacket(await inputFor(reason, caseFacts(), image)));
    }
  });

  it('says "cardholder" only where a fact ties the card to the person; use after paying alone is the account', () => {
    const ties = new Set(['three_d_secure', 'visa_ce3', 'prior_payments']);
    const facts = caseFacts();
    const linked = strongestPoints('fraudulent', facts);
    expect(linked.points.some((point) => ties.has(point.item))).toBe(true);
    expect(linked.answer).toBe('The cardholder made this purchase and kept using what they paid for.');
    // The same facts without what ties the card to the person: 3-D Secure, CE 3.0 and earlier payments.
    const untied = facts.filter(
      (fact) => fact.kind !== 'prior_payment' && !/3-D Secure|three_d_secure/i.test(`${fact.text} ${fact.id}`),
    );
    const unlinked = strongestPoints('fraudulent', untied);
    expect(unlinked.points.some((point) => ties.has(point.item))).toBe(false);
    expect(unlinked.answer).toBe('The account that made this purchase kept using what it paid for.');
  });

  it('a fraud dispute leads with what ties the cardholder to the payment', () => {
    const { cover, packet } = coverOf('fraudulent');
    expect(flat(cover)).toContain('Fraudulent');
    expect(flat(cover)).toContain('$49.00 USD · Visa ending 4242');
    expect(flat(cover)).toContain('The cardholder made this purchase and kept using what they paid for.');
    expect(packet.cover?.points.map((point) => point.item)).toEqual([
      'three_d_secure',
      'post_payment_activity',
      'customer_communication',
      'purchase_ip',
      'deliverables',
    ]);
    const lines = bullets(cover);
    expect(lines[0]).toMatch(/^The card issuer authenticated the cardholder with 3-D Secure/);
    expect(lines[1]).toMatch(/^Used after paying: 62 events from 4 Mar 2026 to /);
  });

  it('a product-not-received dispute leads with what was delivered and its use, not the card checks', () => {
    const { cover, packet } = coverOf('product_not_received');
    expect(flat(cover)).toContain('The customer received what they paid for and used it after paying.');
    expect(packet.cover?.points.map((point) => point.item).slice(0, 2)).toEqual([
      'deliverables',
      'post_payment_activity',
    ]);
    expect(bullets(cover)[0]).toMatch(/^1 item delivered to the customer after paying, on 5 Mar 2026/);
    expect(flat(cover)).not.toMatch(/CVC|3-D Secure|postal code/);
    // What was delivered, with one image of it: the thumbnail is the images section's first, drawn again.
    expect(flat(cover)).toContain('What was delivered 1 item delivered to the customer. Shown here: “Spring banner”');
    expect(coverOf('product_not_received').pdf.pages[0]?.imageCount).toBe(1);
  });

  it('a subscription-cancelled dispute leads with Stripe’s record of no cancellation before the payment', () => {
    const { cover, packet } = coverOf('subscription_canceled');
    expect(flat(cover)).toContain(
      'The subscription was not cancelled before this payment, and the customer kept using it.',
    );
    expect(packet.cover?.points[0]?.item).toBe('no_cancellation_before_charge');
    expect(bullets(cover)[0]).toMatch(/^Stripe records no cancellation request before this payment on 4 Mar 2026/);
    expect(flat(cover)).not.toMatch(/3-D Secure/);
  });

  it('gives each point the page of this file its proof is on, or the other file that holds it', () => {
    let checked = 0;
    for (const reason of packets.keys()) {
      const { packet, pdf, cover } = coverOf(reason);
      const facts = new Map(caseFacts().map((fact) => [fact.id, fact]));
      for (const point of packet.cover?.points ?? []) {
        const line = bullets(cover).find((bullet) => bullet.startsWith(flat(point.text)));
        expect(line, `${reason}: ${point.text}`).toBeDefined();
        if (point.pages) {
          const [from, to] = point.pages;
          expect(line).toContain(from === to ? `— p. ${from}` : `— pp. ${from}–${to}`);
          const shown = flat(
            pdf.pages
              .slice(from - 1, to)
              .map((page) => page.text)
              .join('\n'),
          );
          // The rows it cites are on those pages, as rendered; a section's pages start with its heading.
          const rows = point.cites.map((id) => facts.get(id)).filter((fact) => fact !== undefined);
          if (point.item === 'post_payment_activity') expect(shown).toContain('Activity log');
          else if (point.item === 'deliverables') expect(shown).toContain('What the customer received');
          else
            for (const fact of rows) expect(shown, `${reason}: ${point.text}`).toContain(flat(fact.text).slice(0, 24));
          checked++;
        } else if (point.file) {
          expect(line).toContain(`— ${point.file} file`);
          expect(packet.files.length).toBeGreaterThan(1);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('follows the measured order of evidence once the product has the history', async () => {
    const input = await inputFor('fraudulent', caseFacts(), image);
    const measured = await buildPacket({
      ...input,
      evidenceOrder: ['receipt', 'prior_payments', 'three_d_secure', 'post_payment_activity', 'card_checks'],
    });
    expect(measured.cover?.points.map((point) => point.item)).toEqual([
      'receipt',
      'prior_payments',
      'three_d_secure',
      'post_payment_activity',
      'card_checks',
    ]);
    const main = measured.files.find((file) => file.field === 'service_documentation');
    const lines = bullets(parsePdf(main?.bytes ?? new Uint8Array()).pages[0]?.text ?? '');
    expect(lines[0]).toBe('Receipt 2848-0885 emailed to jane.doe@example.com on 4 Mar 2026 — Receipt file');
    expect(lines[1]).toMatch(/^The same card paid 2 earlier times, never disputed or refunded — p\. \d/);
  });

  it('with only Stripe’s records, says what they show: no answer the business cannot back, no empty heading', async () => {
    const stripeOnly = caseFacts().filter((fact) => fact.source === 'stripe');
    const input = await inputFor('product_not_received', stripeOnly, null);
    const packet = await buildPacket({ ...input, business: { name: 'Pixel Forge', productDescription: '' } });
    const main = packet.files.find((file) => file.field === 'service_documentation');
    const cover = parsePdf(main?.bytes ?? new Uint8Array()).pages[0]?.text ?? '';
    expect(flat(cover)).toContain(STRONGEST_WORDS.stripeOnly);
    expect(flat(cover)).toContain('What Stripe’s records show');
    expect(flat(cover)).not.toMatch(
      /What was delivered|What was sold|Used after paying|delivered|The strongest evidence/,
    );
    // Every point is one Stripe's records make (the purchase IP, the receipt), none the business would have to show.
    expect(packet.cover?.points.map((point) => point.item)).toEqual(['purchase_ip', 'customer_identity', 'receipt']);
    expect(packet.cover?.points.every((point) => point.cites.every((id) => id.startsWith('stripe.')))).toBe(true);
    const headings = ['The dispute', 'Our answer', 'What Stripe’s records show', 'In this packet', 'Not shown'];
    const lines = cover.split('\n');
    lines.forEach((line, i) => {
      if (!headings.includes(line)) return;
      const next = lines[i + 1] ?? '';
      expect(next !== '' && !headings.includes(next) && !next.includes(' · page '), `"${line}" then "${next}"`).toBe(
        true,
      );
    });
  });
});

describe('the strongest points, from the facts', () => {
  it('name a day once when what they count happened on one day', () => {
    const on5March = (hour: number) => `2026-03-05T${String(hour).padStart(2, '0')}:00:00Z`;
    const facts = [
      sampleFact({ id: 'stripe.charge', kind: 'charge', text: 'Payment of $49.00.', at: '2026-03-04T14:03:22Z' }),
      ...[9, 17].map((hour, i) =>
        sampleFact({
          id: `sql.deliverable.${i}`,
          kind: 'deliverable',
          text: `Design ${i}.`,
          at: on5March(hour),
          source: 'sql',
        }),
      ),
      ...[10, 11].map((hour, i) =>
        sampleFact({
          id: `sql.communication.${i}`,
          kind: 'communication',
          text: 'Hi.',
          at: on5March(hour),
          source: 'sql',
        }),
      ),
    ];
    const texts = strongestPoints('product_not_received', facts).points.map((point) => point.text);
    expect(texts).toEqual([
      '2 items delivered to the customer after paying, on 5 Mar 2026',
      'Messages with the customer on 5 Mar 2026',
    ]);
  });
});

describe("the business's answer", () => {
  const paid = sampleFact({
    id: 'stripe.charge',
    kind: 'charge',
    text: 'Payment of $49.00.',
    at: '2026-03-04T14:03:22Z',
  });
  const delivered = sampleFact({
    id: 'sql.deliverable.1',
    kind: 'deliverable',
    text: 'Design 1.',
    at: '2026-03-05T09:00:00Z',
    source: 'sql',
  });
  const used = sampleFact({
    id: 'sql.activity.1',
    kind: 'activity',
    text: 'Signed in.',
    at: '2026-03-05T10:00:00Z',
    source: 'sql',
    data: { event: 'login' },
  });

  it('claims use only when use after the payment is on record, and delivery only when a delivery is', () => {
    const answer = (reason: string, facts: Fact[]) => strongestPoints(reason, [paid, ...facts]).answer;
    for (const reason of ['product_not_received', 'product_unacceptable', 'general']) {
      expect(answer(reason, [delivered]), reason).not.toMatch(/\bused\b/);
      expect(answer(reason, [used]), reason).not.toMatch(/received/);
      expect(answer(reason, [delivered, used]), reason).toMatch(/received.*used|used.*received/);
    }
    // Nothing of the business's to stand on: only what the records are.
    expect(answer('product_not_received', [sampleFact({ ...used, id: 'sql.account', kind: 'account' })])).toBe(
      STRONGEST_WORDS.recordsOnly,
    );
  });
});
