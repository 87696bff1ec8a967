// An early fraud warning's Slack message: the facts, the policy's recommendation with its arithmetic, what happens if
// nobody decides, and Refund / Leave while it waits. A pure function of the stored warning.
import type { types } from '@slack/bolt';
import type { StoredWarning } from '../../db/warnings.js';
import { actorInWords, clip, escapeMrkdwn, formatAmount, slackDate } from './format.js';

export const WARNING_ACTIONS = { refund: 'warning_refund', leave: 'warning_leave' } as const;

/** Block Kit: section text ≤ 3,000 characters. */
const SECTION_MAX = 3000;

const FRAUD_TYPE_WORDS: Record<string, string> = {
  card_never_received: 'card never received',
  fraudulent_card_application: 'card opened in another person’s name',
  made_with_counterfeit_card: 'counterfeit card',
  made_with_lost_card: 'lost card',
  made_with_stolen_card: 'stolen card',
  misc: 'other fraud',
  unauthorized_use_of_card: 'unauthorised use of the card',
};

export function fraudTypeInWords(type: string): string {
  return FRAUD_TYPE_WORDS[type] ?? type.replaceAll('_', ' ');
}

const RECOMMENDATION_WORDS = { refund: 'Refund', ask: 'A person decides', leave: 'Leave' } as const;

type Block = types.KnownBlock;

export interface WarningMessage {
  text: string;
  blocks: Block[];
}

/** What the warning's state means, in one line. */
export function warningStatus(warning: StoredWarning): string {
  const by = warning.decidedBy ? ` by ${actorInWords(decider(warning.decidedBy))}` : '';
  switch (warning.state) {
    case 'pending': {
      const then = warning.unattended === 'refund' ? 'refunds it' : 'leaves it (no refund)';
      return warning.actAt
        ? `:hourglass: Waiting for a person. If nobody decides, rebut ${then} ${slackDate(warning.actAt)}.`
        : `:hourglass: Waiting for a person. If nobody decides, rebut ${then} once the review window has passed.`;
    }
    case 'refunding':
      return `:arrows_counterclockwise: Refunding${by}…${warning.problem ? ` (${escapeMrkdwn(warning.problem)})` : ''}`;
    case 'refunded':
      return `:white_check_mark: Refunded ${formatAmount(warning.refundedAmount ?? 0, warning.currency)}${by}${warning.refundId ? ` (${escapeMrkdwn(warning.refundId)})` : ''}.`;
    case 'left':
      return `:no_entry_sign: No refund${by}.${warning.problem ? ` ${escapeMrkdwn(capitalised(warning.problem))}.` : ''}`;
    case 'failed':
      return `:warning: The refund failed: ${escapeMrkdwn(warning.problem ?? 'no reason given')}. Refund it on Stripe if it should be.`;
  }
}

function decider(actor: string): string {
  return actor === 'policy' ? 'rebut (the review window ended)' : actor === 'stripe' ? 'Stripe' : actor;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/[.]$/, '');
}

export function warningMessage(warning: StoredWarning): WarningMessage {
  const amount = formatAmount(warning.amount, warning.currency);
  const refunded =
    warning.amountRefunded > 0 ? ` (${formatAmount(warning.amountRefunded, warning.currency)} refunded)` : '';
  const title = `Early fraud warning: ${amount} · ${fraudTypeInWords(warning.fraudType)}`;
  const facts = [
    `*Charge:* ${escapeMrkdwn(warning.chargeId)}, ${amount}${refunded}`,
    `*Fraud type:* ${escapeMrkdwn(fraudTypeInWords(warning.fraudType))}`,
    `*Raised:* ${slackDate(warning.created)}`,
    `*Warning:* ${escapeMrkdwn(warning.id)}${warning.livemode ? '' : ' (test mode)'}`,
  ];
  if (warning.customerId) facts.push(`*Customer:* ${escapeMrkdwn(warning.customerId)}`);
  if (warning.disputeId) {
    facts.push(
      `*Disputed:* ${escapeMrkdwn(warning.disputeId)}${warning.caseId ? ` (case #${warning.caseId}, its own message)` : ''}`,
    );
  }
  const [first, ...rest] = warning.reasons;
  const recommendation = `*Recommendation: ${RECOMMENDATION_WORDS[warning.recommendation]}.* ${escapeMrkdwn(first ?? '')}`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(facts.join('\n'), SECTION_MAX) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(recommendation, SECTION_MAX) } },
  ];
  if (rest.length > 0) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: clip(rest.map((line) => `• ${escapeMrkdwn(line)}`).join('\n'), SECTION_MAX) }],
    });
  }
  const canceled = warning.canceledSubscriptions ?? [];
  const status =
    canceled.length > 0
      ? `${warningStatus(warning)} The customer's ${canceled.length === 1 ? 'subscription' : 'subscriptions'} ${canceled.map(escapeMrkdwn).join(', ')} ${canceled.length === 1 ? 'is' : 'are'} canceled: no more charges.`
      : warningStatus(warning);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(status, SECTION_MAX) } });
  if (warning.state === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: `warning_${warning.id}_actions`,
      elements: [
        {
          type: 'button',
          action_id: WARNING_ACTIONS.refund,
          text: { type: 'plain_text', text: 'Refund', emoji: true },
          style: warning.recommendation === 'refund' ? 'primary' : 'danger',
          value: warning.id,
          confirm: {
            title: { type: 'plain_text', text: 'Refund this charge?' },
            text: {
              type: 'plain_text',
              text: clip(
                `Refund what is left of ${amount} on ${warning.chargeId} to the card, as fraudulent. A refund cannot be undone.`,
                300,
              ),
            },
            confirm: { type: 'plain_text', text: 'Refund' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        {
          type: 'button',
          action_id: WARNING_ACTIONS.leave,
          text: { type: 'plain_text', text: 'Leave', emoji: true },
          value: warning.id,
        },
      ],
    });
  }
  const text = `${title}. ${RECOMMENDATION_WORDS[warning.recommendation]}: ${first ?? ''}`;
  return { text: clip(text, 3000), blocks };
}

