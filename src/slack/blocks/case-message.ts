// The Slack message of one case: everything a person needs to decide it, and after the decision, who did what
// and when. Pure: a CaseView and the time in, `{ text, blocks }` out, always within Block Kit's limits and within
// the total text Slack accepts in one message.

import type { types } from '@slack/bolt';
import type { CaseView } from '../../cases/view.js';
import { LANGUAGE_NAMES } from '../../dispute/language.js';
import { reasonInWords } from '../../dispute/reasons.js';
import { plural } from '../../text.js';
import {
  actorInWords,
  blocksTextLength,
  bulletList,
  capitalise,
  cardNetworkInWords,
  clip,
  escapeMrkdwn,
  fitMrkdwn,
  formatAmount,
  relativeTime,
  slackDate,
  visibleText,
} from './format.js';
import { fraudTypeInWords } from './warning-message.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** The buttons' action ids; the listeners in listeners/actions/ are registered under the same names. */
export const CASE_ACTIONS = {
  approve: 'approve',
  edit: 'edit',
  auto: 'auto',
  accept: 'accept',
  refund: 'refund_inquiry',
  retry: 'retry',
  hold: 'hold',
  fightAnyway: 'fight_anyway',
} as const;

/** Block Kit: section text ≤ 3,000, header ≤ 150, field ≤ 2,000 characters. */
const SECTION_MAX = 3000;
const HEADER_MAX = 150;
const FIELD_MAX = 2000;
/** How much of the rebuttal the message shows: one section's worth; *Edit rebuttal* shows all of it. */
export const DRAFT_PREVIEW_CHARS = 2800;
/** How long one list may run before "…and N more", so a normal case never comes near the budget below. */
const LIST_MAX = 1400;

/**
 * The most text the blocks of one case message hold together. Slack refuses a message with `msg_blocks_too_long`
 * at about 13,000 characters of text although every block is within its own limits (bolt-js #2509), and has refused
 * one whose text summed to 11,341 (bolt-js #2867); 10,000 leaves room for whatever else Slack counts.
 */
export const CASE_MESSAGE_TEXT_BUDGET = 10_000;

/**
 * The parts that give way when a message is over the budget, in the order they do: the long lists first, then text
 * others wrote (the template fallback reason, the customer's name, a problem), and the draft preview last.
 */
const SHRINK_ORDER = ['packet', 'evidence', 'findings', 'triage', 'fallback', 'customer', 'status', 'draft'] as const;
type Part = (typeof SHRINK_ORDER)[number];
/** The most characters each part may take. */
type Room = Record<Part, number>;

const FULL_ROOM: Room = {
  packet: SECTION_MAX,
  evidence: SECTION_MAX,
  findings: SECTION_MAX,
  triage: SECTION_MAX,
  fallback: SECTION_MAX,
  customer: FIELD_MAX - '*Customer*\n'.length,
  status: SECTION_MAX,
  draft: DRAFT_PREVIEW_CHARS,
};
/**
 * The least each part keeps: a heading, a line or two and "…and N more"; of the draft, its opening paragraphs.
 * At these floors a message about any Stripe dispute (reasons and ids of Stripe's length) holds about 5,000
 * characters, so the budget is always met, and the draft gives way only to text that is not Stripe's shape.
 */
const MIN_ROOM: Room = {
  packet: 300,
  evidence: 400,
  findings: 300,
  triage: 300,
  fallback: 200,
  customer: 200,
  status: 500,
  draft: 1000,
};

export interface CaseMessage {
  /** The notification and screen-reader text; Slack shows it where blocks cannot be shown. */
  text: string;
  blocks: KnownBlock[];
}

