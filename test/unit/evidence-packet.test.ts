import { beforeAll, describe, expect, it } from 'vitest';
import { activityLogIn } from '../../src/cases/context.js';
import {
  MAX_FILE_BYTES,
  MAX_LONG_TEXT_CHARS,
  MAX_PAGES,
  MAX_PAGES_MASTERCARD,
  MAX_SHORT_TEXT_CHARS,
  MAX_TOTAL_FILE_BYTES,
  MAX_TOTAL_TEXT_CHARS,
} from '../../src/dispute/limits.js';
import { buildPacket, type Packet, type PacketInput } from '../../src/evidence/packet/index.js';
import { pdfPageCount } from '../../src/evidence/packet/pdf.js';
import { rowsToEvidence } from '../../src/evidence/sources/row-facts.js';
import { parseRow } from '../../src/evidence/sources/rows.js';
import {
  activityFacts,
  deliverableFacts,
  deliverables,
  hasInvisibleCharacters,
  minutesAfterStart,
  noisyPng,
  packetInput,
  parsePdf,
} from './evidence-packet-support.js';

function expectWithinStripeLimits(packet: Packet, maxPages: number) {
  const bytes = packet.files.reduce((n, f) => n + f.bytes.byteLength, 0);
  const pages = packet.files.reduce((n, f) => n + pdfPageCount(f.bytes), 0);
  expect(bytes).toBe(packet.totals.fileBytes);
  expect(bytes).toBeLessThanOrEqual(MAX_TOTAL_FILE_BYTES);
  for (const file of packet.files) expect(file.bytes.byteLength).toBeLessThanOrEqual(MAX_FILE_BYTES);
  expect(pages).toBe(packet.totals.pages);
  expect(pages).toBeLessThanOrEqual(maxPages);
  expect(new Set(packet.files.map((f) => f.field)).size).toBe(packet.files.length);
}

