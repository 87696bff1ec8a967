// The weekly digest: what the week's decisions meant in money, the win rate, the deadlines ahead and the cases that
// wait for a person (stats/digest.ts gathers the figures).
import type { types } from '@slack/bolt';
import type { Digest, DigestMoney, NeedsPerson } from '../../stats/digest.js';
import { percent } from '../../stats/format.js';
import { plural } from '../../text.js';
import { bulletList, escapeMrkdwn, formatAmount, slackDate } from './format.js';

const SECTION_MAX = 3000;

/** Why each listed case waits, in words. */
const WAITING_WORDS: Record<NeedsPerson, string> = {
  held: 'on hold: rebut will not act on it',
  attention: 'could not be prepared: needs attention',
  failed: 'a submission or accept failed: Retry or decide',
};

function section(text: string): types.KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, SECTION_MAX) } };
}

/** `$490.00 + €20.00`, or `nothing` */
function sumText(money: readonly DigestMoney[], key: 'recovered' | 'lost' | 'fees'): string {
  const parts = money.filter((entry) => entry[key] !== 0).map((entry) => formatAmount(entry[key], entry.currency));
  return parts.length > 0 ? parts.join(' + ') : 'nothing';
}

export function digestMessage(digest: Digest): { text: string; blocks: types.KnownBlock[] } {
  const period = `${slackDate(digest.from, '{date_short}')} – ${slackDate(new Date(digest.to.getTime() - 1), '{date_short}')}`;
  const decided = digest.won + digest.lost;
  const rate =
    decided > 0
      ? `Won ${digest.won} of ${plural(decided, 'decided dispute')} (*${percent(digest.won / decided, 0)}*).`
      : 'No dispute was decided this week.';
  const money = `Recovered ${sumText(digest.money, 'recovered')} · lost ${sumText(digest.money, 'lost')} · Stripe dispute fees ${sumText(digest.money, 'fees')}`;
  const { within24h, within72h, later } = digest.open;
  const openTotal = within24h + within72h + later;
  const open =
    openTotal > 0
      ? `*Open cases:* ${within24h} due within 24 hours · ${within72h} within 72 hours · ${later} later`
      : '*Open cases:* none';
  const waiting =
    digest.needsPerson.length > 0
      ? `*Waiting for a person (${digest.needsPerson.length}):*\n${bulletList(
          digest.needsPerson.map(
            (entry) =>
              `${escapeMrkdwn(entry.disputeId)} · ${formatAmount(entry.amount, entry.currency)} · ${WAITING_WORDS[entry.why]}`,
          ),
          SECTION_MAX - 40,
        )}`
      : '*Waiting for a person:* nobody’s decision is needed.';
  const title = `:bar_chart: *Disputes this week* (${period})`;
  return {
    text: `Disputes this week: ${rate} ${money}. ${openTotal} open, ${digest.needsPerson.length} waiting for a person.`,
    blocks: [section(`${title}\n${rate}\n${money}`), section(open), section(waiting)],
  };
}
