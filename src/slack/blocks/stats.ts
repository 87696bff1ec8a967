// `/disputes stats`: win rates with their 95% intervals (with several products, a line per product), money by
// currency, what evidence wins and the open cases' deadlines. Pure: stats in, `{ text, blocks }` out, within Block Kit's limits (≤ 50 blocks, section
// text ≤ 3,000 characters). The chart (src/stats/chart.ts) is uploaded beside it as a file.

import type { types } from '@slack/bolt';
import { reasonInWords } from '../../dispute/reasons.js';
import { evidenceKindLabel } from '../../stats/evidence-kinds.js';
import { intervalText, percent, pointsText, windowInWords } from '../../stats/format.js';
import {
  type Group,
  HANDLING_WORDS,
  type Handling,
  productGroup,
  type Stats,
  type StatsScope,
} from '../../stats/index.js';
import { warningLines } from '../../stats/warnings.js';
import { plural } from '../../text.js';
import {
  bulletList,
  capitalise,
  cardNetworkInWords,
  escapeMrkdwn,
  formatAmount,
  relativeTime,
  slackDate,
} from './format.js';

type KnownBlock = types.KnownBlock;

const SECTION_MAX = 3000;
const HEADER_MAX = 150;
/** Months listed in the message; the chart shows two years and `rebut stats` every month. */
export const STATS_MONTHS_SHOWN = 6;
export const STATS_OPEN_CASES_SHOWN = 10;
/** Reasons in "what evidence wins", and kinds of evidence per reason. */
const EFFECT_REASONS = 4;
const EFFECT_KINDS = 3;

export interface StatsMessage {
  text: string;
  blocks: KnownBlock[];
}

function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, SECTION_MAX) } };
}

/** `*47%* (38–57%) · 23 of 49` — the rate, its interval, and the sample it stands on. */
function rateLine(label: string, group: Group): string {
  if (group.decided === 0) return `${label} — nothing decided yet · ${plural(group.disputes, 'dispute')}`;
  return `${label} — *${percent(group.rate, 0)}* (${intervalText(group)}) · ${group.won.toLocaleString('en-US')} of ${group.decided.toLocaleString('en-US')} decided`;
}

function titled(title: string, lines: string[]): string {
  const head = `*${title}*\n`;
  return head + bulletList(lines, SECTION_MAX - head.length);
}

function windowTitle(stats: Stats, scope: StatsScope = {}): string {
  const window = stats.window === 'all' ? 'all time' : `last ${stats.window.slice(0, -1)} days`;
  return scope.product ? `${scope.product.name}, ${window}` : window;
}

