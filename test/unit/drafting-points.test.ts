// The template's activity sentence says what the timeline under it shows: "after the payment" only when every entry is.
import { describe, expect, it } from 'vitest';
import type { SheetFact } from '../../src/drafting/fact-sheet.js';
import { activityAfterPayment } from '../../src/drafting/points.js';
import { REBUTTAL_MESSAGES } from '../../src/i18n/rebuttal.js';

const EN = REBUTTAL_MESSAGES.en;

const PAID_AT = Date.parse('2026-11-16T07:35:00Z');
const activity = (at: string, event: string): SheetFact => ({
  ref: `F${at}`,
  id: `sql.activity.${at}`,
  kind: 'activity',
  text: `${event} at ${at}`,
  at,
  source: 'sql',
  untrusted: false,
  data: { event },
});

describe('activityAfterPayment', () => {
  it('says "after the payment" when every entry came after it', () => {
    const facts = [activity('2026-11-16T08:35:00Z', 'login'), activity('2026-11-17T07:49:00Z', 'generated a design')];
    expect(activityAfterPayment(facts, PAID_AT, EN)).toBe(
      "The customer's logins and use after the payment are listed below.",
    );
  });

  it('says "before and after the payment" when the list also holds earlier entries', () => {
    const facts = [activity('2026-09-16T07:35:00Z', 'login'), activity('2026-11-17T07:49:00Z', 'generated a design')];
    expect(activityAfterPayment(facts, PAID_AT, EN)).toBe(
      "The customer's account activity, before and after the payment, is listed below.",
    );
  });

  it('names no payment when nothing came after it', () => {
    expect(activityAfterPayment([activity('2026-09-16T07:35:00Z', 'login')], PAID_AT, EN)).toBe(
      "The customer's account activity is listed below.",
    );
  });
});
