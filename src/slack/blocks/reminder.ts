// The reminder posted in a case's thread some hours before rebut submits it on its own.
import type { CaseView } from '../../cases/view.js';
import { formatAmount, relativeTime, slackDate } from './format.js';

/** Mentions of the approvers: users as `<@U…>`, user groups as `<!subteam^S…>`, so the reminder reaches them. */
export function approverMentions(ids: readonly string[]): string {
  return ids.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ');
}

export function reminderText(view: CaseView, now: Date, approverIds: readonly string[]): string {
  const mentions = approverMentions(approverIds);
  const opening = `:alarm_clock: ${mentions ? `${mentions} ` : ''}Nobody has decided this case yet.`;
  if (view.heldBy) {
    // The last reminder before Stripe's deadline: what is lost if nobody acts.
    const deadline = view.dispute.dueBy
      ? `Stripe's deadline is ${slackDate(view.dispute.dueBy)} (${relativeTime(view.dispute.dueBy, now)})`
      : "Stripe's deadline is near";
    return `${opening} It is on hold, so rebut will not act on it. ${deadline}: if nobody approves, fights or accepts it by then, the dispute is lost by default and the ${formatAmount(view.dispute.amount, view.dispute.currency)} stays with the customer.`;
  }
  const when = view.autoSubmitAt
    ? `automatically ${slackDate(view.autoSubmitAt)} (${relativeTime(view.autoSubmitAt, now)})`
    : 'automatically soon';
  switch (view.plan) {
    case 'submit':
      return `${opening} rebut submits the rebuttal above ${when} unless someone approves, edits or accepts it first.`;
    case 'accept':
      return `${opening} Triage says not to fight it: rebut accepts the dispute ${when} unless someone fights it or decides first.`;
    case 'hold':
      return `${opening} rebut will not decide it alone: ${when} it leaves the case to a person, and nothing is sent to Stripe.`;
  }
}