describe('a packet with 300 deliverables of about 2 MB each', () => {
  let images: Uint8Array[] = [];
  let input: PacketInput;

  beforeAll(async () => {
    // Four distinct noisy images, reused: real 2 MB PNGs without generating 600 MB.
    images = await Promise.all([1, 2, 3, 4].map((seed) => noisyPng(1_000, 700, seed)));
    input = packetInput({ deliverables: deliverables(300, images), activity: activityFacts(400) });
    input.timeline = [...input.timeline, ...input.activity].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  });

  it('the inputs really are about 2 MB of incompressible pixels each', () => {
    for (const image of images) expect(image.byteLength).toBeGreaterThan(2_000_000);
  });

  it('stays within 4.5 MB and 49 pages, and says which deliverables it left out', async () => {
    const packet = await buildPacket(input);
    expectWithinStripeLimits(packet, MAX_PAGES);
    expect(packet.limits.maxPages).toBe(MAX_PAGES);
    const imageDrop = packet.dropped.find((d) => /deliverable image/.test(d.what));
    expect(imageDrop?.what).toMatch(/of 300/);
    const service = packet.files.find((f) => f.field === 'service_documentation');
    if (!service) throw new Error('no service documentation');
    const pdf = parsePdf(service.bytes);
    // Page 1 draws the first of them again, small: the images section is what counts.
    const shown = pdf.pages.slice(1).reduce((n, p) => n + p.imageCount, 0);
    expect(shown).toBeGreaterThanOrEqual(8);
    expect(pdf.pages[0]?.imageCount).toBe(1);
    const hidden = 300 - shown;
    // The summary page says it too, in words a card issuer reads.
    expect(pdf.pages[0]?.text.replace(/\n/g, ' ')).toContain(
      `${hidden} further deliverables were produced and are not shown`,
    );
  });

  it('counts images left unfetched (more than any packet shows) among those not shown, in the packet and its drops', async () => {
    const unfetched = Array.from({ length: 150 }, (_, i) => ({
      title: `Unfetched design ${i + 1}`,
      at: minutesAfterStart(20_000 + i * 30),
      imageLeftUnfetched: true,
    }));
    const packet = await buildPacket({ ...input, deliverables: [...input.deliverables, ...unfetched] });
    expectWithinStripeLimits(packet, MAX_PAGES);
    expect(packet.dropped.find((d) => /deliverable image/.test(d.what))?.what).toMatch(/of 450/);
    const service = packet.files.find((f) => f.field === 'service_documentation');
    if (!service) throw new Error('no service documentation');
    const pdf = parsePdf(service.bytes);
    const shown = pdf.pages.slice(1).reduce((n, p) => n + p.imageCount, 0);
    expect(pdf.pages[0]?.text.replace(/\n/g, ' ')).toContain(
      `${450 - shown} further deliverables were produced and are not shown`,
    );
  });

  it('stays within 19 pages in all for a Mastercard dispute', async () => {
    const packet = await buildPacket({ ...input, dispute: { ...input.dispute, cardBrand: 'mastercard' } });
    expectWithinStripeLimits(packet, MAX_PAGES_MASTERCARD);
    expect(packet.limits.maxPages).toBe(19);
    expect(packet.totals.pages).toBeLessThanOrEqual(19);
    expect(packet.dropped.some((d) => /19-page Mastercard limit/.test(d.why))).toBe(true);
  });

  it('uses the 19-page limit when the card brand is unknown', async () => {
    const packet = await buildPacket({ ...input, dispute: { ...input.dispute, cardBrand: null } });
    expectWithinStripeLimits(packet, MAX_PAGES_MASTERCARD);
  });

  it('shrinks distinct images to share the byte budget rather than dropping them', async () => {
    const distinct = await Promise.all(Array.from({ length: 24 }, (_, i) => noisyPng(1_000, 700, 100 + i)));
    const packet = await buildPacket({ ...input, activity: [], deliverables: deliverables(24, distinct) });
    expectWithinStripeLimits(packet, MAX_PAGES);
    // 24 × 2.2 MB cannot fit 4.5 MB as they are; shrunk, all are shown and most of the budget is used.
    expect(packet.dropped.filter((d) => /deliverable image/.test(d.what))).toEqual([]);
    expect(packet.totals.fileBytes).toBeGreaterThan(MAX_TOTAL_FILE_BYTES * 0.7);
    const service = parsePdf(packet.files.find((f) => f.field === 'service_documentation')?.bytes ?? new Uint8Array());
    expect(service.pages.slice(1).reduce((n, p) => n + p.imageCount, 0)).toBe(24);
    // The cover's thumbnail is one of them drawn again, not a 25th image in the file.
    expect(service.images).toHaveLength(24);
  });
});

/** Three deliverables with their image and the facts the business's source records for them. */
function withDeliverables(image: Uint8Array): PacketInput {
  const input = packetInput({ deliverables: deliverables(3, [image]) });
  return { ...input, timeline: [...input.timeline, ...deliverableFacts(3)] };
}

