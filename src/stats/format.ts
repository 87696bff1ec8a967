import { currencyDecimals } from '../evidence/sources/format.js';
import { evidenceKindLabel } from './evidence-kinds.js';
import { productGroup, type StatsScope } from './products.js';
import { type Group, HANDLING_WORDS, type Handling, type Stats } from './summarise.js';
import { warningLines } from './warnings.js';
import type { WinRate } from './wilson.js';

/** `rebut stats` in a terminal (aligned plain-text tables) and `rebut stats --json`. */

/** `18,762,470.00 USD`: grouped digits, the currency's own decimals, the code rather than a symbol. */
export function amountText(minor: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  const value = (minor / 10 ** decimals).toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return `${value} ${currency.toUpperCase()}`;
}

/** `product_not_received` → `Product not received`. */
export function words(key: string): string {
  const text = key.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function percent(value: number | null, digits = 1): string {
  return value === null ? '–' : `${(value * 100).toFixed(digits)}%`;
}

/** `38–57%`: the 95% interval, in whole points. */
export function intervalText(rate: WinRate): string {
  if (rate.low === null || rate.high === null) return '–';
  return `${Math.round(rate.low * 100)}–${Math.round(rate.high * 100)}%`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** A signed difference in percentage points: `+12.5 pts`. */
export function pointsText(lift: number | null): string {
  if (lift === null) return '–';
  const points = lift * 100;
  return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pts`;
}

export function windowInWords(stats: Pick<Stats, 'window' | 'since'>): string {
  if (stats.window === 'all' || !stats.since) return 'all disputes';
  return `disputes opened in the last ${stats.window.slice(0, -1)} days (since ${stats.since.toISOString().slice(0, 10)})`;
}

function dateTime(at: Date | null): string {
  return at ? `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '–';
}

/** Columns padded to their widest cell; `right` aligns numbers. */
export function table(header: string[], rows: string[][], right: boolean[] = []): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        return right[column] ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '─'.repeat(width))), ...rows.map(line)].join('\n');
}

const RATE_HEADER = ['Disputes', 'Decided', 'Won', 'Win rate', '95% CI'];
const RATE_RIGHT = [false, true, true, true, true, true];

function rateColumns(group: Group): string[] {
  return [count(group.disputes), count(group.decided), count(group.won), percent(group.rate), intervalText(group)];
}

function groupTable(title: string, groups: Group[], label: (key: string) => string): string {
  return table(
    [title, ...RATE_HEADER],
    groups.map((group) => [label(group.key), ...rateColumns(group)]),
    RATE_RIGHT,
  );
}

/** Shown instead of tables when there is nothing to count. */
export function emptyStatsMessage(stats: Pick<Stats, 'window' | 'since'>): string {
  return stats.window === 'all'
    ? 'No disputes stored yet. Run `rebut sync` (or `/disputes sync` in Slack) to import your Stripe history; new disputes arrive through the webhook.'
    : `No ${windowInWords(stats)}. Try \`rebut stats --window all\`.`;
}