export interface CaseMessageOptions {
  /** Who conceded the case and when (from the audit log), for accepted cases; with the refund of an inquiry's. */
  acceptedBy?: { actor: string; at: Date; refunded?: { amount: number; currency: string } | null } | undefined;
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
  let room = FULL_ROOM;
  let rendered = render(view, now, options, room);
  let over = blocksTextLength(rendered.message.blocks) - CASE_MESSAGE_TEXT_BUDGET;
  for (const part of SHRINK_ORDER) {
    // Cut the part by what is still over; go again where that falls short (two lists share a section's room, a
    // shortened draft gains its note).
    while (over > 0 && rendered.texts[part].length > MIN_ROOM[part]) {
      room = { ...room, [part]: Math.max(MIN_ROOM[part], rendered.texts[part].length - over) };
      rendered = render(view, now, options, room);
      over = blocksTextLength(rendered.message.blocks) - CASE_MESSAGE_TEXT_BUDGET;
    }
  }
  return rendered.message;
}

/** The message with each part within its room, and each part's text as shown ('' where the case has none). */
function render(
  view: CaseView,
  now: Date,
  options: CaseMessageOptions,
  room: Room,
): { message: CaseMessage; texts: Record<Part, string> } {
  const id = blockIdPrefix(view.caseId, nextMessageVersion(view));
  const { dispute, draft } = view;
  const amount = formatAmount(dispute.amount, dispute.currency);
  const reason = reasonInWords(dispute.reason);
  const who = visibleText(dispute.customerName ?? dispute.customerEmail ?? 'unknown customer');
  const texts: Record<Part, string> = {
    packet: packetText(view, room.packet),
    evidence: evidenceText(view, room.evidence),
    findings: draft ? findingsText(draft.findings, room.findings) : '',
    triage: triageText(view, room.triage),
    fallback: draft?.fallbackReason ? fallbackNote(draft.fallbackReason, room.fallback) : '',
    customer: customerText(view, room.customer),
    status: statusText(view, now, options, room.status),
    draft: draft ? draftPreview(draft.text, room.draft) : '',
  };

  const blocks: KnownBlock[] = [
    {
      type: 'header',
      block_id: `${id}_header`,
      text: { type: 'plain_text', text: clip(`${amount} · ${reason} · ${who}`, HEADER_MAX), emoji: true },
    },
    { type: 'context', block_id: `${id}_badges`, elements: [{ type: 'mrkdwn', text: badges(view) }] },
    ...(view.warning
      ? [
          {
            type: 'context',
            block_id: `${id}_warning`,
            elements: [{ type: 'mrkdwn', text: warningLine(view, view.warning) }],
          } satisfies KnownBlock,
        ]
      : []),
    { type: 'section', block_id: `${id}_facts`, fields: facts(view, now, texts.customer) },
    { type: 'section', block_id: `${id}_status`, text: { type: 'mrkdwn', text: texts.status } },
  ];
  const section = (name: string, text: string): KnownBlock => ({
    type: 'section',
    block_id: `${id}_${name}`,
    text: { type: 'mrkdwn', text },
  });
  if (texts.triage) blocks.push(section('triage', texts.triage));
  if (texts.evidence) blocks.push(section('evidence', texts.evidence));
  if (texts.packet) blocks.push(section('packet', texts.packet));

  blocks.push({ type: 'divider', block_id: `${id}_divider` });
  blocks.push(...draftBlocks(view, id, texts, room.draft));

  const buttons = actionButtons(view);
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: `${id}_actions`, elements: buttons });

  return { message: { text: fallbackText(view, amount, reason, now, options), blocks }, texts };
}

/** The early fraud warning the issuer raised on this charge before the dispute, and what rebut did about it. */
function warningLine(view: CaseView, warning: NonNullable<CaseView['warning']>): string {
  const raised = `:rotating_light: An early fraud warning (${escapeMrkdwn(warning.id)}, ${escapeMrkdwn(fraudTypeInWords(warning.fraudType))}) came ${slackDate(warning.created)}`;
  if (warning.state === 'refunded') {
    return `${raised}; rebut refunded ${formatAmount(warning.refundedAmount ?? 0, view.dispute.currency)}${warning.refundId ? ` (${escapeMrkdwn(warning.refundId)})` : ''} then.`;
  }
  if (warning.state === 'left') return `${raised}; it was left without a refund.`;
  return `${raised}; its refund is ${warning.state === 'failed' ? 'failed' : 'not done'}.`;
}

