import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCase } from '../../src/cases/prepare.js';
import { openCase } from '../../src/db/cases.js';
import { upsertDispute } from '../../src/db/disputes.js';
import { evidenceConfigFor } from '../../src/evidence/settings.js';
import { createLogger } from '../../src/log.js';
import { type StripeSandbox, startStripeSandbox } from '../../src/sandbox/stripe/index.js';
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
    );
    const { rows } = await db.pool.query<{ triage: { winRate: { value: number; sample: number; used: boolean } } }>(
      'SELECT triage FROM cases WHERE id = $1',
      [opened.id],
    );
    expect(rows[0]?.triage.winRate).toEqual({ value: 2 / 12, sample: 12, used: true });
  });
});
