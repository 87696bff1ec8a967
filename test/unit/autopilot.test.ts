import { describe, expect, it } from 'vitest';
import { type AutopilotRule, shouldAutoSubmit } from '../../src/cases/autopilot.js';

const rule = (reason: string, enabled: boolean): AutopilotRule => ({
  reason,
  enabled,
  setBy: 'slack:U0ALICE001',
  setAt: new Date('2026-01-01T00:00:00Z'),
});

describe('the autopilot rule', () => {
  it('submits a drafted case only when its reason is on autopilot', () => {
    expect(shouldAutoSubmit({ reason: 'duplicate' }, [rule('duplicate', true)])).toBe(true);
    expect(shouldAutoSubmit({ reason: 'fraudulent' }, [rule('duplicate', true)])).toBe(false);
  });

  it('leaves a case for a person when its reason was switched off, or has no rule', () => {
    expect(shouldAutoSubmit({ reason: 'duplicate' }, [rule('duplicate', false)])).toBe(false);
    expect(shouldAutoSubmit({ reason: 'duplicate' }, [])).toBe(false);
  });
});
