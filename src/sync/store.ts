import { openAndCloseCases } from '../cases/open-close.js';
import { upsertDisputes } from '../db/disputes.js';
import { type Pool, withTransaction } from '../db/pool.js';
import type { Page } from './pages.js';
import type { Account } from './runs.js';

/** What storing one page changed. */
export interface PageWritten {
  inserted: number;
  opened: number;
  closed: number;
}

/**
 * Stores one page of a product's account's disputes (`null`: the platform's) in one transaction: a single set-based
 * upsert of its disputes, each with its product and account (the newest read wins, so a page stored twice is
 * harmless; a dispute keeps the product it was first stored under),
 * then the cases its open disputes need and the cases its settled ones close. A deadlock with a concurrent webhook job on the stats totals stores it again.
 */
export async function storePage(
  pool: Pool,
  page: Page,
  whose: { product: string; account: Account },
  runId: number,
): Promise<PageWritten> {
  return withTransaction(
    pool,
    async (tx) => ({
      inserted: (await upsertDisputes(tx, page.disputes, whose.account, page.readAt, whose.product)).inserted,
      ...(await openAndCloseCases(tx, page.disputes, { actor: 'sync', detail: { syncRun: runId } })),
    }),
    { retries: 2 },
  );
}