describe('the evidence files', () => {
  let packet: Packet;

  beforeAll(async () => {
    const image = await noisyPng(400, 300, 7);
    packet = await buildPacket(withDeliverables(image));
  });

  it('puts one file on each requested field and none on two', () => {
    expect(packet.files.map((f) => f.field).sort()).toEqual([
      'customer_communication',
      'receipt',
      'refund_policy',
      'service_documentation',
    ]);
    const contents = new Set(packet.files.map((f) => Buffer.from(f.bytes).toString('base64')));
    expect(contents.size).toBe(packet.files.length);
  });

  it('are the same bytes when built again from the same evidence, so a retried upload replays (same key)', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // a clock-dated PDF would differ by now
    const image = await noisyPng(400, 300, 7);
    const again = await buildPacket(withDeliverables(image));
    expect(again.files.map((f) => f.field)).toEqual(packet.files.map((f) => f.field));
    for (const [index, file] of again.files.entries()) {
      expect(Buffer.from(file.bytes).equals(Buffer.from(packet.files[index]?.bytes ?? []))).toBe(true);
    }
    // Dated by the newest fact (or the dispute's opening), not by when it was built.
    const sample = packetInput();
    const newest = [sample.dispute.created, ...sample.timeline.map((fact) => fact.at ?? '')]
      .map((time) => new Date(time).toISOString())
      .sort()
      .at(-1);
    const created = /\(D:(\d{14})Z\)/.exec(Buffer.from(again.files[0]?.bytes ?? []).toString('latin1'))?.[1];
    expect(created).toBe(newest?.replace(/[-T:]/g, '').slice(0, 14));
  });

  it('are US Letter portrait PDFs whose page counts match a parse of the file', () => {
    for (const file of packet.files) {
      expect(file.contentType).toBe('application/pdf');
      expect(file.filename).toMatch(/^du_1TestPacket-[a-z-]+\.pdf$/);
      const pdf = parsePdf(file.bytes);
      expect(pdf.pages.length).toBe(file.pages);
      expect(pdf.declaredPages).toBe(file.pages);
      expect(pdfPageCount(file.bytes)).toBe(file.pages);
      for (const page of pdf.pages) expect(page.mediaBox).toEqual([0, 0, 612, 792]);
    }
  });

  it('embed every font they use, all DejaVu, and set no text under 12 pt', () => {
    for (const file of packet.files) {
      const pdf = parsePdf(file.bytes);
      expect(pdf.fonts.length).toBeGreaterThan(0);
      for (const font of pdf.fonts) {
        expect(font.embedded).toBe(true);
        expect(font.baseFont).toMatch(/\+DejaVuSans/);
      }
      const sizes = pdf.pages.flatMap((p) => p.fontSizes);
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    }
  });

  it('carry no links: no annotations, and URLs are plain text without a scheme', () => {
    for (const file of packet.files) {
      const pdf = parsePdf(file.bytes);
      expect(pdf.annotations).toBe(0);
      expect(pdf.text).not.toMatch(/https?:\/\//);
    }
    const summary = parsePdf(packet.files[0]?.bytes ?? new Uint8Array()).pages[0]?.text ?? '';
    expect(summary).toContain('pixelforge.example/pricing');
  });

  it('open with a one-page cover: the dispute in one line, the answer, the points for the reason, the contents', () => {
    const service = packet.files.find((f) => f.field === 'service_documentation');
    const summary = (parsePdf(service?.bytes ?? new Uint8Array()).pages[0]?.text ?? '').replace(/\s+/g, ' ');
    expect(summary).toContain('Evidence for dispute du_1TestPacket');
    expect(summary).toContain('Pixel Forge Ltd');
    expect(summary).toContain('Product not received · $49.00 USD · Visa · opened');
    expect(summary).toContain('The customer received what they paid for.');
    expect(summary).toContain('3 items delivered to the customer after paying');
    // A card check answers nothing about delivery: it is in the timeline, not among the points.
    expect(summary).not.toContain('CVC');
    expect(summary).toMatch(/Activity log of 40 events/);
  });

  it('show the policy with where the customer saw it and their acceptance', () => {
    const policy = packet.files.find((f) => f.field === 'refund_policy');
    const text = parsePdf(policy?.bytes ?? new Uint8Array()).text;
    expect(text).toContain('Shown to the customer: checkout page');
    expect(text).toContain('The customer accepted the refund policy at checkout.');
    expect(text).toContain('refunded within 14 days');
  });
});

