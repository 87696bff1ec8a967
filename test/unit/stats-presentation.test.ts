import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { validateMessageBlocks } from '../../sandbox/slack/block-kit.js';
import { statsBlocks } from '../../src/slack/blocks/stats.js';
import { progressBar, syncProgressBlocks } from '../../src/slack/blocks/sync-progress.js';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  chartHeight,
  preventionLines,
  rasterise,
  renderStatsChart,
  statsChartSvg,
} from '../../src/stats/chart.js';
import { formatStatsJson, formatStatsTable, table, textBar } from '../../src/stats/format.js';
import { type MonthCell, type StatsCell, type StatsInput, summarise } from '../../src/stats/summarise.js';
import type { AccountCounts, SyncProgress } from '../../src/sync/progress.js';

const NOW = new Date('2026-11-24T12:00:00Z');

/** What a sync did for the platform's own disputes; `account` overridden for a connected account. */
function platformCounts(overrides: Partial<AccountCounts>): AccountCounts {
  return {
    account: null,
    status: 'waiting',
    seen: 0,
    pages: 0,
    inserted: 0,
    casesOpened: 0,
    casesClosed: 0,
    ...overrides,
  };
}
const REASONS = [
  'fraudulent',
  'product_not_received',
  'subscription_canceled',
  'product_unacceptable',
  'credit_not_processed',
  'duplicate',
  'unrecognized',
  'general',
  'bank_cannot_process',
  'check_returned',
  'customer_initiated',
  'debit_not_authorized',
  'incorrect_account_details',
  'insufficient_funds',
  'noncompliant',
];

function emptyInput(overrides: Partial<StatsInput> = {}): StatsInput {
  return {
    window: 'all',
    since: null,
    now: NOW,
    cells: [],
    months: [],
    handling: [],
    evidence: [],
    caseEvidence: [],
    openCases: { total: 0, cases: [] },
    ...overrides,
  };
}

