import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../sandbox/slack/index.js';
import { actionAlone } from '../../src/cases/act-alone.js';
import { CASE_ACTIONS, caseMessage } from '../../src/slack/blocks/case-message.js';
import { reminderText } from '../../src/slack/blocks/reminder.js';
import { caseViewFixture } from '../support/cases.js';

const NOW = new Date('2026-03-02T12:00:00Z');

function actionIds(message: { blocks: unknown[] }): string[] {
  const actions = message.blocks.find(
    (block): block is { type: 'actions'; elements: { action_id: string }[] } =>
      (block as { type?: string }).type === 'actions',
  );
  return actions?.elements.map((element) => element.action_id) ?? [];
}

const text = (message: { text: string; blocks: unknown[] }) => JSON.stringify(message.blocks);

describe('what rebut does when the review window ends and nobody decided', () => {
  it('submits a case triage says to fight, or one prepared before triage', () => {
    expect(actionAlone({ decision: 'fight', heldBy: null }, 'accept')).toBe('submit');
    expect(actionAlone({ decision: null, heldBy: null }, 'accept')).toBe('submit');
  });

  it('does with a case triage says not to fight what UNWINNABLE_ACTION says', () => {
    for (const decision of ['accept', 'do_not_fight']) {
      expect(actionAlone({ decision, heldBy: null }, 'accept')).toBe('accept');
      expect(actionAlone({ decision, heldBy: null }, 'hold')).toBe('hold');
      expect(actionAlone({ decision, heldBy: null }, 'submit')).toBe('submit');
    }
  });

  it('leaves to a person a case triage could not weigh, and any case on hold, whatever the setting', () => {
    expect(actionAlone({ decision: 'review', heldBy: null }, 'submit')).toBe('hold');
    expect(actionAlone({ decision: 'fight', heldBy: 'slack:U0ALICE001' }, 'submit')).toBe('hold');
  });
});

describe('the case message says what happens if nobody decides', () => {
  it('a case triage says not to fight offers Fight anyway instead of Approve, and says it will be accepted', () => {
    const view = caseViewFixture({
      plan: 'accept',
      triage: { decision: 'do_not_fight', reasons: ['None of the evidence this reason stands on was found'], gaps: [] },
    });
    const message = caseMessage(view, NOW);
    expect(actionIds(message)).toEqual([
      CASE_ACTIONS.fightAnyway,
      CASE_ACTIONS.edit,
      CASE_ACTIONS.accept,
      CASE_ACTIONS.hold,
    ]);
    expect(text(message)).toContain('Triage says not to fight this dispute: nothing is sent to Stripe');
    expect(text(message)).toContain('*If nobody decides*\\nAccepted (not fought)');
    expect(text(message)).toContain('None of the evidence this reason stands on was found');
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
  });

  it('a case on hold says nothing is sent and what is lost by default, and offers no second Hold', () => {
    const message = caseMessage(caseViewFixture({ heldBy: 'slack:U0ALICE001', plan: 'hold' }), NOW);
    expect(text(message)).toContain(
      '*On hold* (held by <@U0ALICE001>): rebut sends nothing to Stripe until someone decides',
    );
    expect(text(message)).toContain('the dispute is lost by default and the $49.00 stays with the customer');
    expect(text(message)).toContain('Nothing: on hold until someone decides');
    expect(actionIds(message)).toEqual([
      CASE_ACTIONS.approve,
      CASE_ACTIONS.edit,
      CASE_ACTIONS.auto,
      CASE_ACTIONS.accept,
    ]);
  });

  it('an urgent case says plainly that there is less time than usual', () => {
    const message = caseMessage(caseViewFixture({ urgent: true }), NOW);
    expect(text(message)).toContain('urgent: little time before the deadline');
    expect(text(message)).toContain('*Less time than usual.*');
  });

  it('a case that could not be prepared says what went wrong and offers Retry and Accept', () => {
    const view = caseViewFixture({
      state: 'new',
      draft: null,
      attentionAt: NOW,
      problem: 'An evidence source did not answer (http: https://example.com answered 503).',
    });
    const message = caseMessage(view, NOW);
    expect(text(message)).toContain(':warning: *Needs attention.* An evidence source did not answer');
    expect(text(message)).toContain('Retry prepares it again; nothing has been sent to Stripe');
    expect(actionIds(message)).toEqual([CASE_ACTIONS.retry, CASE_ACTIONS.accept]);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
  });

  it('a case still being prepared, not stuck, has no buttons', () => {
    expect(actionIds(caseMessage(caseViewFixture({ state: 'new', draft: null }), NOW))).toEqual([]);
  });
});

describe('reminders', () => {
  it('the last reminder of a case on hold says what is lost if nobody acts before the deadline', () => {
    const reminder = reminderText(caseViewFixture({ heldBy: 'slack:U0ALICE001' }), NOW, ['U0ALICE001']);
    expect(reminder).toContain('<@U0ALICE001> Nobody has decided this case yet. It is on hold');
    expect(reminder).toContain('the dispute is lost by default and the $49.00 stays with the customer');
  });

  it('a reminder says what rebut will do: submit, accept, or leave it to a person', () => {
    expect(reminderText(caseViewFixture({ plan: 'submit' }), NOW, [])).toContain('rebut submits the rebuttal above');
    expect(reminderText(caseViewFixture({ plan: 'accept' }), NOW, [])).toContain('rebut accepts the dispute');
    expect(reminderText(caseViewFixture({ plan: 'hold' }), NOW, [])).toContain('leaves the case to a person');
  });
});