describe('page budget', () => {
  it('trims the activity log around the charge and marks the gap when it cannot all fit', async () => {
    const input = packetInput({ activity: activityFacts(3_000, 5), deliverables: [] });
    const packet = await buildPacket({ ...input, dispute: { ...input.dispute, cardBrand: 'mastercard' } });
    expectWithinStripeLimits(packet, MAX_PAGES_MASTERCARD);
    const drop = packet.dropped.find((d) => /activity log row/.test(d.what));
    expect(drop?.what).toMatch(/of 3,000|of 3000/);
    const service = parsePdf(packet.files.find((f) => f.field === 'service_documentation')?.bytes ?? new Uint8Array());
    expect(service.text).toMatch(/… [\d,]+ events from \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC to .* not shown …/);
    // The rows right after the payment (1,440 minutes in, every 5 minutes → row 288) are kept.
    // Each day opens with its heading; a row has only its time of day.
    expect(service.text).toMatch(/2026-01-02: 288 events \(\d+ shown\)[^\n]*\n(?:[^\n]*\n)?00:00:00\n/);
    expect(service.text).toMatch(/2026-01-01: 288 events \(\d+ shown\)[^\n]*\n(?:[^\n]*\n)?00:00:00\n/);
  });

  it('lays 5,000 activity rows out by day, with the IP, device and browser a day shares said once, within the limits', async () => {
    const userAgent =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
    const rows = Array.from({ length: 5_000 }, (_, i) => ({
      at: minutesAfterStart(i * 20),
      event: i % 3 ? 'generated a design' : 'login',
      // One IP and device a day, another on every 50th event: that row alone shows its own.
      ip: i % 50 === 7 ? '198.51.100.23' : `203.0.113.${Math.floor(i / 72) % 250}`,
      device_id: i % 50 === 7 ? 'rc-ios-77aa00bb11cc22dd' : 'rc-web-c3e9ae7f14fff2ef',
      user_agent: userAgent,
    }));
    const activity = rowsToEvidence(
      'activity',
      rows.map((row) => {
        const parsed = parseRow('activity', row);
        if (!parsed.ok) throw new Error(parsed.problem);
        return parsed.row;
      }),
      { source: 'http' },
    ).facts;
    for (const cardBrand of ['visa', 'mastercard']) {
      const input = packetInput({ activity, deliverables: [] });
      const packet = await buildPacket({ ...input, dispute: { ...input.dispute, cardBrand } });
      expectWithinStripeLimits(packet, cardBrand === 'visa' ? MAX_PAGES : MAX_PAGES_MASTERCARD);
      const service = parsePdf(
        packet.files.find((f) => f.field === 'service_documentation')?.bytes ?? new Uint8Array(),
      );
      // The first page states the use after the payment as the rebuttal does, counted from every row.
      const paidAt = Date.parse(input.timeline.find((fact) => fact.kind === 'charge')?.at ?? '');
      const after = rows.filter((row) => Date.parse(row.at) >= paidAt).length;
      expect(service.pages[0]?.text.replace(/\s+/g, ' ')).toContain(
        `Used after paying: ${after.toLocaleString('en-US')} events from 2 Jan 2026 to`,
      );
      const log = service.text.slice(service.text.indexOf('Sign-ins and use of the product'));
      const days = log.match(/^2026-\d\d-\d\d: [\d,]+ events/gm) ?? [];
      expect(days.length).toBeGreaterThan(2);
      // The user agent and the device once, in the first day's heading, not once per row; each day its own IP.
      expect(log.split('Mozilla/5.0 (iPhone').length - 1).toBe(1);
      expect(log.split('rc-web-c3e9ae7f14fff2ef').length - 1).toBe(1);
      expect(log).toMatch(
        /: 72 events(?: \(\d+ shown\))?; from IP 203\.0\.113\.\d+, the same device\s+and\s+browser\s+as\s+above/,
      );
      expect(log).toMatch(/device\s+rc-ios-77aa00bb11cc22dd/);
      expect(packet.dropped.find((d) => /activity log row/.test(d.what))?.what).toMatch(/of 5,000/);
      // The draft reads the cut from this line: the letter must not claim the log holds every event.
      expect(activityLogIn(packet.dropped)).toBe('partial');
    }
  });

  it('caps a long communication history and says how many messages are not shown', async () => {
    const messages = Array.from({ length: 200 }, (_, i) => ({
      id: `sql.communication.${i}`,
      kind: 'communication' as const,
      text: `the customer wrote: "${'please help '.repeat(40)}${i}"`,
      at: new Date(Date.parse('2026-01-02T00:00:00Z') + i * 3_600_000).toISOString(),
      source: 'sql',
      data: { direction: 'inbound' },
    }));
    const packet = await buildPacket(packetInput({ communications: messages }));
    expectWithinStripeLimits(packet, MAX_PAGES);
    const file = packet.files.find((f) => f.field === 'customer_communication');
    expect(file?.pages).toBeLessThanOrEqual(8);
    expect(packet.dropped.some((d) => /messages? with the customer/.test(d.what))).toBe(true);
    expect(parsePdf(file?.bytes ?? new Uint8Array()).text).toMatch(/further messages not shown/);
  });
});

