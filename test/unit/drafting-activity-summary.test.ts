// The rebuttal states the customer's activity as a summary an analyst can check in 90 seconds: counts, first and
// last, IPs and devices against the checkout's, each number computed from the business's rows and grounded.
import { describe, expect, it } from 'vitest';
import { activityLogIn } from '../../src/cases/context.js';
import { ACTIVITY_LISTED_MAX, buildFactSheet } from '../../src/drafting/fact-sheet.js';
import { checkGrounding } from '../../src/drafting/grounding.js';
import { sampleContext, sampleFact } from '../../src/drafting/sample-case.js';
import { draftFromTemplate } from '../../src/drafting/template.js';
import { rowsToEvidence } from '../../src/evidence/sources/row-facts.js';
import { parseRow, type Rows } from '../../src/evidence/sources/rows.js';
import type { Fact } from '../../src/evidence/types.js';

const PAID = Date.parse('2026-03-04T14:03:22Z');
const CHARGE = 'ch_3QsampleCharge00001';
const CHECKOUT_IP = '203.0.113.7';
const CHECKOUT_DEVICE = 'rc-web-1234567890abcdef';
const USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Safari/605.1.15';

/** 5,000 rows over 100 days around the payment, from several IPs and devices, plus the checkout row itself. */
function activityRows(): Rows['activity'][] {
  const ips = [CHECKOUT_IP, CHECKOUT_IP, CHECKOUT_IP, '198.51.100.23', '192.0.2.14', '203.0.113.99', '198.51.100.4'];
  const devices = [CHECKOUT_DEVICE, CHECKOUT_DEVICE, 'rc-ios-77aa00bb11cc22dd', 'rc-web-feedfacecafebeef'];
  const events = ['login', 'generated a design', 'generated a design', 'downloaded a design'];
  const start = PAID - 40 * 86_400_000;
  const raw: Record<string, unknown>[] = Array.from({ length: 5_000 }, (_, i) => ({
    at: new Date(start + i * 1_728_000 + (i % 7) * 61_000).toISOString(),
    event: events[i % events.length],
    ip: ips[(i * 5) % ips.length],
    device_id: devices[(i * 3) % devices.length],
    user_agent: USER_AGENT,
  }));
  raw.push({
    at: new Date(PAID - 2_000).toISOString(),
    event: 'checkout',
    ip: CHECKOUT_IP,
    device_id: CHECKOUT_DEVICE,
    charge_id: CHARGE,
  });
  return raw.map((row) => {
    const parsed = parseRow('activity', row);
    if (!parsed.ok) throw new Error(parsed.problem);
    return parsed.row;
  });
}

/** Stripe's own records of the payment, as the Stripe source words them. */
function stripeFacts(): Fact[] {
  return [
    sampleFact({
      id: 'stripe.charge',
      kind: 'charge',
      text: `Charge ${CHARGE} of 49.00 USD succeeded on 2026-03-04 14:03 UTC for "Pixel Forge Pro".`,
      at: new Date(PAID).toISOString(),
      data: { charge_id: CHARGE, amount: 4900, currency: 'usd' },
    }),
    sampleFact({
      id: 'stripe.charge.cvc',
      kind: 'payment_check',
      text: 'CVC check: pass (the person paying entered the correct security code).',
      at: new Date(PAID).toISOString(),
      data: { cvc_check: 'pass' },
    }),
    sampleFact({
      id: 'stripe.charge.card',
      kind: 'charge',
      text: 'Paid with a visa credit card ending 4242 issued in US, card fingerprint uNdlYKJ4OqQRINA1.',
      at: new Date(PAID).toISOString(),
      data: { last4: '4242', brand: 'visa' },
    }),
  ];
}