/** `stats` are of `scope.product` alone, or the total of `scope.products`, which get a line each. */
export function statsBlocks(stats: Stats, scope: StatsScope = {}): StatsMessage {
  const header: KnownBlock = {
    type: 'header',
    text: {
      type: 'plain_text',
      text: (scope.product
        ? `Dispute stats — ${scope.product.name} — ${windowTitle(stats)}`
        : `Dispute stats — ${windowTitle(stats)}`
      ).slice(0, HEADER_MAX),
    },
  };
  const overall = stats.winRate;

  if (stats.disputes === 0) {
    const empty =
      stats.window === 'all'
        ? 'No disputes stored yet. Run `/disputes sync` to import your Stripe history; new disputes arrive through the webhook on their own.'
        : `No ${escapeMrkdwn(windowInWords(stats))}. Try \`/disputes stats all\`.`;
    const blocks: KnownBlock[] = [header, section(empty)];
    if (stats.openCases.total > 0) blocks.push(section(openCasesText(stats)));
    if (warningsText(stats)) blocks.push(section(warningsText(stats)));
    return { text: `Dispute stats (${windowTitle(stats, scope)}): no disputes yet`, blocks };
  }

  const summary =
    overall.decided > 0
      ? `*${percent(overall.rate)}* of decided disputes won (95% CI ${intervalText(overall)}): ${overall.won.toLocaleString('en-US')} of ${overall.decided.toLocaleString('en-US')}.`
      : 'No dispute has been decided yet.';
  const inquiries = `${stats.inquiriesClosed.toLocaleString('en-US')} ${stats.inquiriesClosed === 1 ? 'inquiry' : 'inquiries'}`;
  const counts = `${plural(stats.disputes, 'dispute')} · ${stats.open.toLocaleString('en-US')} open · ${inquiries} closed without a chargeback`;

  const money = stats.money.map(
    (entry) =>
      `*${entry.currency.toUpperCase()}* disputed ${formatAmount(entry.disputed, entry.currency)} · recovered ${formatAmount(entry.recovered, entry.currency)} · lost ${formatAmount(entry.lost, entry.currency)} · still open ${formatAmount(entry.atStake, entry.currency)} · Stripe fees ${entry.fees === null ? 'unknown' : formatAmount(entry.fees, entry.currency)}`,
  );

  const blocks: KnownBlock[] = [
    header,
    section(`${summary}\n${counts}`),
    ...(scope.products
      ? [
          section(
            titled('By product', [
              ...scope.products.map((product) => rateLine(escapeMrkdwn(product.name), productGroup(product))),
              rateLine('*All products*', { key: 'all', disputes: stats.disputes, ...overall }),
            ]),
          ),
        ]
      : []),
    section(titled('Money (each currency on its own)', money)),
    { type: 'divider' },
    section(
      titled(
        'By reason',
        stats.byReason.map((group) => rateLine(reasonInWords(group.key), group)),
      ),
    ),
    section(
      titled(
        'By card network',
        stats.byNetwork.map((group) => rateLine(cardNetworkInWords(group.key, null), group)),
      ),
    ),
    section(
      titled(
        'How it was handled',
        stats.byHandling.map((group) =>
          rateLine(HANDLING_WORDS[group.key as Handling] ?? capitalise(group.key.replaceAll('_', ' ')), group),
        ),
      ),
    ),
    section(
      titled(
        `Last ${Math.min(STATS_MONTHS_SHOWN, stats.byMonth.length)} months (by month opened)`,
        stats.byMonth
          .slice(-STATS_MONTHS_SHOWN)
          .reverse()
          .map((group) => rateLine(group.key, group)),
      ),
    ),
    section(effectivenessText(stats)),
  ];
  if (stats.openCases.total > 0) blocks.push(section(openCasesText(stats)));
  if (warningsText(stats)) blocks.push(section(warningsText(stats)));
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${escapeMrkdwn(capitalise(windowInWords(stats)))}. Win rate = won ÷ (won + lost); ranges are 95% Wilson intervals.`,
      },
    ],
  });

  const text =
    overall.decided > 0
      ? `Dispute stats (${windowTitle(stats, scope)}): ${percent(overall.rate)} won of ${overall.decided.toLocaleString('en-US')} decided`
      : `Dispute stats (${windowTitle(stats, scope)}): ${plural(stats.disputes, 'dispute')}, none decided yet`;
  return { text, blocks };
}

/** Early fraud warnings of the window: what was done, what still became a dispute, money refunded, fees avoided. */
function warningsText(stats: Stats): string {
  const lines = stats.warnings ? warningLines(stats.warnings) : [];
  if (lines.length === 0) return '';
  return titled('Early fraud warnings', lines.map(escapeMrkdwn));
}

function effectivenessText(stats: Stats): string {
  const head = '*What evidence wins* (answered disputes, win rate with vs. without)\n';
  const lines: string[] = [];
  for (const reason of stats.effectiveness.slice(0, EFFECT_REASONS)) {
    const measured = reason.kinds.filter((effect) => effect.enough).slice(0, EFFECT_KINDS);
    const detail =
      measured.length > 0
        ? measured
            .map(
              (effect) =>
                `${evidenceKindLabel(effect.kind)} ${pointsText(effect.lift)} (${percent(effect.with.rate, 0)} vs ${percent(effect.without.rate, 0)})`,
            )
            .join(', ')
        : `not enough history yet (${stats.minSample} decided with and without each kind)`;
    lines.push(`${reasonInWords(reason.reason)}: ${detail}`);
  }
  if (lines.length === 0) return `${head}No decided disputes with submitted evidence yet.`;
  return head + bulletList(lines, SECTION_MAX - head.length);
}

function openCasesText(stats: Stats): string {
  const { total, cases } = stats.openCases;
  const shown = cases.slice(0, STATS_OPEN_CASES_SHOWN);
  const head = `*Open cases* (${shown.length < total ? `${shown.length} of ${total}` : total}), soonest deadline first\n`;
  const lines = shown.map((open) => {
    const due = open.dueBy ? `due ${slackDate(open.dueBy)} (${relativeTime(open.dueBy, stats.now)})` : 'no deadline';
    const auto = open.autoSubmitAt ? ` · auto-submits ${slackDate(open.autoSubmitAt)}` : '';
    return `Case ${open.caseId} · \`${escapeMrkdwn(open.disputeId)}\` · ${reasonInWords(open.reason)} · ${formatAmount(open.amount, open.currency)} — ${due}${auto}`;
  });
  return head + bulletList(lines, SECTION_MAX - head.length);
}
