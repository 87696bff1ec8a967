// The short ephemeral answers to a click or a command: what happened, in a sentence, for the person who acted.
import type { AcceptOutcome } from '../../cases/accept.js';
import type { AutopilotConditions, AutopilotRule } from '../../cases/autopilot.js';
import type { HoldOutcome } from '../../cases/hold.js';
import type { RetryPreparationOutcome } from '../../cases/retry-preparation.js';
import type { SubmitOutcome } from '../../cases/submit.js';
import { reasonInWords } from '../../dispute/reasons.js';
import { formatMoney } from '../../money.js';
import { plural } from '../../text.js';
import { bulletList, escapeMrkdwn, formatAmount, slackDate } from './format.js';

export function submitReply(outcome: SubmitOutcome): string {
  switch (outcome.kind) {
    case 'submitted':
      return `:white_check_mark: Submitted to Stripe (rebuttal version ${outcome.draftVersion}). The case message shows the result.`;
    case 'not_allowed':
      return `:information_source: Nothing was sent: ${escapeMrkdwn(outcome.message)}`;
    case 'refused':
      return `:no_entry_sign: Nothing was sent: ${escapeMrkdwn(outcome.message)}`;
    case 'failed':
      return `:warning: The submission failed: ${escapeMrkdwn(outcome.message)} The case message has a *Retry* button.`;
  }
}

export function acceptReply(outcome: AcceptOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return outcome.refunded
        ? `:leftwards_arrow_with_hook: Refunded ${formatAmount(outcome.refunded.amount, outcome.refunded.currency)} and closed the inquiry on Stripe: it will not become a chargeback.`
        : ':white_flag: Accepted: the dispute is closed on Stripe and counts as lost.';
    case 'not_allowed':
      return `:information_source: Nothing was changed: ${escapeMrkdwn(outcome.message)}`;
    case 'failed':
      return `:warning: ${escapeMrkdwn(outcome.message)} rebut closes it again every few minutes; *Retry* on the case message tries now.`;
  }
}

export function holdReply(outcome: HoldOutcome): string {
  switch (outcome.kind) {
    case 'held':
      return ':double_vertical_bar: On hold: rebut sends nothing to Stripe on its own for this case. Reminders go on; approve, accept or fight it when ready.';
    case 'already_held':
      return `:information_source: This case is on hold already (${escapeMrkdwn(outcome.by.replace(/^slack:/, ''))}).`;
    case 'not_allowed':
      return `:information_source: Nothing was changed: ${escapeMrkdwn(outcome.message)}`;
  }
}

export function retryPreparationReply(outcome: RetryPreparationOutcome): string {
  return outcome.kind === 'queued'
    ? `:arrows_counterclockwise: Preparing the ${outcome.step} again. The case message changes when it is ready.`
    : `:information_source: ${escapeMrkdwn(outcome.message)}`;
}

export function autoReply(reason: string, outcome: SubmitOutcome): string {
  const words = escapeMrkdwn(reasonInWords(reason));
  return `:robot_face: *${words}* is on autopilot: new ${words} cases are submitted as soon as they are drafted (\`/disputes auto off ${escapeMrkdwn(reason)}\` stops it).\nThis case: ${submitReply(outcome)}`;
}

export function editSavedReply(version: number, findings: readonly string[]): string {
  if (findings.length === 0) {
    return `:pencil2: Saved as rebuttal version ${version}. Every claim is backed by the evidence. Approve it from the case message.`;
  }
  return `:pencil2: Saved as rebuttal version ${version}. ${plural(findings.length, 'claim')} ${findings.length === 1 ? 'is' : 'are'} not backed by the evidence; you may keep ${findings.length === 1 ? 'it' : 'them'}, but check before approving:\n${bulletList(findings.map(escapeMrkdwn), 2500)}`;
}

export function autopilotList(rules: readonly AutopilotRule[]): string {
  const on = rules.filter((rule) => rule.enabled);
  if (on.length === 0) {
    return 'Autopilot is off for every reason: each case waits for a person (or the review window). Turn it on with `/disputes auto on <reason>`.';
  }
  const lines = on.map(
    (rule) =>
      `*${escapeMrkdwn(reasonInWords(rule.reason))}* (\`${escapeMrkdwn(rule.reason)}\`) ${conditionsInWords(rule)}, turned on by ${rule.setBy.startsWith('slack:') ? `<@${rule.setBy.slice(6)}>` : escapeMrkdwn(rule.setBy)} ${slackDate(rule.setAt)}`,
  );
  return `Autopilot is on for:\n${bulletList(lines, 2800)}\nOther reasons wait for a person. \`/disputes auto off <reason>\` turns one off.`;
}

/** A rule's conditions as a reader says them: "triage says to fight, up to $100.00, with 60% of the evidence". */
export function conditionsInWords(conditions: AutopilotConditions): string {
  const parts = [conditions.verdict === 'fight' ? 'that triage says to fight' : 'whatever triage says'];
  const money = (minor: number) => formatMoney(minor, conditions.currency ?? 'usd');
  if (conditions.minAmount !== null && conditions.maxAmount !== null) {
    parts.push(`from ${money(conditions.minAmount)} to ${money(conditions.maxAmount)}`);
  } else if (conditions.maxAmount !== null) parts.push(`up to ${money(conditions.maxAmount)}`);
  else if (conditions.minAmount !== null) parts.push(`from ${money(conditions.minAmount)}`);
  if (conditions.minEvidence !== null)
    parts.push(`with at least ${Math.round(conditions.minEvidence * 100)}% of the evidence`);
  if (conditions.draftFrom !== 'any') parts.push(`drafted by the ${conditions.draftFrom}`);
  return `(${parts.join(', ')})`;
}

export const HELP_TEXT = [
  '*`/disputes`* — rebut, the Stripe dispute desk',
  '• `/disputes help` — this help',
  '• `/disputes show <dispute id>` — a case as its message shows it (only to you)',
  '• `/disputes auto` — which dispute reasons are on autopilot',
  '• `/disputes auto on <reason>` / `/disputes auto off <reason>` — submit cases with this reason without review, or stop; conditions may follow: `min 5 usd`, `max 100 usd`, `evidence 60%`, `model` or `template`, `any-verdict` (by default only cases triage says to fight)',
  '• `/disputes sync [product] [YYYY-MM-DD]` — import past disputes from Stripe (approvers only; progress in the channel); with several products, the product whose channel it is typed in, or the one named',
  '• `/disputes stats [product] [30d|90d|all]` — win rates, money and what evidence wins, with a chart (with several products: a line per product, or the one named)',
  'Reasons: `fraudulent`, `product_not_received`, `product_unacceptable`, `subscription_canceled`, `duplicate`, `credit_not_processed`, `unrecognized`, `general`, …',
].join('\n');
