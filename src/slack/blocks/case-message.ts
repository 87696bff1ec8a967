// The Slack message of one case: everything a person needs to decide it, and after the decision, who did what
// and when. Pure: a CaseView and the time in, `{ text, blocks }` out, always within Block Kit's limits.
import type { types } from '@slack/bolt';
import type { CaseView } from '../../cases/view.js';
import {
  actorInWords,
  bulletList,
  capitalise,
  cardNetworkInWords,
  clip,
  escapeMrkdwn,
  formatAmount,
  plural,
  reasonInWords,
  relativeTime,
  slackDate,
  visibleText,
} from './format.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** The buttons' action ids; the listeners in listeners/actions/ are registered under the same names. */
export const CASE_ACTIONS = {
  approve: 'approve',
  edit: 'edit',
  auto: 'auto',
  accept: 'accept',
  retry: 'retry',
} as const;

/** Block Kit: section text ≤ 3,000, header ≤ 150, field ≤ 2,000 characters. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
/**
 * How much of the rebuttal the message shows. Slack refuses messages well below the documented block limits
 * once their blocks hold about 13,000 characters (bolt-js #2509), so the preview stays one section long.
 */
export const DRAFT_PREVIEW_CHARS = 2800;
/** Other sections stay short so the whole message stays far from that ceiling. */
const LIST_MAX = 1400;

export interface CaseMessage {
  /** The notification and screen-reader text; Slack shows it where blocks cannot be shown. */
  text: string;
  blocks: KnownBlock[];
}

export interface CaseMessageOptions {
  /** Who conceded the case and when (from the audit log), for accepted cases. */
  acceptedBy?: { actor: string; at: Date } | undefined;
}

/** Slack asks for new block ids in every version of a message: `case_<id>_v<n>`. */
export function blockIdPrefix(caseId: number, version: number): string {
  return `case_${caseId}_v${version}`;
}

/** The version a rendering of `view` becomes when posted or updated. */
export function nextMessageVersion(view: CaseView): number {
  return (view.slack?.version ?? 0) + 1;
}

export function caseMessage(view: CaseView, now: Date, options: CaseMessageOptions = {}): CaseMessage {
  const id = blockIdPrefix(view.caseId, nextMessageVersion(view));
  const { dispute } = view;
  const amount = formatAmount(dispute.amount, dispute.currency);
  const reason = reasonInWords(dispute.reason);
  const who = visibleText(dispute.customerName ?? dispute.customerEmail ?? 'unknown customer');

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: `${id}_header`,
      text: { type: 'plain_text', text: clip(`${amount} · ${reason} · ${who}`, HEADER_MAX), emoji: true },
    },
    { type: 'context', block_id: `${id}_badges`, elements: [{ type: 'mrkdwn', text: badges(view) }] },
    { type: 'section', block_id: `${id}_facts`, fields: facts(view, now) },
    {
      type: 'section',
      block_id: `${id}_status`,
      text: { type: 'mrkdwn', text: statusText(view, now, options) },
    },
  ];

  const triage = triageText(view);
  if (triage) blocks.push({ type: 'section', block_id: `${id}_triage`, text: { type: 'mrkdwn', text: triage } });
  const evidence = evidenceText(view);
  if (evidence) blocks.push({ type: 'section', block_id: `${id}_evidence`, text: { type: 'mrkdwn', text: evidence } });
  const packet = packetText(view);
  if (packet) blocks.push({ type: 'section', block_id: `${id}_packet`, text: { type: 'mrkdwn', text: packet } });

  blocks.push({ type: 'divider', block_id: `${id}_divider` });
  blocks.push(...draftBlocks(view, id));

  const buttons = actionButtons(view);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `${id}_actions`, elements: buttons });

  return { text: fallbackText(view, amount, reason, now, options), blocks };
}

function badges(view: CaseView): string {
  const parts = [`*${stateLabel(view)}*`, `case ${view.caseId}`];
  if (!view.dispute.livemode) parts.push('test mode');
  if (view.dispute.inquiry) parts.push('inquiry (no chargeback yet)');
  if (view.autopilot) parts.push(`${escapeMrkdwn(reasonInWords(view.dispute.reason))} is on autopilot`);
  return parts.join('  ·  ');
}

function stateLabel(view: CaseView): string {
  switch (view.state) {
    case 'new':
    case 'drafting':
      return 'Preparing';
    case 'awaiting_review':
      return 'Waiting for a decision';
    case 'submitting':
      return 'Submitting';
    case 'submitted':
      return 'Submitted';
    case 'accepting':
      return 'Accepting';
    case 'accepted':
      return 'Accepted';
    case 'won':
      return 'Won';
    case 'lost':
      return 'Lost';
    case 'closed':
      return 'Closed';
    case 'expired':
      return 'Expired';
    case 'failed':
      return 'Submission failed';
  }
}

