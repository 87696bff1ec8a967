import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StripeSandbox, startStripeSandbox } from '../../sandbox/stripe/index.js';
import { prepareCase } from '../../src/cases/prepare.js';
import { openCase } from '../../src/db/cases.js';
import { upsertDispute } from '../../src/db/disputes.js';
import { winningRebuttals } from '../../src/db/drafts.js';
import { evidenceConfigFor } from '../../src/evidence/settings.js';
import { createLogger } from '../../src/log.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';

let db: TestDatabase;
let sandbox: StripeSandbox;
beforeAll(async () => {
  db = await freshDatabase();
  sandbox = await startStripeSandbox();
});
afterAll(async () => {
  await sandbox?.close();
  await db?.drop();
});

/** A dispute stored as the webhook job would store it. */
async function stored(reason: 'fraudulent' | 'product_not_received', status?: 'won' | 'lost') {
  const { dispute } = sandbox.createDispute({ reason, silent: true });
  if (status) sandbox.setDisputeStatus(dispute.id, status);
  const read = await sandbox.stripe().disputes.retrieve(dispute.id, { expand: ['charge', 'payment_intent'] });
  await upsertDispute(db.pool, read, null, new Date());
  return read;
}

describe("triage reads the business's record for the reason from the stats totals", () => {
  it('12 decided fraudulent disputes, 2 won: the case says so and the other reasons do not count', async () => {
    for (let i = 0; i < 12; i++) await stored('fraudulent', i < 2 ? 'won' : 'lost');
    for (let i = 0; i < 5; i++) await stored('product_not_received', 'won');
    await stored('fraudulent'); // still open: not decided

    const dispute = await stored('fraudulent');
    const opened = await openCase(db.pool, dispute.id, new Date(Date.now() + 86_400_000));
    if (!opened) throw new Error('no case opened');
    await prepareCase(
      {
        pool: db.pool,
        stripe: sandbox.stripe(),
        log: createLogger('silent'),
        evidence: evidenceConfigFor(undefined).config,
        fetchDeliverables: async () => ({ deliverables: [], notes: [] }),
      },
      opened.id,
      { attempts: 1 },
    );
    const { rows } = await db.pool.query<{ triage: { winRate: { value: number; sample: number; used: boolean } } }>(
      'SELECT triage FROM cases WHERE id = $1',
      [opened.id],
    );
    expect(rows[0]?.triage.winRate).toEqual({ value: 2 / 12, sample: 12, used: true });
  });
});

describe("the drafter's examples: rebuttals that won", () => {
  it('are the submitted drafts of won disputes with the reason, the most recently won first', async () => {
    const DAY = 86_400_000;
    /** A case of a decided dispute, with its drafts and the version submitted; `wonDaysAgo` sets closed_at. */
    async function decided(
      reason: 'fraudulent' | 'product_not_received',
      status: 'won' | 'lost',
      text: string,
      wonDaysAgo: number,
    ) {
      const read = await stored(reason, status);
      await db.pool.query('UPDATE disputes SET closed_at = $2 WHERE id = $1', [
        read.id,
        new Date(Date.now() - wonDaysAgo * DAY),
      ]);
      const opened = await openCase(db.pool, read.id, new Date());
      if (!opened) throw new Error('no case opened');
      await db.pool.query(
        `INSERT INTO drafts (case_id, version, author, text) VALUES ($1, 1, 'template', 'an earlier version'),
                                                                   ($1, 2, 'slack:U1', $2)`,
        [opened.id, text],
      );
      await db.pool.query(
        `INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key)
         VALUES ($1, $2, 2, 'approve', 'U1', $3)`,
        [opened.id, read.id, `submit-${opened.id}`],
      );
    }
    await decided('fraudulent', 'won', 'won 30 days ago', 30);
    await decided('fraudulent', 'won', 'won 2 days ago', 2);
    await decided('fraudulent', 'lost', 'lost yesterday', 1);
    await decided('product_not_received', 'won', 'another reason, won today', 0);
    await decided('fraudulent', 'won', 'won 10 days ago', 10);
    await decided('fraudulent', 'won', 'won 60 days ago', 60);

    expect(await winningRebuttals(db.pool, 'default', 'fraudulent')).toEqual([
      'won 2 days ago',
      'won 10 days ago',
      'won 30 days ago',
    ]);
    expect(await winningRebuttals(db.pool, 'default', 'product_not_received', 5)).toEqual([
      'another reason, won today',
    ]);
    expect(await winningRebuttals(db.pool, 'default', 'duplicate')).toEqual([]);
    // Another product's wins never shape this product's drafts.
    expect(await winningRebuttals(db.pool, 'photos', 'fraudulent')).toEqual([]);
  });
});