describe('a dispute without any business data', () => {
  it("shows Stripe's records as such, and no heading or label without something under it", async () => {
    const base = packetInput({ activity: [], deliverables: [] });
    const packet = await buildPacket({
      ...base,
      business: { name: 'Pixel Forge Ltd', productDescription: '' },
      timeline: base.timeline.filter((fact) => fact.source === 'stripe'),
      policies: [],
      communications: [],
      textFields: {},
    });
    expectWithinStripeLimits(packet, MAX_PAGES);
    const labels = [
      'The dispute',
      'The business and what was sold',
      'The business',
      'Key facts',
      'In this packet',
      'Not shown',
      'Timeline',
      'Activity log',
      'Payment record',
      'What the customer received',
      'Product',
      'Website',
      'Support',
    ];
    for (const file of packet.files) {
      const lines = parsePdf(file.bytes).text.split('\n');
      lines.forEach((line, i) => {
        if (!labels.includes(line)) return;
        const next = lines[i + 1] ?? '';
        expect(labels.includes(next) || next.includes(' · page ') || next === '', `"${line}" then "${next}"`).toBe(
          false,
        );
      });
    }
    const service = parsePdf(packet.files.find((f) => f.field === 'service_documentation')?.bytes ?? new Uint8Array());
    expect(service.text).toContain('Stripe’s records of this payment and customer, oldest first.');
    expect(service.text).not.toMatch(/Activity log|What the customer received/);
  });
});

describe('text fields', () => {
  it('are cut to 20,000 characters for long fields and 5,000 for short ones, and say so', async () => {
    const packet = await buildPacket(
      packetInput({
        textFields: { access_activity_log: 'login ok\n'.repeat(5_000), customer_name: 'A'.repeat(9_000) },
      }),
    );
    expect(packet.textFields.access_activity_log?.length).toBeLessThanOrEqual(MAX_LONG_TEXT_CHARS);
    expect(packet.textFields.access_activity_log?.endsWith('[truncated]')).toBe(true);
    expect(packet.textFields.customer_name?.length).toBeLessThanOrEqual(MAX_SHORT_TEXT_CHARS);
    expect(packet.dropped.map((d) => d.what)).toEqual(
      expect.arrayContaining(['text field access_activity_log', 'text field customer_name']),
    );
  });

  it('stay within 150,000 characters in all, the longest fields giving way first', async () => {
    const long = 'word '.repeat(4_000);
    const packet = await buildPacket(
      packetInput({
        textFields: {
          access_activity_log: long,
          cancellation_policy_disclosure: long,
          cancellation_rebuttal: long,
          duplicate_charge_explanation: long,
          product_description: long,
          refund_policy_disclosure: long,
          refund_refusal_explanation: long,
          uncategorized_text: long,
          customer_name: 'Jo Bloggs',
          billing_address: '1 High Street\nLondon',
        },
      }),
    );
    const total = Object.values(packet.textFields).reduce((n, v) => n + (v?.length ?? 0), 0);
    expect(total).toBe(packet.totals.textChars);
    expect(total).toBeLessThanOrEqual(MAX_TOTAL_TEXT_CHARS);
    expect(packet.textFields.customer_name).toBe('Jo Bloggs');
    expect(packet.textFields.billing_address).toBe('1 High Street\nLondon');
    expect(packet.textFields.uncategorized_text?.length).toBeLessThan(MAX_LONG_TEXT_CHARS);
  });
});

