// Page 1 of the service documentation and the rebuttal's opening, through the whole pipeline: a signed webhook in, the
// evidence staged on Stripe; the rebuttal names the same points, in the same order, at the same pages as the cover.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import { OPENING_WORDS } from '../../src/drafting/template.js';
import { disputePostedInSlack } from '../support/cases.js';
import type { TestDatabase } from '../support/db.js';
import { type SlackWorld, startSlackWorld } from '../support/slack.js';
import { parsePdf } from '../unit/evidence-packet-support.js';

let db: TestDatabase;
let stripe: StripeSandbox;

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({}, { webhook: true });
  ({ db, stripe } = world);
});
afterAll(() => world?.stop());

describe('the cover and the rebuttal, as staged on Stripe', () => {
  it('open with the same points, in the same order, each at the page or file the cover gives', async () => {
    const { disputeId } = await disputePostedInSlack(stripe, db.pool, { reason: 'fraudulent' });
    const evidence = stripe.dispute(disputeId).evidence;
    const file = typeof evidence.service_documentation === 'string' ? evidence.service_documentation : '';
    const cover = parsePdf(new Uint8Array(stripe.fileContents(file) ?? Buffer.alloc(0))).pages[0]?.text ?? '';
    const staged = evidence.uncategorized_text ?? '';
    const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
    // The cover's points, as `text — p. 2` or `text — Receipt file`, and the rebuttal's, as `- text (… page 2).`.
    const onCover = flat(cover.slice(cover.indexOf('The strongest evidence'), cover.indexOf('\nWhat was sold')))
      .split('• ')
      .slice(1)
      .map((line) => {
        const [text, where] = line.trim().split(' — ');
        return { text, where };
      });
    const opening = staged.split('\n\n').find((section) => section.startsWith(OPENING_WORDS.heading)) ?? '';
    const inRebuttal = opening
      .split('\n')
      .slice(1)
      .map((line) => {
        const match = /^- (.*) \((.*)\)\.$/.exec(line);
        return { text: match?.[1], where: match?.[2] };
      });
    expect(onCover.length).toBeGreaterThanOrEqual(3);
    expect(inRebuttal.map((point) => point.text)).toEqual(onCover.map((point) => point.text));
    const spoken = (where: string | undefined) =>
      where
        ?.replace(/^p\. (\d+)$/, 'service documentation, page $1')
        .replace(/^pp\. (\d+)–(\d+)$/, 'service documentation, pages $1–$2')
        .replace(/^(.*) file$/, (_, title: string) => `${title.toLowerCase()} file`);
    expect(inRebuttal.map((point) => point.where)).toEqual(onCover.map((point) => spoken(point.where)));
    // Where the cover says a point is, it is: the card checks on the timeline's page.
    const pdf = parsePdf(new Uint8Array(stripe.fileContents(file) ?? Buffer.alloc(0)));
    const checks = onCover.find((point) => point.text?.includes('checks passed'));
    const page = Number(checks?.where?.replace('p. ', ''));
    expect(flat(pdf.pages[page - 1]?.text ?? '')).toContain('CVC check: pass');
    // What the draft step read: the cover's order and places, stored with the case.
    const { rows } = await db.pool.query<{ triage: { cover: { item: string; file: string | null }[] } }>(
      'SELECT triage FROM cases WHERE dispute_id = $1',
      [disputeId],
    );
    expect(rows[0]?.triage.cover.map((entry) => entry.item)).toEqual(['card_checks', 'customer_identity', 'receipt']);
  });
});