/** Everything at once and as long as it gets: 15 reasons, 4 years of months, 12 currencies, 300 open cases. */
function busyStats() {
  const cells: StatsCell[] = [];
  const months: MonthCell[] = [];
  const currencies = ['usd', 'eur', 'gbp', 'aud', 'cad', 'jpy', 'mxn', 'chf', 'sek', 'nok', 'dkk', 'pln'];
  REASONS.forEach((reason, index) => {
    for (let month = 0; month < 48; month++) {
      const key = `${2023 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
      for (const status of ['won', 'lost', 'needs_response']) {
        months.push({ month: key, status, disputes: 3 + ((index * month) % 7) });
        cells.push({
          reason,
          network: ['visa', 'mastercard', 'amex', 'discover', 'jcb'][month % 5] ?? 'visa',
          currency: currencies[(index + month) % currencies.length] ?? 'usd',
          status,
          submitted: status !== 'needs_response',
          countered: month > 30,
          disputes: 3 + ((index * month) % 7),
          amount: 123_456_789,
        });
      }
    }
  });
  return summarise(
    emptyInput({
      cells,
      months,
      handling: [
        { handling: 'approved', status: 'won', disputes: 40 },
        { handling: 'edited', status: 'lost', disputes: 12 },
        { handling: 'autopilot', status: 'won', disputes: 30 },
        { handling: 'timer', status: 'lost', disputes: 9 },
      ],
      evidence: REASONS.flatMap((reason) => [
        { reason, won: true, fields: ['access_activity_log', 'receipt', 'service_documentation'], disputes: 60 },
        { reason, won: false, fields: ['receipt'], disputes: 70 },
      ]),
      openCases: {
        total: 300,
        cases: Array.from({ length: 25 }, (_, index) => ({
          caseId: 1000 + index,
          disputeId: `du_${'X'.repeat(40)}${index}`,
          state: 'awaiting_review',
          reason: REASONS[index % REASONS.length] ?? 'general',
          amount: 99_999_999,
          currency: 'usd',
          dueBy: new Date(NOW.getTime() + (index + 1) * 86_400_000),
          autoSubmitAt: new Date(NOW.getTime() + index * 86_400_000),
        })),
      },
    }),
  );
}

describe('stats in Slack', () => {
  it('a busy account fits Block Kit: at most 50 blocks, every section within 3,000 characters', () => {
    const message = statsBlocks(busyStats());
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(message.text).toMatch(/^Dispute stats \(all time\): \d+\.\d% won of [\d,]+ decided$/);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('*USD* disputed');
    expect(all).toContain('*EUR* disputed');
    expect(all).toContain('Open cases* (10 of 300)');
    expect(all).toContain('Use after payment +');
  });

  it('an empty database gets a friendly answer that says what to do', () => {
    const message = statsBlocks(summarise(emptyInput()));
    expect(validateMessageBlocks(message.blocks)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('No disputes stored yet. Run `/disputes sync`');
    expect(JSON.stringify(message)).not.toMatch(/NaN|undefined|null/);
  });

  it('the sync message moves with every page and ends with what it did', () => {
    const progress: SyncProgress = {
      runId: 7,
      account: null,
      accounts: [platformCounts({ status: 'listing', seen: 12_300, pages: 123 })],
      phase: 'history',
      seen: 12_300,
      pages: 123,
      done: false,
      rate: 1_987.4,
      reachedBack: new Date('2026-06-01T00:00:00Z'),
      floor: new Date('2025-11-24T00:00:00Z'),
      head: new Date('2026-11-24T00:00:00Z'),
      startedAt: NOW,
    };
    const running = syncProgressBlocks({ progress, startedBy: 'slack:U123' });
    expect(validateMessageBlocks(running.blocks)).toEqual([]);
    const text = JSON.stringify(running.blocks);
    expect(text).toContain('12,300 disputes · 123 pages · 1,987/s');
    expect(text).toContain('▓▓▓▓▓▓▓▓▓▓░░░░░░░░░░` 48%');
    expect(text).toContain('<@U123>');

    const unknown = syncProgressBlocks({ progress: { ...progress, floor: null } });
    expect(JSON.stringify(unknown.blocks)).not.toContain('%');

    const done = syncProgressBlocks({
      result: {
        status: 'done',
        rate: 2000,
        product: 'default',
        runId: 7,
        resumedFrom: 6,
        seen: 100_000,
        pages: 1000,
        inserted: 99_000,
        casesOpened: 12,
        casesClosed: 3,
        ms: 50_000,
        accounts: [platformCounts({ status: 'done', seen: 100_000, pages: 1000 })],
        accountsNotListed: null,
      },
    });
    expect(validateMessageBlocks(done.blocks)).toEqual([]);
    expect(done.text).toBe('Dispute sync finished: 100,000 disputes in 50 seconds');
    expect(JSON.stringify(done.blocks)).toContain('12 cases opened');
    // The platform alone: no list of accounts.
    expect(JSON.stringify(done.blocks)).not.toContain('the platform');

    const busy = syncProgressBlocks({
      result: {
        status: 'busy',
        product: 'default',
        running: {
          runId: 3,
          product: 'default',
          startedBy: 'nightly',
          startedAt: NOW,
          seen: 500,
          pages: 5,
          heartbeatAt: NOW,
        },
      },
    });
    expect(busy.text).toBe('A dispute sync is already running');
  });

  it('with connected accounts, the sync message says where each account stands and which were skipped', () => {
    const accounts: AccountCounts[] = [
      platformCounts({ status: 'done', seen: 450, pages: 5 }),
      {
        ...platformCounts({ status: 'skipped', error: 'The provided key does not have access to account' }),
        account: 'acct_1Revoked',
      },
      { ...platformCounts({ status: 'listing', seen: 120, pages: 2 }), account: 'acct_1Busy' },
      ...Array.from({ length: 30 }, (_, index) => ({ ...platformCounts({}), account: `acct_1Waiting${index}` })),
    ];
    const progress: SyncProgress = {
      runId: 8,
      account: 'acct_1Busy',
      accounts,
      phase: 'history',
      seen: 570,
      pages: 7,
      done: false,
      rate: 100,
      reachedBack: new Date('2026-06-01T00:00:00Z'),
      floor: new Date('2025-11-24T00:00:00Z'),
      head: new Date('2026-11-24T00:00:00Z'),
      startedAt: NOW,
    };
    const running = syncProgressBlocks({ progress });
    expect(validateMessageBlocks(running.blocks)).toEqual([]);
    const text = JSON.stringify(running.blocks);
    expect(text).toContain('`acct_1Busy` (account 3 of 33)');
    expect(text).toContain('the platform: 450 disputes, done');
    expect(text).toContain(':warning: `acct_1Revoked`: skipped, no access');
    expect(text).toContain('`acct_1Busy`: 120 disputes so far, listing');
    expect(text).toContain('…and 22 more (22 waiting)');
    // Two of 33 accounts finished, the third about halfway: 7.5%.
    expect(text).toContain('` 8%');
  });

  it('a bar without a total walks along instead of pretending to know how far it is', () => {
    expect(progressBar(0.5, 0, 10)).toBe('▓▓▓▓▓░░░░░');
    expect(textBar(null, 0, 10)).toBe('▓▓▓░░░░░░░');
    expect(textBar(null, 4, 10)).toBe('░░░░▓▓▓░░░');
    expect(textBar(null, 9, 10)).toBe('▓▓░░░░░░░▓');
  });
});

