import { describe, expect, it } from 'vitest';
import type { StoredWarning } from '../../src/db/warnings.js';
import { caseMessage } from '../../src/slack/blocks/case-message.js';
import { blocksTextLength } from '../../src/slack/blocks/format.js';
import {
  WARNING_ACTIONS,
  WARNING_BATCH_MAX,
  warningBatchMessage,
  warningMessage,
} from '../../src/slack/blocks/warning-message.js';
import { caseViewFixture } from '../support/cases.js';

function warning(overrides: Partial<StoredWarning> = {}): StoredWarning {
  return {
    id: 'issfr_1Test',
    product: 'default',
    account: null,
    livemode: false,
    chargeId: 'ch_1Test',
    customerId: 'cus_1Test',
    fraudType: 'made_with_stolen_card',
    actionable: true,
    amount: 1200,
    amountRefunded: 0,
    currency: 'usd',
    created: new Date('2026-03-01T12:00:00Z'),
    recommendation: 'refund',
    unattended: 'refund',
    reasons: ['The charge is at most the dispute fee.', 'Leaving it is expected to cost 21.60 USD.'],
    figures: { disputeRate: 0.8, rateSource: 'default', leaveCost: 2160, refundCost: 1200 },
    state: 'pending',
    actAt: new Date('2026-03-02T12:00:00Z'),
    decidedBy: null,
    decidedAt: null,
    refundId: null,
    refundedAmount: null,
    canceledSubscriptions: null,
    disputeId: null,
    caseId: null,
    problem: null,
    slack: null,
    ...overrides,
  };
}

function buttons(message: ReturnType<typeof warningMessage>): string[] {
  return message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.map((element) => ('action_id' in element ? (element.action_id ?? '') : ''))
      : [],
  );
}

describe('the early fraud warning message', () => {
  it('a waiting warning shows the facts, the recommendation with its reasons, when rebut acts, and Refund and Leave', () => {
    const message = warningMessage(warning());
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('Early fraud warning: $12.00 · stolen card');
    expect(text).toContain('*Recommendation: Refund.* The charge is at most the dispute fee.');
    expect(text).toContain('Leaving it is expected to cost 21.60 USD.');
    expect(text).toContain('If nobody decides, rebut refunds it <!date^');
    expect(buttons(message)).toEqual([WARNING_ACTIONS.refund, WARNING_ACTIONS.leave]);
    expect(message.text).toContain('Refund: The charge is at most the dispute fee.');
  });

  it('a warning that asks a person says nobody deciding leaves it', () => {
    const text = JSON.stringify(warningMessage(warning({ recommendation: 'ask', unattended: 'leave' })).blocks);
    expect(text).toContain('*Recommendation: A person decides.*');
    expect(text).toContain('If nobody decides, rebut leaves it (no refund)');
  });

  it('once refunded, it says how much, by whom and the refund, and has no buttons', () => {
    const message = warningMessage(
      warning({ state: 'refunded', decidedBy: 'slack:U0ALICE001', refundId: 're_1Test', refundedAmount: 1200 }),
    );
    expect(JSON.stringify(message.blocks)).toContain('Refunded $12.00 by <@U0ALICE001> (re_1Test).');
    expect(buttons(message)).toEqual([]);
  });

  it("says which of the customer's subscriptions were canceled with the refund", () => {
    const text = JSON.stringify(
      warningMessage(
        warning({
          state: 'refunded',
          decidedBy: 'policy',
          refundId: 're_1Test',
          refundedAmount: 1200,
          canceledSubscriptions: ['sub_1Test'],
        }),
      ).blocks,
    );
    expect(text).toContain("The customer's subscription sub_1Test is canceled: no more charges.");
  });

  it('left by the policy because the charge was disputed: says why, names the dispute and its case', () => {
    const message = warningMessage(
      warning({
        state: 'left',
        recommendation: 'leave',
        decidedBy: 'policy',
        reasons: ['The charge is already disputed: a refund cannot stop the dispute.'],
        disputeId: 'du_1Test',
        caseId: 7,
      }),
    );
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*Recommendation: Leave.* The charge is already disputed');
    expect(text).toContain('*Disputed:* du_1Test (case #7, its own message)');
    expect(text).toContain('No refund by rebut (the review window ended).');
    expect(buttons(message)).toEqual([]);
  });

  it('a refund Stripe refused says so', () => {
    const text = JSON.stringify(
      warningMessage(warning({ state: 'failed', problem: 'Stripe refused the refund: amount too large' })).blocks,
    );
    expect(text).toContain('The refund failed: Stripe refused the refund: amount too large.');
  });
});

describe('a case whose charge had an early fraud warning', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  it('says so on the case message, with the refund rebut made before the dispute', () => {
    const view = caseViewFixture({
      warning: {
        id: 'issfr_1Test',
        fraudType: 'made_with_stolen_card',
        created: new Date('2026-02-20T12:00:00Z'),
        state: 'refunded',
        refundId: 're_1Test',
        refundedAmount: 4900,
      },
    });
    const text = JSON.stringify(caseMessage(view, now).blocks);
    expect(text).toContain('An early fraud warning (issfr_1Test, stolen card) came <!date^');
    expect(text).toContain('rebut refunded $49.00 (re_1Test) then.');
  });

  it('a case without one shows no such line', () => {
    expect(JSON.stringify(caseMessage(caseViewFixture(), now).blocks)).not.toContain('early fraud warning');
  });
});

describe('a burst of warnings in one message', () => {
  const many = Array.from({ length: WARNING_BATCH_MAX }, (_, index) =>
    warning({
      id: `issfr_${index}`,
      chargeId: `ch_${index}`,
      reasons: [
        'The charge is already disputed: a refund cannot stop the dispute (Stripe refuses refunds on charged-back charges); the dispute is answered as a case.',
      ],
      state: index % 2 === 0 ? 'pending' : 'left',
      recommendation: index % 2 === 0 ? 'refund' : 'leave',
    }),
  );

  it('shows each warning with its own Refund while it waits, and Refund / Leave for the message, within Slack’s limits', () => {
    const message = warningBatchMessage(many);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain(`${WARNING_BATCH_MAX} early fraud warnings`);
    expect(text).toContain('Refund the 10 recommended');
    expect(text).toContain('Leave the 10 waiting');
    const accessories = message.blocks.filter(
      (block) => block.type === 'section' && 'accessory' in block && block.accessory,
    );
    expect(accessories).toHaveLength(10);
    // Slack refuses a message whose blocks hold more than about 11,000 characters, and more than 50 blocks.
    expect(blocksTextLength(message.blocks)).toBeLessThan(10_000);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
  });

  it('once every warning is decided, the message has no buttons', () => {
    const decided = many.map((item) => ({ ...item, state: 'left' as const }));
    expect(JSON.stringify(warningBatchMessage(decided).blocks)).not.toContain('"type":"button"');
  });
});