/** `stats` are of `scope.product` alone, or the total of `scope.products`, which get a row each. */
export function formatStatsTable(stats: Stats, scope: StatsScope = {}): string {
  const title = scope.product
    ? `rebut stats — ${scope.product.name === scope.product.id ? scope.product.id : `${scope.product.name} (${scope.product.id})`} — ${windowInWords(stats)}`
    : `rebut stats — ${windowInWords(stats)}`;
  const warnings = stats.warnings ? warningLines(stats.warnings).join('\n') : '';
  if (stats.disputes === 0) {
    const open = stats.openCases.total > 0 ? `\n\n${openCasesTable(stats)}` : '';
    return `${title}\n\n${emptyStatsMessage(stats)}${open}${warnings ? `\n\n${warnings}` : ''}\n`;
  }
  const overall = stats.winRate;
  const summary =
    overall.decided > 0
      ? `Win rate ${percent(overall.rate)} (95% CI ${intervalText(overall)}): ${count(overall.won)} won of ${count(overall.decided)} decided.`
      : 'Win rate –: nothing decided yet.';
  const sections = [
    title,
    `${summary} ${count(stats.disputes)} disputes, ${count(stats.open)} open, ${count(stats.inquiriesClosed)} inquiries closed without a chargeback.`,
    scope.products
      ? groupTable(
          'Product',
          [...scope.products.map(productGroup), { key: 'All products', disputes: stats.disputes, ...stats.winRate }],
          (name) => name,
        )
      : '',
    table(
      ['Currency', 'Disputes', 'Disputed', 'Recovered', 'Lost', 'Still open', 'Stripe fees'],
      stats.money.map((money) => [
        money.currency.toUpperCase(),
        count(money.disputes),
        amountText(money.disputed, money.currency),
        amountText(money.recovered, money.currency),
        amountText(money.lost, money.currency),
        amountText(money.atStake, money.currency),
        money.fees === null ? 'unknown' : amountText(money.fees, money.currency),
      ]),
      [false, true, true, true, true, true, true],
    ),
    groupTable('Reason', stats.byReason, words),
    groupTable('Card network', stats.byNetwork, words),
    groupTable('Month', stats.byMonth, (month) => month),
    groupTable('How it was handled', stats.byHandling, (key) => HANDLING_WORDS[key as Handling] ?? words(key)),
    effectivenessText(stats),
    warnings,
  ];
  if (stats.openCases.total > 0) sections.push(openCasesTable(stats));
  return `${sections.filter(Boolean).join('\n\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((row) => `  ${row}`)
    .join('\n');
}

function effectivenessText(stats: Stats): string {
  if (stats.effectiveness.length === 0) return 'What evidence wins: no decided disputes with submitted evidence yet.';
  const parts = [
    `What evidence wins — answered disputes, win rate with and without each kind (fewer than ${stats.minSample} decided on a side: "few")`,
  ];
  for (const reason of stats.effectiveness) {
    parts.push(
      `${words(reason.reason)}: ${percent(reason.answered.rate)} of ${count(reason.answered.decided)} decided\n${indent(
        table(
          ['Evidence', 'With', 'n', 'Without', 'n', 'Lift', ''],
          reason.kinds.map((effect) => [
            evidenceKindLabel(effect.kind),
            percent(effect.with.rate),
            count(effect.with.decided),
            percent(effect.without.rate),
            count(effect.without.decided),
            pointsText(effect.lift),
            effect.enough ? '' : 'few',
          ]),
          [false, true, true, true, true, true, false],
        ),
      )}`,
    );
  }
  return parts.join('\n\n');
}

function openCasesTable(stats: Stats): string {
  const { total, cases } = stats.openCases;
  return `Open cases (${cases.length < total ? `${cases.length} of ${count(total)}` : count(total)}), soonest deadline first\n${table(
    ['Case', 'Dispute', 'State', 'Reason', 'Amount', 'Due by', 'Auto-submit at'],
    cases.map((open) => [
      `#${open.caseId}`,
      open.disputeId,
      words(open.state),
      words(open.reason),
      amountText(open.amount, open.currency),
      dateTime(open.dueBy),
      dateTime(open.autoSubmitAt),
    ]),
    [false, false, false, false, true, false, false],
  )}`;
}

/**
 * A text progress bar, `▓▓▓▓▓░░░░░`; with no fraction known (Stripe's list has no total), a block of three
 * that walks along the bar with each `step`, so the reader still sees it moving.
 */
export function textBar(fraction: number | null, step = 0, width = 20): string {
  if (fraction === null) {
    const at = step % width;
    return Array.from({ length: width }, (_, index) => ((index - at + width) % width < 3 ? '▓' : '░')).join('');
  }
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
}

/**
 * `rebut stats --json`: the same figures, amounts in minor units with their currency, times in ISO 8601. With several
 * products, keyed by product (`products.<id>`, each with its display name) beside the `total`; one product named:
 * that product's key alone.
 */
export function formatStatsJson(stats: Stats, scope: StatsScope = {}): string {
  const keyed = (products: { id: string; name: string; stats: Stats }[]) =>
    Object.fromEntries(products.map((product) => [product.id, { name: product.name, ...product.stats }]));
  const figures = scope.product
    ? { products: keyed([{ ...scope.product, stats }]) }
    : scope.products
      ? { total: stats, products: keyed(scope.products) }
      : stats;
  return `${JSON.stringify(figures, null, 2)}\n`;
}
