import { describe, expect, it } from 'vitest';
import {
  type AutopilotCandidate,
  type AutopilotRule,
  DEFAULT_CONDITIONS,
  evidenceFound,
  shouldAutoSubmit,
} from '../../src/cases/autopilot.js';
import { parseConditions } from '../../src/slack/listeners/commands/disputes.js';

const rule = (overrides: Partial<AutopilotRule> = {}): AutopilotRule => ({
  reason: 'duplicate',
  enabled: true,
  setBy: 'slack:U0ALICE001',
  setAt: new Date('2026-01-01T00:00:00Z'),
  ...DEFAULT_CONDITIONS,
  ...overrides,
});
const candidate = (overrides: Partial<AutopilotCandidate> = {}): AutopilotCandidate => ({
  reason: 'duplicate',
  amount: 4_900,
  currency: 'usd',
  decision: 'fight',
  evidenceFound: 0.8,
  draftAuthor: 'llm:gpt-4.1-mini',
  ...overrides,
});

describe('the autopilot rule', () => {
  it('submits a drafted case only when its reason is on autopilot', () => {
    expect(shouldAutoSubmit(candidate(), [rule()])).toBe(true);
    expect(shouldAutoSubmit(candidate({ reason: 'fraudulent' }), [rule()])).toBe(false);
    expect(shouldAutoSubmit(candidate(), [rule({ enabled: false })])).toBe(false);
    expect(shouldAutoSubmit(candidate(), [])).toBe(false);
  });

  it('by default never sends a case triage would not fight, as a careful owner (and OpenDisputes) would not', () => {
    for (const decision of ['accept', 'do_not_fight', 'review', null]) {
      expect(shouldAutoSubmit(candidate({ decision }), [rule()])).toBe(false);
    }
    expect(shouldAutoSubmit(candidate({ decision: 'do_not_fight' }), [rule({ verdict: 'any' })])).toBe(true);
  });

  it('holds to an amount range in its own currency only', () => {
    const upTo100 = rule({ currency: 'usd', maxAmount: 10_000 });
    expect(shouldAutoSubmit(candidate({ amount: 10_000 }), [upTo100])).toBe(true);
    expect(shouldAutoSubmit(candidate({ amount: 10_001 }), [upTo100])).toBe(false);
    expect(shouldAutoSubmit(candidate({ currency: 'eur', amount: 100 }), [upTo100])).toBe(false);
    expect(shouldAutoSubmit(candidate({ amount: 499 }), [rule({ currency: 'usd', minAmount: 500 })])).toBe(false);
  });

  it('asks for a least share of the evidence, and for whose draft may go', () => {
    expect(shouldAutoSubmit(candidate({ evidenceFound: 0.5 }), [rule({ minEvidence: 0.6 })])).toBe(false);
    expect(shouldAutoSubmit(candidate({ evidenceFound: 0.6 }), [rule({ minEvidence: 0.6 })])).toBe(true);
    expect(shouldAutoSubmit(candidate({ draftAuthor: 'template' }), [rule({ draftFrom: 'model' })])).toBe(false);
    expect(shouldAutoSubmit(candidate(), [rule({ draftFrom: 'template' })])).toBe(false);
    expect(shouldAutoSubmit(candidate({ draftAuthor: 'template' }), [rule({ draftFrom: 'template' })])).toBe(true);
  });

  it('measures the evidence found by weight', () => {
    expect(
      evidenceFound([
        { found: true, weight: 3 },
        { found: false, weight: 1 },
      ]),
    ).toBe(0.75);
    expect(evidenceFound([])).toBe(1);
  });
});

describe('/disputes auto on <reason> with conditions', () => {
  it('reads every condition as written', () => {
    expect(
      parseConditions(['min', '5', 'usd', 'max', '100', 'USD', 'evidence', '60%', 'model', 'any-verdict']),
    ).toEqual({
      currency: 'usd',
      minAmount: 500,
      maxAmount: 10_000,
      verdict: 'any',
      minEvidence: 0.6,
      draftFrom: 'model',
    });
    expect(parseConditions(['max', '5000', 'jpy'])).toMatchObject({ currency: 'jpy', maxAmount: 5_000 });
    expect(parseConditions([])).toEqual(DEFAULT_CONDITIONS);
  });

  it('answers a condition it cannot read instead of setting a broader rule', () => {
    expect(parseConditions(['max', '100'])).toContain('takes an amount and a currency');
    expect(parseConditions(['max', '100', 'usd', 'min', '5', 'eur'])).toContain('one currency');
    expect(parseConditions(['evidence', '150%'])).toContain('share of the evidence');
    expect(parseConditions(['cheap'])).toContain('`cheap` is not an autopilot condition');
    expect(parseConditions(['min', '100', 'usd', 'max', '5', 'usd'])).toContain('no dispute would match');
  });
});
