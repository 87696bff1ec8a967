// Early fraud warnings in the stats: counted from PostgreSQL by what became of them, in `computeStats`, in
// `rebut stats --json` and the table, and in `/disputes stats`' blocks.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsBlocks } from '../../src/slack/blocks/stats.js';
import { computeStats, computeStatsByProduct } from '../../src/stats/index.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
  const warning = (
    id: string,
    state: string,
    options: { amount?: number; refunded?: number; disputed?: boolean; product?: string; daysAgo?: number } = {},
  ) =>
    db.pool.query(
      `INSERT INTO early_fraud_warnings (id, product, livemode, charge_id, fraud_type, actionable, amount,
         amount_refunded, currency, created, read_at, warning, recommendation, unattended, reasons, figures, state,
         refunded_amount, dispute_id)
       VALUES ($1, $2, false, 'ch_' || $1, 'made_with_stolen_card', true, $3, 0, 'usd',
               now() - make_interval(days => $4), now(), '{}', 'refund', 'refund', '[]',
               '{"disputeRate": 0.8, "rateSource": "default", "leaveCost": 0, "refundCost": 0}', $5, $6, $7)`,
      [
        id,
        options.product ?? 'default',
        options.amount ?? 1200,
        options.daysAgo ?? 1,
        state,
        options.refunded ?? null,
        options.disputed ? `du_${id}` : null,
      ],
    );
  // Refunded: three, one of which became a dispute anyway; left: two, one disputed; one still waiting.
  await warning('issfr_r1', 'refunded', { refunded: 1200 });
  await warning('issfr_r2', 'refunded', { refunded: 900, amount: 900 });
  await warning('issfr_r3', 'refunded', { refunded: 1500, amount: 1500, disputed: true });
  await warning('issfr_l1', 'left', { disputed: true });
  await warning('issfr_l2', 'left');
  await warning('issfr_p1', 'pending');
  // Another product's, and one outside a 30-day window.
  await warning('issfr_o1', 'refunded', { refunded: 500, amount: 500, product: 'photos' });
  await warning('issfr_old', 'left', { daysAgo: 100 });
});
afterAll(async () => {
  await db.drop();
});

describe('early fraud warnings in the stats', () => {
  it('counts received, refunded, left and how many of each became disputes; money refunded; fees avoided', async () => {
    const stats = await computeStats(db.pool, { window: '30d', product: 'default' });
    expect(stats.warnings).toEqual({
      received: 6,
      refunded: { warnings: 3, disputed: 1 },
      left: { warnings: 2, disputed: 1 },
      undecided: { warnings: 1, disputed: 0 },
      // 12.00 + 9.00 + 15.00 refunded; the two never disputed saved 0.8 × 15.00 USD each in expectation.
      money: [{ currency: 'usd', refunded: 3600, feesAvoided: 2400 }],
    });
    const all = await computeStats(db.pool, { window: 'all' });
    expect(all.warnings?.received).toBe(8);
    const byProduct = await computeStatsByProduct(db.pool, {
      window: '30d',
      products: [
        { id: 'default', name: 'Default' },
        { id: 'photos', name: 'Photos' },
      ],
    });
    expect(byProduct.total.warnings?.received).toBe(7);
    expect(byProduct.products.map((product) => product.stats.warnings?.refunded)).toEqual([
      { warnings: 3, disputed: 1 },
      { warnings: 1, disputed: 0 },
    ]);
  });

  it('`rebut stats --json` and the table show them, even with no dispute stored', async () => {
    const env = { PATH: process.env.PATH ?? '', HOME: '/tmp', DATABASE_URL: db.url };
    const json = await run(process.execPath, ['bin/rebut.js', 'stats', '--json', '--window', 'all'], {
      cwd: root,
      env,
    });
    expect(JSON.parse(json.stdout).warnings).toMatchObject({ received: 8, refunded: { warnings: 4, disputed: 1 } });
    const table = await run(process.execPath, ['bin/rebut.js', 'stats', '--window', '30d'], { cwd: root, env });
    expect(table.stdout).toContain(
      '7 early fraud warnings: refunded 4 (1 became a dispute), left 2 (1 became a dispute), undecided 1 (0 became disputes).',
    );
    expect(table.stdout).toContain('USD: refunded 41.00 USD; dispute fees avoided (expected) 36.00 USD.');
  });

  it('/disputes stats shows them in Slack', async () => {
    const stats = await computeStats(db.pool, { window: '30d', product: 'default' });
    const text = JSON.stringify(statsBlocks(stats).blocks);
    expect(text).toContain('*Early fraud warnings*');
    expect(text).toContain('6 early fraud warnings: refunded 3 (1 became a dispute)');
  });
});