function badges(view: CaseView): string {
  const parts = [`*${stateLabel(view)}*`, `case ${view.caseId}`];
  if (!view.dispute.livemode) parts.push('test mode');
  if (view.dispute.inquiry) parts.push('inquiry (no chargeback yet)');
  if (view.autopilot) parts.push(`${escapeMrkdwn(reasonInWords(view.dispute.reason))} is on autopilot`);
  if (view.urgent && view.state === 'awaiting_review')
    parts.push(':rotating_light: urgent: little time before the deadline');
  return parts.join('  ·  ');
}

function stateLabel(view: CaseView): string {
  switch (view.state) {
    case 'new':
    case 'drafting':
      return view.attentionAt ? 'Needs attention' : 'Preparing';
    case 'awaiting_review':
      return view.heldBy ? 'On hold' : 'Waiting for a decision';
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

function facts(view: CaseView, now: Date, customer: string): types.MrkdwnElement[] {
  const { dispute } = view;
  const field = (label: string, value: string): types.MrkdwnElement => ({
    type: 'mrkdwn',
    text: `*${label}*\n${clip(value, FIELD_MAX - label.length - 3)}`,
  });
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
    field(view.plan === 'submit' ? 'Automatic submission' : 'If nobody decides', automaticSubmission(view, now)),
    field('Dispute', `<${dashboard}|${escapeMrkdwn(dispute.id)}>`),
  ];
}

/** The customer's name and email as the card holder gave them, in at most `max` characters. */
function customerText(view: CaseView, max: number): string {
  const { customerName, customerEmail } = view.dispute;
  const parts = [customerName, customerEmail].filter((part): part is string => Boolean(part));
  return fitMrkdwn(parts.map(visibleText).join('\n'), max);
}

function automaticSubmission(view: CaseView, now: Date): string {
  if (view.heldBy && (view.state === 'awaiting_review' || view.state === 'failed')) {
    return 'Nothing: on hold until someone decides';
  }
  if (!view.autoSubmitAt) return 'Not scheduled';
  const when = `${slackDate(view.autoSubmitAt)} (${relativeTime(view.autoSubmitAt, now)})`;
  if (view.state !== 'awaiting_review' && view.state !== 'failed') return `~${when}~ no longer needed`;
  switch (view.plan) {
    case 'submit':
      return when;
    case 'accept':
      return `Accepted (not fought) ${when}`;
    case 'hold':
      return `Left to a person ${when}; nothing is sent`;
  }
}

/** What happens when the review window ends, as the status line says it. */
function planText(view: CaseView, now: Date): string {
  const at = view.autoSubmitAt;
  if (!at) return ':eyes: Waiting for a decision.';
  const when =
    at.getTime() <= now.getTime() ? 'within a minute' : `automatically ${slackDate(at)} (${relativeTime(at, now)})`;
  const deadline = view.dispute.dueBy
    ? `Stripe's deadline is ${slackDate(view.dispute.dueBy)} (${relativeTime(view.dispute.dueBy, now)})`
    : '';
  const urgent = view.urgent
    ? `:rotating_light: *Less time than usual.* ${deadline}, so rebut waits only a short while for a person.\n`
    : '';
  if (view.heldBy) {
    const lost = `If nobody acts before Stripe's deadline${view.dispute.dueBy ? ` (${slackDate(view.dispute.dueBy)})` : ''}, the dispute is lost by default and the ${formatAmount(view.dispute.amount, view.dispute.currency)} stays with the customer.`;
    const by = view.heldBy === 'timer' ? 'rebut leaves it to a person' : `held by ${actorInWords(view.heldBy)}`;
    return `:double_vertical_bar: *On hold* (${by}): rebut sends nothing to Stripe until someone decides. ${lost}`;
  }
  switch (view.plan) {
    case 'submit':
      return at.getTime() <= now.getTime()
        ? `${urgent}:eyes: Waiting for a decision. The review window has ended: rebut submits this rebuttal within a minute unless someone decides first.`
        : `${urgent}:eyes: Waiting for a decision. rebut submits this rebuttal ${when} unless someone decides first.`;
    case 'accept':
      return `${urgent}:eyes: Waiting for a decision. Triage says not to fight this dispute: nothing is sent to Stripe, and rebut accepts it (no countered fee) ${when} unless someone decides first. *Fight anyway* submits the rebuttal.`;
    case 'hold':
      return `${urgent}:eyes: Waiting for a decision. rebut will not decide this case alone: ${when} it stops waiting and leaves the case to a person, with reminders; nothing is sent to Stripe.`;
  }
}

function statusText(view: CaseView, now: Date, options: CaseMessageOptions, max: number): string {
  const problem = view.problem ? escapeMrkdwn(view.problem) : undefined;
  const submission = view.submission ? submissionLine(view, view.submission) : undefined;
  const reason = escapeMrkdwn(reasonInWords(view.dispute.reason));
  const refunded = options.acceptedBy?.refunded;
  const accepted = options.acceptedBy
    ? refunded
      ? `:leftwards_arrow_with_hook: Refunded ${formatAmount(refunded.amount, refunded.currency)} by ${actorInWords(options.acceptedBy.actor)} ${slackDate(options.acceptedBy.at)}, and the inquiry closed: it will not become a chargeback.`
      : `:white_flag: Accepted by ${actorInWords(options.acceptedBy.actor)} ${slackDate(options.acceptedBy.at)}: not fought.`
    : ':white_flag: Accepted: not fought.';
  const text = (() => {
    switch (view.state) {
      case 'new':
      case 'drafting':
        return view.attentionAt
          ? [
              `:warning: *Needs attention.* ${problem ?? 'rebut could not prepare this case.'}`,
              `Retry prepares it again; nothing has been sent to Stripe${view.dispute.dueBy ? ` (respond by ${slackDate(view.dispute.dueBy)})` : ''}.`,
            ].join('\n')
          : ':hourglass_flowing_sand: Gathering the evidence and drafting the rebuttal…';
      case 'awaiting_review':
        return planText(view, now);
      case 'submitting':
        return ':arrows_counterclockwise: Submitting the evidence to Stripe…';
      case 'submitted':
        return submission
          ? `${submission}\nStripe sends the evidence to the card issuer; this message changes when the issuer decides.`
          : `:information_source: Not submitted by rebut. ${problem ?? 'Evidence was already submitted for this dispute.'}`;
      case 'accepting':
        return ':arrows_counterclockwise: Closing the dispute on Stripe…';
      case 'accepted':
        return refunded ? accepted : `${accepted} The dispute is closed on Stripe and counts as lost.`;
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
        if (view.handledBy === 'accepted') {
          return [
            `:warning: *Accepting failed.* ${problem ?? 'Stripe did not close the dispute.'}`,
            'rebut closes it again every few minutes for an hour, and never submits evidence on it; Retry tries now.',
          ].join('\n');
        }
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
  return clip(text + autopilotNote, max);
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
    case 'smart_disputes':
      return (
        `:handshake: Left to Stripe's Smart Disputes ${when}: the cheapest path for this dispute (the figures are ` +
        'under Triage). Stripe answers it with its own evidence and keeps 30% of the amount if it wins; ' +
        '`SMART_DISPUTES=off` stops this.'
      );
    default:
      return `:white_check_mark: Submitted to Stripe by ${actorInWords(submission.actor)} ${when}.`;
  }
}

/**
 * Room for each of `lists` bullet lists that share a section of `max` characters with `fixed` characters of
 * headings, and at most `cap`.
 */
function listRoom(max: number, fixed: number, lists: number, cap: number): number {
  return Math.min(cap, Math.floor((max - fixed) / Math.max(1, lists)));
}

function triageText(view: CaseView, max: number): string {
  if (!view.triage) return '';
  const { decision, reasons, gaps } = view.triage;
  const recommends = decision === 'review' ? 'A person decides' : capitalise(decision.replaceAll('_', ' '));
  const heading = `*Triage recommends:* ${escapeMrkdwn(recommends)}`;
  const gapsHeading = '*Gaps that weaken the case:*';
  const fixed = heading.length + 1 + (gaps.length > 0 ? gapsHeading.length + 2 : 0);
  const room = listRoom(max, fixed, Number(reasons.length > 0) + Number(gaps.length > 0), LIST_MAX / 2);
  const lines = [heading];
  if (reasons.length > 0) lines.push(bulletList(reasons.map(escapeMrkdwn), room));
  if (gaps.length > 0) {
    const sorted = [...gaps].sort((a, b) => b.weight - a.weight).map((gap) => escapeMrkdwn(gap.item));
    lines.push(`${gapsHeading}\n${bulletList(sorted, room)}`);
  }
  return clip(lines.join('\n'), max);
}

function evidenceText(view: CaseView, max: number): string {
  const { checklist, missingSources } = view;
  const found = checklist.filter((entry) => entry.found).length;
  const checklistHeading = `*Evidence: ${found} of ${checklist.length} found*`;
  const sourcesHeading = ':warning: *Sources that did not answer*';
  const fixed =
    (checklist.length > 0 ? checklistHeading.length + 2 : 0) +
    (missingSources.length > 0 ? sourcesHeading.length + 2 : 0);
  const lists = Number(checklist.length > 0) + Number(missingSources.length > 0);
  const parts: string[] = [];
  if (checklist.length > 0) {
    const lines = checklist.map(
      (entry) =>
        `${entry.found ? ':white_check_mark:' : ':x:'} ${escapeMrkdwn(entry.item)}${entry.found ? '' : ' (missing)'}`,
    );
    parts.push(`${checklistHeading}\n${bulletList(lines, listRoom(max, fixed, lists, LIST_MAX), '')}`);
  }
  if (missingSources.length > 0) {
    const lines = missingSources.map((entry) => `*${escapeMrkdwn(entry.source)}*: ${escapeMrkdwn(entry.problem)}`);
    parts.push(`${sourcesHeading}\n${bulletList(lines, listRoom(max, fixed, lists, LIST_MAX / 2))}`);
  }
  return clip(parts.join('\n'), max);
}

function packetText(view: CaseView, max: number): string {
  if (view.droppedEvidence.length === 0) return '';
  const heading = '*Left out of the packet*\n';
  const lines = view.droppedEvidence.map((entry) => `${escapeMrkdwn(entry.what)}: ${escapeMrkdwn(entry.why)}`);
  return clip(`${heading}${bulletList(lines, listRoom(max, heading.length, 1, LIST_MAX))}`, max);
}

function findingsText(findings: string[], max: number): string {
  if (findings.length === 0) return '';
  const one = findings.length === 1;
  const heading = `:warning: *${plural(findings.length, 'claim')} not backed by the evidence.* Keep ${one ? 'it' : 'them'} only if you know ${one ? 'it is' : 'they are'} true:`;
  return clip(
    `${heading}\n${bulletList(findings.map(escapeMrkdwn), listRoom(max, heading.length + 1, 1, LIST_MAX))}`,
    max,
  );
}

function fallbackNote(reason: string, max: number): string {
  const note = ':information_source: The template draft is used: ';
  return `${note}${fitMrkdwn(reason, max - note.length)}`;
}

/** The start of the rebuttal, in at most `max` characters. */
function draftPreview(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length > max ? clip(trimmed, max) : trimmed || '(empty)';
}

function authorInWords(author: string): string {
  if (author.startsWith('slack:')) return `edited by ${actorInWords(author)}`;
  if (author.startsWith('llm:')) return `drafted by ${escapeMrkdwn(author.slice('llm:'.length))}`;
  if (author === 'template') return 'from the template';
  return `by ${escapeMrkdwn(author)}`;
}

function draftBlocks(view: CaseView, id: string, texts: Record<Part, string>, previewRoom: number): KnownBlock[] {
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
        // The business reads Slack in English; the bank reads the rebuttal in its own language, said here.
        text: `*Rebuttal* (${draft.language === 'en' ? '' : `in ${LANGUAGE_NAMES[draft.language]}, `}version ${draft.version}, ${authorInWords(draft.author)}, ${plural(draft.text.length, 'character')})`,
      },
    },
    {
      type: 'section',
      block_id: `${id}_draft`,
      // plain_text: the rebuttal is shown exactly as Stripe will receive it, with no mrkdwn formatting applied.
      text: { type: 'plain_text', text: texts.draft, emoji: false },
    },
  ];
  const length = draft.text.trim().length;
  const notes: string[] = [];
  if (length > previewRoom) {
    notes.push(
      `Showing the first ${previewRoom.toLocaleString('en-US')} of ${length.toLocaleString('en-US')} characters. *Edit rebuttal* shows all of it; Stripe receives all of it.`,
    );
  }
  if (texts.fallback) notes.push(texts.fallback);
  if (notes.length > 0) {
    blocks.push({
      type: 'context',
      block_id: `${id}_draft_notes`,
      elements: notes.map((note) => ({ type: 'mrkdwn' as const, text: note })),
    });
  }
  if (texts.findings) {
    blocks.push({ type: 'section', block_id: `${id}_findings`, text: { type: 'mrkdwn', text: texts.findings } });
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
  // Buttons that send the draft carry the version shown: a newer one (edited meanwhile) is not sent unseen.
  const withVersion = view.draft ? `${view.caseId}:${view.draft.version}` : value;
  const reason = reasonInWords(view.dispute.reason);
  const hasDraft = view.draft !== null;
  const approve: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.approve,
    text: { type: 'plain_text', text: 'Approve & submit', emoji: true },
    style: 'primary',
    value: withVersion,
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
    value: withVersion,
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
  // An inquiry may be ended the cheaper way (triage weighs it): the payment refunded, the inquiry closed.
  const refund: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.refund,
    text: { type: 'plain_text', text: 'Refund', emoji: true },
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Refund and close the inquiry?' },
      text: {
        type: 'plain_text',
        text: clip(
          `Refund what is left of the ${formatAmount(view.dispute.amount, view.dispute.currency)} payment to the customer and close the inquiry on Stripe: it cannot become a chargeback. This is irreversible.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Refund and close' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const refundIfInquiry = view.dispute.inquiry ? [refund] : [];
  const retry: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.retry,
    text: { type: 'plain_text', text: 'Retry', emoji: true },
    style: 'primary',
    value: withVersion,
  };
  const hold: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.hold,
    text: { type: 'plain_text', text: 'Hold', emoji: true },
    value,
    confirm: {
      title: { type: 'plain_text', text: 'Stop the timer?' },
      text: {
        type: 'plain_text',
        text: 'rebut will not submit or accept this case on its own. Reminders go on; if nobody decides before Stripe’s deadline, the dispute is lost by default.',
      },
      confirm: { type: 'plain_text', text: 'Hold' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const firstReason = view.triage?.reasons[0];
  const fightAnyway: Button = {
    type: 'button',
    action_id: CASE_ACTIONS.fightAnyway,
    text: { type: 'plain_text', text: 'Fight anyway', emoji: true },
    value: withVersion,
    confirm: {
      title: { type: 'plain_text', text: 'Fight it anyway?' },
      text: {
        type: 'plain_text',
        text: clip(
          `Triage says not to fight${firstReason ? ` (${firstReason})` : ''}. Submit this rebuttal and the evidence to Stripe anyway? Stripe charges its countered fee, returned only on a win.`,
          300,
        ),
      },
      confirm: { type: 'plain_text', text: 'Submit anyway' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  const holdIfRunning = view.heldBy ? [] : [hold];
  switch (view.state) {
    case 'new':
    case 'drafting':
      return view.attentionAt ? [{ ...retry, value }, accept] : [];
    case 'awaiting_review':
      if (!hasDraft) return [accept];
      return triageSaysFight(view)
        ? [approve, ...refundIfInquiry, edit, auto, accept, ...holdIfRunning]
        : [fightAnyway, ...refundIfInquiry, edit, accept, ...holdIfRunning];
    case 'failed':
      return hasDraft ? [retry, edit, accept, ...holdIfRunning] : [accept];
    default:
      return [];
  }
}

/** Triage recommends fighting (or made no recommendation: a case prepared before triage). */
function triageSaysFight(view: CaseView): boolean {
  return !view.triage || view.triage.decision === 'fight';
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