function facts(view: CaseView, now: Date): types.MrkdwnElement[] {
  const { dispute } = view;
  const field = (label: string, value: string): types.MrkdwnElement => ({
    type: 'mrkdwn',
    text: `*${label}*\n${clip(value, FIELD_MAX - label.length - 3)}`,
  });
  const customer = [dispute.customerName, dispute.customerEmail]
    .filter((part): part is string => Boolean(part))
    .map((part) => escapeMrkdwn(visibleText(part)))
    .join('\n');
  const dashboard = `https://dashboard.stripe.com/${dispute.livemode ? '' : 'test/'}payments/${encodeURIComponent(dispute.chargeId)}`;
  return [
    field('Amount', formatAmount(dispute.amount, dispute.currency)),
    field('Reason', escapeMrkdwn(reasonInWords(dispute.reason))),
    field('Card network', cardNetworkInWords(dispute.network, dispute.cardBrand)),
    field('Customer', customer || 'Unknown'),
    field(
      'Respond by',
      dispute.dueBy ? `${slackDate(dispute.dueBy)} (${relativeTime(dispute.dueBy, now)})` : 'No deadline given',
    ),
    field('Automatic submission', automaticSubmission(view, now)),
    field('Dispute', `<${dashboard}|${escapeMrkdwn(dispute.id)}>`),
  ];
}

function automaticSubmission(view: CaseView, now: Date): string {
  if (!view.autoSubmitAt) return 'Not scheduled';
  const when = `${slackDate(view.autoSubmitAt)} (${relativeTime(view.autoSubmitAt, now)})`;
  if (view.state === 'awaiting_review' || view.state === 'failed') return when;
  return `~${when}~ no longer needed`;
}

function statusText(view: CaseView, now: Date, options: CaseMessageOptions): string {
  const problem = view.problem ? escapeMrkdwn(view.problem) : undefined;
  const submission = view.submission ? submissionLine(view, view.submission) : undefined;
  const reason = escapeMrkdwn(reasonInWords(view.dispute.reason));
  const accepted = options.acceptedBy
    ? `:white_flag: Accepted by ${actorInWords(options.acceptedBy.actor)} ${slackDate(options.acceptedBy.at)}: not fought.`
    : ':white_flag: Accepted: not fought.';
  const text = (() => {
    switch (view.state) {
      case 'new':
      case 'drafting':
        return ':hourglass_flowing_sand: Gathering the evidence and drafting the rebuttal…';
      case 'awaiting_review': {
        if (!view.autoSubmitAt) return ':eyes: Waiting for a decision.';
        const due = view.autoSubmitAt.getTime() <= now.getTime();
        return due
          ? ':eyes: Waiting for a decision. The review window has ended: rebut submits this rebuttal within a minute unless someone decides first.'
          : `:eyes: Waiting for a decision. rebut submits this rebuttal automatically ${slackDate(view.autoSubmitAt)} (${relativeTime(view.autoSubmitAt, now)}) unless someone decides first.`;
      }
      case 'submitting':
        return ':arrows_counterclockwise: Submitting the evidence to Stripe…';
      case 'submitted':
        return submission
          ? `${submission}\nStripe sends the evidence to the card issuer; this message changes when the issuer decides.`
          : `:information_source: Not submitted by rebut. ${problem ?? 'Evidence was already submitted for this dispute.'}`;
      case 'accepting':
        return ':arrows_counterclockwise: Closing the dispute on Stripe…';
      case 'accepted':
        return `${accepted} The dispute is closed on Stripe and counts as lost.`;
      case 'won':
        return [':trophy: *Won.* The issuer decided in your favour.', submission].filter(Boolean).join('\n');
      case 'lost':
        return [
          ':x: *Lost.* The issuer decided for the customer.',
          view.handledBy === 'accepted' ? accepted : submission,
        ]
          .filter(Boolean)
          .join('\n');
      case 'closed':
        return `:information_source: Closed on Stripe (${escapeMrkdwn(view.dispute.status.replaceAll('_', ' '))}).${problem ? ` ${problem}` : ''}`;
      case 'expired':
        return `:alarm_clock: *Expired.* ${problem ?? 'The deadline to respond passed without a submission.'}`;
      case 'failed':
        return [
          `:warning: *Submission failed.* ${problem ?? 'Stripe did not take the evidence.'}`,
          `Retry sends it again${view.dispute.dueBy ? ` (respond by ${slackDate(view.dispute.dueBy)})` : ''}. Nothing reached the issuer yet.`,
        ].join('\n');
    }
  })();
  const autopilotNote =
    view.autopilot && view.state === 'awaiting_review'
      ? `\n${reason} is on autopilot: new cases with this reason are submitted without review.`
      : '';
  return clip(text + autopilotNote, SECTION_MAX);
}