const when = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 16)} UTC`;
const count = (n: number) => n.toLocaleString('en-US');

describe("the rebuttal's activity summary", () => {
  it('for 5,000 activity rows, states counts, first and last, IPs and devices as the rows make them true', () => {
    const rows = activityRows();
    const activity = rowsToEvidence('activity', rows, { source: 'http' }).facts;
    const sheet = buildFactSheet([...stripeFacts(), ...activity], sampleContext({ reason: 'fraudulent' }));
    const draft = draftFromTemplate(sheet);

    // The expected figures, straight from the rows: the checkout row is the payment, not use.
    const use = rows.filter((row) => row.event !== 'checkout');
    const after = use.filter((row) => Date.parse(row.at) >= PAID).sort((a, b) => a.at.localeCompare(b.at));
    const before = use.filter((row) => Date.parse(row.at) < PAID).sort((a, b) => a.at.localeCompare(b.at));
    const distinct = (values: (string | null)[]) => new Set(values.filter((v) => v !== null)).size;
    const firstAfter = Date.parse(after[0]?.at ?? '');
    const lastAfter = Date.parse(after.at(-1)?.at ?? '');

    expect(draft.text).toContain(
      `- After the payment: ${count(after.length)} events from ${when(firstAfter)} to ${when(lastAfter)} (`,
    );
    const distinctDevices = [...new Set(after.map((row) => row.device_id))];
    expect(draft.text).toContain(
      `, from ${distinct(after.map((row) => row.ip))} IP addresses and ${distinctDevices.length} devices (`,
    );
    for (const device of distinctDevices) expect(draft.text).toContain(`${device}`);
    expect(draft.text).toContain(
      `${count(after.filter((row) => row.ip === CHECKOUT_IP).length)} events came from the checkout's IP address ` +
        `${CHECKOUT_IP} and ${count(after.filter((row) => row.device_id === CHECKOUT_DEVICE).length)} events from ` +
        `the checkout's device ${CHECKOUT_DEVICE}.`,
    );
    const byEvent = (name: string) => count(after.filter((row) => row.event === name).length);
    expect(draft.text).toContain(
      `(${byEvent('generated a design')} × generated a design, ${byEvent('login')} × login and ` +
        `${byEvent('downloaded a design')} × downloaded a design)`,
    );
    // Prior use (a fraud dispute needs it), labelled as such.
    expect(draft.text).toContain(
      `- Before the payment (prior use, not the use disputed): ${count(before.length)} events from ` +
        `${when(Date.parse(before[0]?.at ?? ''))} to ${when(Date.parse(before.at(-1)?.at ?? ''))}`,
    );
    // No event one by one, and within the length the analyst reads.
    expect(draft.text).not.toMatch(/: login from IP|Generated a design from IP/i);
    expect(draft.text.length).toBeLessThanOrEqual(1_500);
    expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
  });

  it('gives the model the summary and a few telling events, not 5,000 lines', () => {
    const activity = rowsToEvidence('activity', activityRows(), { source: 'http' }).facts;
    const sheet = buildFactSheet([...stripeFacts(), ...activity], sampleContext({ reason: 'fraudulent' }));
    const eventLines = sheet.text.split('\n').filter((line) => /· http · \d{4}-\d\d-\d\d \d\d:\d\d UTC: /.test(line));
    expect(eventLines.length).toBeLessThanOrEqual(ACTIVITY_LISTED_MAX);
    expect(eventLines.some((line) => line.includes(': checkout from IP'))).toBe(true);
    expect(sheet.text).toMatch(/\([\d,]+ further activity events are not listed here/);
    expect(sheet.text).toContain('After the payment: 3,000 events');
    expect(sheet.text.length).toBeLessThan(20_000);
    // Every fact keeps its number: a person's edit or a citation may still rest on any of them.
    expect(sheet.facts).toHaveLength(stripeFacts().length + activity.length + 2);
  });

  it('a count the rows do not make true fails the grounding check', () => {
    const rows = activityRows();
    const activity = rowsToEvidence('activity', rows, { source: 'http' }).facts;
    const sheet = buildFactSheet([...stripeFacts(), ...activity], sampleContext({ reason: 'fraudulent' }));
    const draft = draftFromTemplate(sheet);
    const after = rows.filter((row) => row.event !== 'checkout' && Date.parse(row.at) >= PAID).length;
    const inflated = draft.text.replace(`${count(after)} events from`, `${count(after + 1_117)} events from`);
    expect(inflated).not.toBe(draft.text);
    expect(checkGrounding(inflated, draft.citedFacts, sheet).findings.map((finding) => finding.kind)).toContain(
      'count',
    );
  });

  it('without any business data, is short and says only what Stripe records', () => {
    const sheet = buildFactSheet(stripeFacts(), sampleContext({ reason: 'product_not_received' }));
    const draft = draftFromTemplate(sheet);
    expect(draft.text.length).toBeLessThanOrEqual(1_000);
    expect(draft.text).toContain("Stripe's records of the payment:");
    expect(draft.text).not.toMatch(/activity|use of the product|delivered|listed below/i);
    expect(checkGrounding(draft.text, draft.citedFacts, sheet)).toEqual({ ok: true, findings: [] });
  });

  it('points to the activity log only as far as the packet holds it: every event, some, or none', () => {
    const activity = rowsToEvidence('activity', activityRows(), { source: 'http' }).facts;
    const heading = (dropped: { what: string }[]) => {
      const context = sampleContext({ reason: 'fraudulent', activityLog: activityLogIn(dropped) });
      const text = draftFromTemplate(buildFactSheet([...stripeFacts(), ...activity], context)).text;
      return text.split('\n').find((line) => line.startsWith('Account activity'));
    };
    expect(heading([])).toBe('Account activity (every event is in the activity log of the service documentation):');
    expect(heading([{ what: '3,120 activity log rows of 5,001' }])).toBe(
      'Account activity (the activity log of the service documentation shows the first and last events and those around the payment):',
    );
    expect(heading([{ what: '5,001 activity log rows of 5,001' }])).toBe('Account activity:');
    // Other things left out do not change what the letter says of the log.
    expect(heading([{ what: '12 deliverable images of 40' }])).toContain('every event is in the activity log');
  });
});