describe('stats in a terminal', () => {
  it('aligns columns, numbers to the right', () => {
    expect(
      table(
        ['Name', 'Count'],
        [
          ['a', '1'],
          ['long name', '1,000'],
        ],
        [false, true],
      ),
    ).toBe(['Name       Count', '─────────  ─────', 'a              1', 'long name  1,000'].join('\n'));
  });

  it('an empty database says how to import history, and --json says the same in numbers', () => {
    const stats = summarise(emptyInput());
    expect(formatStatsTable(stats)).toContain('No disputes stored yet. Run `rebut sync`');
    const json = JSON.parse(formatStatsJson(stats));
    expect(json).toMatchObject({ window: 'all', disputes: 0, winRate: { rate: null }, money: [] });
  });

  it('shows each currency on its own line', () => {
    const out = formatStatsTable(busyStats());
    expect(out).toMatch(/^USD .*USD .*USD/m);
    expect(out).toMatch(/^EUR .*EUR .*EUR/m);
    expect(out).toContain('Open cases (25 of 300), soonest deadline first');
  });
});

describe('the stats chart', () => {
  it('is an SVG whose labels are escaped', () => {
    const stats = summarise(
      emptyInput({
        cells: [
          {
            reason: '<script>&',
            network: 'visa',
            currency: 'usd',
            status: 'won',
            submitted: true,
            countered: true,
            disputes: 1,
            amount: 100,
          },
        ],
      }),
    );
    const svg = statsChartSvg(stats);
    expect(svg).toContain('&lt;script&gt;&amp;');
    expect(svg).not.toContain('<script>');
  });

  it('compares the products with a bar each when there are several; one product of several is named in the title', async () => {
    const decided = (won: number, lost: number) =>
      summarise(
        emptyInput({
          cells: [
            {
              reason: 'fraudulent',
              network: 'visa',
              currency: 'usd',
              status: 'won',
              submitted: true,
              countered: true,
              disputes: won,
              amount: won * 100,
            },
            {
              reason: 'fraudulent',
              network: 'visa',
              currency: 'usd',
              status: 'lost',
              submitted: true,
              countered: true,
              disputes: lost,
              amount: lost * 100,
            },
          ],
        }),
      );
    const products = [
      { id: 'interior', name: 'Roomcraft', stats: decided(30, 10) },
      { id: 'photos', name: 'Snapwise', stats: decided(5, 15) },
    ];
    const svg = statsChartSvg(decided(35, 25), { products });
    expect(svg).toContain('Win rate by product, with 95% interval');
    expect(svg).toContain('>Roomcraft<');
    expect(svg).toContain('75%  n=40');
    expect(svg).toContain('>Snapwise<');
    expect(svg).toContain('25%  n=20');
    expect(svg).toContain(`height="${chartHeight({ products })}"`);
    expect(chartHeight({ products })).toBeGreaterThan(CHART_HEIGHT);

    const one = statsChartSvg(products[1]?.stats ?? decided(0, 0), { product: { id: 'photos', name: 'Snapwise' } });
    expect(one).toContain('rebut — Snapwise — dispute win rate');
    expect(one).not.toContain('Win rate by product');
    expect(statsChartSvg(decided(1, 1))).not.toContain('Win rate by product');
    const png = await renderStatsChart(decided(35, 25), { products });
    expect(await sharp(png).metadata()).toMatchObject({
      width: CHART_WIDTH * 2,
      height: chartHeight({ products }) * 2,
    });
  });

  it('says under the bars what was prevented or answered another way: warnings, inquiries, Smart Disputes', async () => {
    const base = busyStats();
    const stats = {
      ...base,
      inquiriesClosed: 3,
      byHandling: [
        ...base.byHandling,
        { key: 'smart_disputes', disputes: 4, decided: 3, won: 2, lost: 1, rate: 2 / 3, low: 0.2, high: 0.9 },
      ],
      warnings: {
        received: 5,
        refunded: { warnings: 3, disputed: 0 },
        left: { warnings: 2, disputed: 1 },
        undecided: { warnings: 0, disputed: 0 },
        money: [{ currency: 'usd', refunded: 2_700, feesAvoided: 3_600 }],
      },
    };
    expect(preventionLines(stats)).toEqual([
      '5 early fraud warnings: refunded 3 (0 became disputes), left 2 (1 became a dispute), undecided 0 (0 became disputes).',
      'USD: refunded 27.00 USD; dispute fees avoided (expected) 36.00 USD.',
      '3 inquiries closed without a chargeback.',
      "4 left to Stripe's Smart Disputes: 2 won, 1 lost, 1 undecided.",
    ]);
    const svg = statsChartSvg(stats);
    expect(svg).toContain('Prevented, or answered another way');
    expect(svg).toContain('3 inquiries closed without a chargeback.');
    expect(chartHeight({}, stats)).toBeGreaterThan(CHART_HEIGHT);
    expect(svg).toContain(`height="${chartHeight({}, stats)}"`);
    const meta = await sharp(await renderStatsChart(stats)).metadata();
    expect(meta.height).toBe(chartHeight({}, stats) * 2);
    // Nothing prevented: no panel, the usual height.
    expect(preventionLines(summarise(emptyInput()))).toEqual([]);
  });

  it('renders to a PNG twice the SVG size, empty or busy', async () => {
    for (const stats of [summarise(emptyInput()), busyStats()]) {
      const png = await renderStatsChart(stats);
      const meta = await sharp(png).metadata();
      expect(meta).toMatchObject({ format: 'png', width: CHART_WIDTH * 2, height: CHART_HEIGHT * 2 });
    }
  });

  it('draws letters with a real font, not empty boxes', async () => {
    // Missing fonts draw every character as the same box, so different words would cover the same area.
    const ink = async (word: string) => {
      const png = await rasterise(
        `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="#fff"/><text x="5" y="30" font-family="DejaVu Sans" font-size="24">${word}</text></svg>`,
      );
      const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
      return data.reduce((dark, value) => dark + (value < 128 ? 1 : 0), 0);
    };
    const thin = await ink('iiiiii');
    const wide = await ink('WWWWWW');
    expect(thin).toBeGreaterThan(0);
    expect(wide).toBeGreaterThan(thin * 2);
  });
});