function submissionLine(view: CaseView, submission: NonNullable<CaseView['submission']>): string {
  const when = slackDate(submission.at);
  const reason = escapeMrkdwn(reasonInWords(view.dispute.reason));
  const edited = view.handledBy === 'edited' ? ' with a rebuttal edited in Slack' : '';
  switch (submission.trigger) {
    case 'approve':
      return `:white_check_mark: Submitted to Stripe by ${actorInWords(submission.actor)}${edited} ${when}.`;
    case 'autopilot':
      return submission.actor.startsWith('slack:')
        ? `:white_check_mark: Submitted to Stripe by ${actorInWords(submission.actor)} with *Auto* ${when}; ${reason} disputes are on autopilot from now on.`
        : `:robot_face: Submitted to Stripe by autopilot ${when}: ${reason} disputes are submitted without review. \`/disputes auto off ${escapeMrkdwn(view.dispute.reason)}\` turns it off.`;
    case 'timer':
      return `:white_check_mark: Submitted to Stripe automatically ${when}: nobody decided within the review window.`;
    default:
      return `:white_check_mark: Submitted to Stripe by ${actorInWords(submission.actor)} ${when}.`;
  }
}

function triageText(view: CaseView): string | undefined {
  if (!view.triage) return undefined;
  const { decision, reasons, gaps } = view.triage;
  const lines = [`*Triage recommends:* ${escapeMrkdwn(capitalise(decision.replaceAll('_', ' ')))}`];
  if (reasons.length > 0) lines.push(bulletList(reasons.map(escapeMrkdwn), LIST_MAX / 2));
  if (gaps.length > 0) {
    const sorted = [...gaps].sort((a, b) => b.weight - a.weight).map((gap) => escapeMrkdwn(gap.item));
    lines.push(`*Gaps that weaken the case:*\n${bulletList(sorted, LIST_MAX / 2)}`);
  }
  return clip(lines.join('\n'), SECTION_MAX);
}

function evidenceText(view: CaseView): string | undefined {
  const parts: string[] = [];
  if (view.checklist.length > 0) {
    const found = view.checklist.filter((entry) => entry.found).length;
    const lines = view.checklist.map(
      (entry) =>
        `${entry.found ? ':white_check_mark:' : ':x:'} ${escapeMrkdwn(entry.item)}${entry.found ? '' : ' (missing)'}`,
    );
    parts.push(`*Evidence: ${found} of ${view.checklist.length} found*\n${bulletList(lines, LIST_MAX, '')}`);
  }
  if (view.missingSources.length > 0) {
    const lines = view.missingSources.map((entry) => `*${escapeMrkdwn(entry.source)}*: ${escapeMrkdwn(entry.problem)}`);
    parts.push(`:warning: *Sources that did not answer*\n${bulletList(lines, LIST_MAX / 2)}`);
  }
  return parts.length > 0 ? clip(parts.join('\n'), SECTION_MAX) : undefined;
}

function packetText(view: CaseView): string | undefined {
  if (view.droppedEvidence.length === 0) return undefined;
  const lines = view.droppedEvidence.map((entry) => `${escapeMrkdwn(entry.what)}: ${escapeMrkdwn(entry.why)}`);
  return clip(`*Left out of the packet*\n${bulletList(lines, LIST_MAX)}`, SECTION_MAX);
}

function authorInWords(author: string): string {
  if (author.startsWith('slack:')) return `edited by ${actorInWords(author)}`;
  if (author.startsWith('llm:')) return `drafted by ${escapeMrkdwn(author.slice('llm:'.length))}`;
  if (author === 'template') return 'from the template';
  return `by ${escapeMrkdwn(author)}`;
}