describe('hostile customer text', () => {
  const hostile = [
    'Jo\u0000\u0007\u001b[31m Bloggs',
    '<script>alert(document.cookie)</script><b onclick="x()">bold</b> name',
    '\u202Egnp.exe\u202C Mallory \u2066rtl\u2069',
    'zero\u200Bwidth\u200D\uFEFF name',
    'lone \uD800 surrogate',
    `Z${'\u0301'.repeat(500)}algo`,
    'مرحبا Ωμέγα Привет',
    'x'.repeat(100_000),
  ];

  it('is sanitised in the text fields', async () => {
    const packet = await buildPacket(
      packetInput({ textFields: { customer_name: hostile.join(' | '), uncategorized_text: hostile.join('\n') } }),
    );
    for (const value of Object.values(packet.textFields)) {
      expect(hasInvisibleCharacters(value ?? '')).toBe(false);
      expect(value).not.toMatch(/<script|<b |onclick/);
      expect(value).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
      expect(value).not.toMatch(/\u0301{4}/);
    }
    expect(packet.textFields.customer_name).toMatch(
      /^Jo\[31m Bloggs \| bold name \| gnp\.exe Mallory rtl \| zerowidth name/,
    );
    expect(packet.textFields.uncategorized_text).toContain('مرحبا Ωμέγα Привет');
  });

  it('is sanitised and cut in the PDFs without breaking them', async () => {
    const facts = hostile.map((text, i) => ({
      id: `sql.hostile.${i}`,
      kind: 'communication' as const,
      text,
      at: `2026-01-0${(i % 8) + 2}T10:00:00Z`,
      source: 'sql',
      untrusted: true,
      data: { direction: 'inbound', channel: hostile[i] ?? null },
    }));
    const input = packetInput({
      business: { name: hostile[2] ?? '', productDescription: hostile[7] ?? '', website: 'javascript:alert(1)' },
      deliverables: hostile.map((title, i) => ({ title, at: `2026-01-0${(i % 8) + 2}T11:00:00Z` })),
      communications: facts,
    });
    input.timeline = [...input.timeline, ...facts];
    const packet = await buildPacket(input);
    expectWithinStripeLimits(packet, MAX_PAGES);
    for (const file of packet.files) {
      const { text } = parsePdf(file.bytes);
      expect(hasInvisibleCharacters(text)).toBe(false);
      expect(text).not.toContain('<script');
      expect(text).not.toContain('x'.repeat(5_000));
      expect(text).not.toContain('javascript:');
    }
    const all = packet.files.map((f) => parsePdf(f.bytes).text).join('\n');
    expect(all).toContain('Привет');
  });
});

describe('unreadable images', () => {
  it('are left out with a note instead of failing the packet', async () => {
    const good = await noisyPng(300, 200, 3);
    const broken = good.slice(0, 200);
    const packet = await buildPacket(
      packetInput({
        deliverables: [
          { title: 'fine', at: '2026-01-02T01:00:00Z', image: { bytes: good, contentType: 'image/png' } },
          { title: 'truncated', at: '2026-01-02T02:00:00Z', image: { bytes: broken, contentType: 'image/png' } },
        ],
      }),
    );
    expect(packet.dropped.find((d) => d.what.includes('"truncated"'))?.why).toMatch(/could not be read as an image/);
    const service = parsePdf(packet.files.find((f) => f.field === 'service_documentation')?.bytes ?? new Uint8Array());
    expect(service.pages.slice(1).reduce((n, p) => n + p.imageCount, 0)).toBe(1);
    expect(service.images).toHaveLength(1);
  });
});