/** Warnings arriving together (a burst) are shown in one message, at most this many in each. */
export const WARNING_BATCH_MAX = 20;

export const WARNING_BATCH_ACTIONS = {
  refundRecommended: 'warning_batch_refund',
  leaveAll: 'warning_batch_leave',
} as const;

/** One line of a batch: what the warning is, what rebut recommends, and where it stands. */
function batchLine(warning: StoredWarning): string {
  const what = `*${formatAmount(warning.amount, warning.currency)}* · ${escapeMrkdwn(fraudTypeInWords(warning.fraudType))} · ${escapeMrkdwn(warning.chargeId)}`;
  const why = warning.reasons[0] ? ` ${escapeMrkdwn(warning.reasons[0])}` : '';
  return `${what}\n_${RECOMMENDATION_WORDS[warning.recommendation]}._${why}\n${warningStatus(warning)}`;
}

/**
 * Several warnings in one message: a section each (with its own Refund while it waits), then Refund for every one whose
 * recommendation is a refund, and Leave for every one still waiting. Those two carry the first warning's id, which
 * names the message: they act on the warnings shown in it, each through the same compare-and-set as a single
 * warning's buttons.
 */
export function warningBatchMessage(warnings: readonly StoredWarning[]): WarningMessage {
  const anchor = warnings[0]?.id ?? '';
  const waiting = warnings.filter((warning) => warning.state === 'pending');
  const recommended = waiting.filter((warning) => warning.recommendation === 'refund');
  const title = `${warnings.length} early fraud warnings`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `${waiting.length} waiting for a person (${recommended.length} recommended for a refund). Each is decided on its own if nobody does.`,
        },
      ],
    },
  ];
  for (const warning of warnings.slice(0, WARNING_BATCH_MAX)) {
    blocks.push({
      type: 'section',
      block_id: `warning_${warning.id}`,
      text: { type: 'mrkdwn', text: clip(batchLine(warning), SECTION_MAX) },
      ...(warning.state === 'pending'
        ? {
            accessory: {
              type: 'button',
              action_id: WARNING_ACTIONS.refund,
              text: { type: 'plain_text', text: 'Refund', emoji: true },
              value: warning.id,
            },
          }
        : {}),
    });
  }
  if (waiting.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'warning_batch_actions',
      elements: [
        ...(recommended.length > 0
          ? [
              {
                type: 'button' as const,
                action_id: WARNING_BATCH_ACTIONS.refundRecommended,
                text: {
                  type: 'plain_text' as const,
                  text: `Refund the ${recommended.length} recommended`,
                  emoji: true,
                },
                style: 'primary' as const,
                value: anchor,
                confirm: {
                  title: { type: 'plain_text' as const, text: 'Refund these charges?' },
                  text: {
                    type: 'plain_text' as const,
                    text: `Refund the ${recommended.length} charges rebut recommends refunding, as fraudulent. A refund cannot be undone.`,
                  },
                  confirm: { type: 'plain_text' as const, text: 'Refund' },
                  deny: { type: 'plain_text' as const, text: 'Cancel' },
                },
              },
            ]
          : []),
        {
          type: 'button' as const,
          action_id: WARNING_BATCH_ACTIONS.leaveAll,
          text: { type: 'plain_text' as const, text: `Leave the ${waiting.length} waiting`, emoji: true },
          value: anchor,
        },
      ],
    });
  }
  return { text: `${title}: ${waiting.length} waiting for a person.`, blocks };
}
