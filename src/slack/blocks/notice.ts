// The short notice for a dispute that gets no case: it came past its deadline, or was answered outside rebut.
import { reasonInWords } from '../../dispute/reasons.js';
import { escapeMrkdwn, formatAmount, slackDate } from './format.js';

export interface NoticeView {
  kind: 'past_due' | 'answered';
  disputeId: string;
  amount: number;
  currency: string;
  reason: string;
  dueBy: Date | null;
  livemode: boolean;
}

export function noticeText(view: NoticeView): string {
  const what = `${formatAmount(view.amount, view.currency)} · ${escapeMrkdwn(reasonInWords(view.reason))} · ${escapeMrkdwn(view.disputeId)}${view.livemode ? '' : ' (test mode)'}`;
  return view.kind === 'past_due'
    ? `:alarm_clock: A dispute reached rebut after its deadline${view.dueBy ? ` (${slackDate(view.dueBy)})` : ''}: ${what}. Stripe takes no evidence for it now, so rebut opened no case; it will count as lost unless the issuer decides otherwise.`
    : `:information_source: A dispute was already answered outside rebut (evidence submitted on Stripe): ${what}. rebut opened no case and sends nothing; the result shows in \`/disputes stats\` once the issuer decides.`;
}
