import { describe, expect, it } from 'vitest';
import {
  DISPUTE_REASONS,
  isDisputeReason,
  PLAYBOOK_REASONS,
  playbookReason,
  reasonInPacket,
  reasonInWords,
} from '../../src/dispute/reasons.js';

describe('dispute reasons', () => {
  it('lists the fifteen reasons Stripe documents, each with a playbook of its own', () => {
    expect(DISPUTE_REASONS).toHaveLength(15);
    expect([...PLAYBOOK_REASONS].sort()).toEqual([...DISPUTE_REASONS].sort());
    for (const reason of DISPUTE_REASONS) expect(playbookReason(reason)).toBe(reason);
  });

  it('reads a reason shortly in Slack and spells out what the cardholder claims in the evidence file', () => {
    expect(reasonInWords('fraudulent')).toBe('Fraudulent');
    expect(reasonInPacket('fraudulent')).toBe('Fraudulent (cardholder says the payment was not authorized)');
    expect(reasonInWords('duplicate')).toBe('Duplicate charge');
    expect(reasonInPacket('duplicate')).toBe('Duplicate charge');
  });

  it('shows a reason Stripe adds later in words, and never mistakes an object property for a reason', () => {
    expect(reasonInWords('new_reason')).toBe('New reason');
    expect(reasonInPacket('new_reason')).toBe('new reason');
    expect(isDisputeReason('constructor')).toBe(false);
    expect(reasonInWords('constructor')).toBe('Constructor');
    expect(playbookReason('constructor')).toBe('general');
  });
});
