import { describe, expect, it } from 'vitest';
import { isoWeek } from '../../src/dates.js';
import { digestMessage } from '../../src/slack/blocks/digest.js';
import { type Digest, digestDue } from '../../src/stats/digest.js';

function digestFixture(overrides: Partial<Digest> = {}): Digest {
  return {
    week: '2026-W50',
    from: new Date('2026-11-30T09:00:00Z'),
    to: new Date('2026-12-07T09:00:00Z'),
    channel: 'C0DISPUTES',
    postedTs: null,
    won: 3,
    lost: 1,
    money: [
      { currency: 'eur', recovered: 2_000, lost: 0, fees: 2_000 },
      { currency: 'usd', recovered: 14_700, lost: 4_900, fees: 6_000 },
    ],
    open: { within24h: 1, within72h: 2, later: 5 },
    needsPerson: [
      { caseId: 7, disputeId: 'du_held', amount: 4_900, currency: 'usd', why: 'held' },
      { caseId: 8, disputeId: 'du_stuck', amount: 12_000, currency: 'usd', why: 'attention' },
    ],
    ...overrides,
  };
}

function textOf(message: ReturnType<typeof digestMessage>): string {
  return message.blocks.map((block) => (block.type === 'section' ? (block.text?.text ?? '') : '')).join('\n');
}

describe('the weekly digest', () => {
  it('is due from its day and hour (UTC) for a day, and names its ISO week', () => {
    const monday9 = { day: 'monday', hour: 9 } as const;
    expect(digestDue(new Date('2026-12-07T08:59:00Z'), monday9)).toBeUndefined();
    expect(digestDue(new Date('2026-12-07T09:00:00Z'), monday9)).toEqual({
      week: '2026-W50',
      from: new Date('2026-11-30T09:00:00Z'),
      to: new Date('2026-12-07T09:00:00Z'),
    });
    expect(digestDue(new Date('2026-12-08T08:59:00Z'), monday9)?.week).toBe('2026-W50');
    // Every instance was down for more than a day: that week's digest is skipped, the next comes on its day.
    expect(digestDue(new Date('2026-12-08T09:00:00Z'), monday9)).toBeUndefined();
    expect(digestDue(new Date('2026-12-13T23:00:00Z'), { day: 'sunday', hour: 22 })?.week).toBe('2026-W50');
  });

  it('numbers weeks as ISO 8601 does across the turn of a year', () => {
    expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });

  it('says the money by currency, the win rate, the deadlines ahead and who waits for a person', () => {
    const text = textOf(digestMessage(digestFixture()));
    expect(text).toContain('*Disputes this week*');
    expect(text).toContain('Won 3 of 4 decided disputes (*75%*).');
    expect(text).toContain('Recovered €20.00 + $147.00 · lost $49.00 · Stripe dispute fees €20.00 + $60.00');
    expect(text).toContain('*Open cases:* 1 due within 24 hours · 2 within 72 hours · 5 later');
    expect(text).toContain('*Waiting for a person (2):*');
    expect(text).toContain('• du_held · $49.00 · on hold: rebut will not act on it');
    expect(text).toContain('• du_stuck · $120.00 · could not be prepared: needs attention');
  });

  it('a quiet week says so instead of showing empty figures', () => {
    const text = textOf(
      digestMessage(
        digestFixture({ won: 0, lost: 0, money: [], open: { within24h: 0, within72h: 0, later: 0 }, needsPerson: [] }),
      ),
    );
    expect(text).toContain('No dispute was decided this week.');
    expect(text).toContain('Recovered nothing · lost nothing · Stripe dispute fees nothing');
    expect(text).toContain('*Open cases:* none');
    expect(text).toContain('nobody’s decision is needed');
  });
});
