// The reminder posted in a case's thread some hours before rebut submits it on its own.
import type { CaseView } from '../../cases/view.js';
import { relativeTime, slackDate } from './format.js';

/** Mentions of the approvers: users as `<@U…>`, user groups as `<!subteam^S…>`, so the reminder reaches them. */
export function approverMentions(ids: readonly string[]): string {
  return ids.map((id) => (id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`)).join(' ');
}

export function reminderText(view: CaseView, now: Date, approverIds: readonly string[]): string {
  const mentions = approverMentions(approverIds);
  const when = view.autoSubmitAt
    ? `automatically ${slackDate(view.autoSubmitAt)} (${relativeTime(view.autoSubmitAt, now)})`
    : 'automatically soon';
  return `:alarm_clock: ${mentions ? `${mentions} ` : ''}Nobody has decided this case yet. rebut submits the rebuttal above ${when} unless someone approves, edits or accepts it first.`;
}