function draftBlocks(view: CaseView, id: string): KnownBlock[] {
  const draft = view.draft;
  if (!draft) {
    return [
      {
        type: 'section',
        block_id: `${id}_draft`,
        text: { type: 'mrkdwn', text: '*Rebuttal*\nNot drafted yet.' },
      },
    ];
  }
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: `${id}_draft_title`,
      text: {
        type: 'mrkdwn',
        text: `*Rebuttal* (version ${draft.version}, ${authorInWords(draft.author)}, ${plural(draft.text.length, 'character')})`,
      },
    },
  ];
  const text = draft.text.trim();
  const cut = text.length > DRAFT_PREVIEW_CHARS;
  blocks.push({
    type: 'section',
    block_id: `${id}_draft`,
    // plain_text: the rebuttal is shown exactly as Stripe will receive it, with no mrkdwn formatting applied.
    text: { type: 'plain_text', text: cut ? clip(text, DRAFT_PREVIEW_CHARS) : text || '(empty)', emoji: false },
  });
  const notes: string[] = [];
  if (cut) {
    notes.push(
      `Showing the first ${DRAFT_PREVIEW_CHARS.toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')} characters. *Edit rebuttal* shows all of it; Stripe receives all of it.`,
    );
  }
  if (draft.fallbackReason)
    notes.push(`:information_source: The template draft is used: ${escapeMrkdwn(draft.fallbackReason)}`);
  if (notes.length > 0) {
    blocks.push({
      type: 'context',
      block_id: `${id}_draft_notes`,
      elements: notes.map((note) => ({ type: 'mrkdwn' as const, text: clip(note, SECTION_MAX) })),
    });
  }
  if (draft.findings.length > 0) {
    const heading = `:warning: *${plural(draft.findings.length, 'claim')} not backed by the evidence.* Keep ${draft.findings.length === 1 ? 'it' : 'them'} only if you know ${draft.findings.length === 1 ? 'it is' : 'they are'} true:`;
    blocks.push({
      type: 'section',
      block_id: `${id}_findings`,
      text: {
        type: 'mrkdwn',
        text: clip(`${heading}\n${bulletList(draft.findings.map(escapeMrkdwn), LIST_MAX)}`, SECTION_MAX),
      },
    });
  } else if (draft.needsReview) {
    blocks.push({
      type: 'context',
      block_id: `${id}_findings`,
      elements: [{ type: 'mrkdwn', text: ':eyes: The drafter asked for a careful review of this rebuttal.' }],
    });
  }
  return blocks;
}

function actionButtons(view: CaseView): Button[] {
  const value = String(view.caseId);
  const reason = reasonInWords(view.dispute.reason);
  const hasDraft = view.draft !== null;
  const approve: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.approve,
    text: { type: 'plain_text', text: 'Approve & submit', emoji: true },
    style: 'primary',
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Submit to Stripe?' },
      text: {
        type: 'plain_text',
        text: clip(
          `Send this rebuttal and the evidence packet to Stripe for ${view.dispute.id}. Stripe takes evidence for a dispute only once.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Submit' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const edit: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.edit,
    text: { type: 'plain_text', text: 'Edit rebuttal', emoji: true },
    value,
  };
  const auto: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.auto,
    text: { type: 'plain_text', text: 'Auto', emoji: true },
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Submit and use autopilot?' },
      text: {
        type: 'plain_text',
        text: clip(
          `Submit now and put ${reason} on autopilot: later ${reason} disputes are submitted as soon as they are drafted, without review.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Submit and automate' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const accept: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.accept,
    text: { type: 'plain_text', text: 'Accept', emoji: true },
    style: 'danger',
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Accept this dispute?' },
      text: {
        type: 'plain_text',
        text: 'Do not fight it: the dispute is closed on Stripe and counts as lost. This is irreversible.',
      },
      confirm: { type: 'plain_text', text: 'Accept dispute' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const retry: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.retry,
    text: { type: 'plain_text', text: 'Retry', emoji: true },
    style: 'primary',
    value,
  };
  switch (view.state) {
    case 'awaiting_review':
      return hasDraft ? [approve, edit, auto, accept] : [accept];
    case 'failed':
      return hasDraft ? [retry, edit, accept] : [accept];
    default:
      return [];
  }
}

function fallbackText(view: CaseView, amount: string, reason: string, now: Date, options: CaseMessageOptions): string {
  const head = `Dispute ${view.dispute.id}: ${amount}, ${reason.toLowerCase()}`;
  const tail = (() => {
    switch (view.state) {
      case 'awaiting_review':
        return view.autoSubmitAt
          ? `waiting for a decision; submitted automatically ${relativeTime(view.autoSubmitAt, now)}`
          : 'waiting for a decision';
      case 'submitted':
        return view.submission ? `submitted by ${plainActor(view.submission.actor)}` : 'already submitted elsewhere';
      case 'accepted':
        return options.acceptedBy ? `accepted by ${plainActor(options.acceptedBy.actor)}` : 'accepted';
      case 'failed':
        return `submission failed: ${view.problem ?? 'see the message'}`;
      default:
        return stateLabel(view).toLowerCase();
    }
  })();
  return clip(`${head} — ${tail}`, 1000);
}

function plainActor(actor: string): string {
  return actor.startsWith('slack:') ? `<@${actor.slice('slack:'.length)}>` : actor;
}
