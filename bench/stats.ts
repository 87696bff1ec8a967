import { migrate } from '../src/db/migrate.js';
import { createPool, type Pool } from '../src/db/pool.js';
import { computeStats } from '../src/stats/index.js';
import { evidenceCells, monthCells, statsCells } from '../src/stats/queries.js';
import { benchDatabase, percentile, report } from './support.js';

const DISPUTES = Number(process.env.BENCH_STATS_DISPUTES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_STATS_RUNS ?? 9);
/** Rows per INSERT: the statement triggers keep the running totals from each statement's transition table. */
const CHUNK = 100_000;
/** One dispute in this many has a rebut case (with its facts and, when answered, a submission). */
const CASE_EVERY = 50;
const COMMAND = 'npm run bench -- stats';

/**
 * Disputes over the last three years, generated in SQL: reasons, networks, statuses and currencies in
 * realistic proportions, evidence fields that vary with the outcome (so "what wins" has something to
 * find). The stored Stripe object is the dispute's top level, not the full expanded charge: stats never
 * read it, and a smaller one keeps generation under a minute.
 */
const INSERT_DISPUTES = `
WITH evidence_variants(v, evidence) AS (
  SELECT v, jsonb_strip_nulls(jsonb_build_object(
           'customer_email_address', 'customer@example.com',
           'customer_name', 'Jenny Rosen',
           'access_activity_log', CASE WHEN v & 1 <> 0 THEN 'Signed in after the purchase from 203.0.113.7' END,
           'customer_purchase_ip', CASE WHEN v & 2 <> 0 THEN '203.0.113.7' END,
           'service_documentation', CASE WHEN v & 4 <> 0 THEN 'file_service_documentation' END,
           'receipt', CASE WHEN v & 8 <> 0 THEN 'file_receipt' END,
           'customer_communication', CASE WHEN v & 16 <> 0 THEN 'file_customer_communication' END,
           'uncategorized_text', 'The customer used the product after the purchase.')) || '{"enhanced_evidence": {}}'
    FROM generate_series(0, 31) v
  UNION ALL SELECT -1, '{"enhanced_evidence": {}}'
), variants AS (
  -- The fields each variant carries, as the writer stores them (evidenceFields in src/db/disputes.ts): every
  -- value here is a non-empty string, and the enhanced evidence is empty.
  SELECT v, evidence, ARRAY(SELECT k FROM jsonb_object_keys(evidence - 'enhanced_evidence') k ORDER BY k COLLATE "C") AS fields
    FROM evidence_variants
), generated AS (
  SELECT g, lpad(g::text, 10, '0') AS key, r1, r2, r3, r4, r6,
         900 + floor(r1 * 40)::int * 500 AS amount,
         CASE WHEN g % 10 = 0 THEN 'eur' WHEN g % 25 = 0 THEN 'gbp' ELSE 'usd' END AS currency,
         CASE WHEN r2 < 0.40 THEN 'fraudulent' WHEN r2 < 0.55 THEN 'product_not_received'
              WHEN r2 < 0.70 THEN 'subscription_canceled' WHEN r2 < 0.80 THEN 'product_unacceptable'
              WHEN r2 < 0.88 THEN 'credit_not_processed' WHEN r2 < 0.92 THEN 'duplicate'
              WHEN r2 < 0.96 THEN 'unrecognized' ELSE 'general' END AS reason,
         CASE WHEN r3 < 0.38 THEN 'won' WHEN r3 < 0.80 THEN 'lost' WHEN r3 < 0.86 THEN 'warning_closed'
              WHEN r3 < 0.92 THEN 'under_review' WHEN r3 < 0.98 THEN 'needs_response'
              ELSE 'warning_needs_response' END AS status,
         CASE WHEN r4 < 0.6 THEN 'visa' WHEN r4 < 0.9 THEN 'mastercard' ELSE 'amex' END AS brand,
         now() - ($2::int - g) * (interval '1095 days' / $2::int) AS created
    FROM (SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r6
            FROM generate_series($1::int, $1::int + ${CHUNK} - 1) g WHERE g <= $2::int) r
), shaped AS (
  SELECT *, (status IN ('won', 'under_review') OR (status = 'lost' AND r6 < 0.7)) AS submitted FROM generated
)
INSERT INTO disputes (id, livemode, charge_id, payment_intent_id, customer_id, customer_email, amount, currency,
                      reason, status, card_brand, created, due_by, has_evidence, submission_count, evidence_fields,
                      stripe_object, read_at, closed_at)
SELECT 'du_' || key, false, 'ch_' || key, 'pi_' || key, 'cus_' || key, 'customer' || g || '@example.com',
       amount, currency, reason, status, brand, created, created + interval '9 days', submitted, submitted::int,
       v.fields,
       json_build_object('id', 'du_' || key, 'object', 'dispute', 'amount', amount, 'currency', currency,
                          'reason', reason, 'status', status, 'charge', 'ch_' || key, 'evidence', v.evidence),
       now(), CASE WHEN status IN ('won', 'lost', 'warning_closed') THEN now() END
  FROM shaped
  JOIN variants v ON v.v = CASE WHEN NOT submitted THEN -1 ELSE
         (CASE WHEN r6 < 0.5 OR status = 'won' AND r3 < 0.25 THEN 1 ELSE 0 END)
       + (CASE WHEN r1 < 0.6 THEN 2 ELSE 0 END)
       + (CASE WHEN r4 < 0.4 OR status = 'won' AND r3 < 0.2 THEN 4 ELSE 0 END)
       + (CASE WHEN r6 > 0.3 THEN 8 ELSE 0 END)
       + (CASE WHEN r4 > 0.7 THEN 16 ELSE 0 END) END`;

/** rebut's own cases on every CASE_EVERY-th dispute: who handled them, their submission, six facts each. */
const INSERT_CASES = `
WITH made AS (
  INSERT INTO cases (dispute_id, state, handled_by, auto_submit_at)
  SELECT d.id,
         CASE WHEN d.status IN ('won', 'lost') THEN d.status WHEN d.status = 'warning_closed' THEN 'closed'
              WHEN d.submission_count > 0 THEN 'submitted' ELSE 'awaiting_review' END,
         CASE WHEN d.submission_count > 0 THEN (ARRAY['approved', 'edited', 'autopilot', 'timer'])[1 + (n % 4)] END,
         d.created + interval '2 days'
    FROM generate_series(1, $1::int / ${CASE_EVERY}) n
    JOIN disputes d ON d.id = 'du_' || lpad((n * ${CASE_EVERY})::text, 10, '0')
  RETURNING id, dispute_id, handled_by
), submitted AS (
  INSERT INTO submissions (case_id, dispute_id, draft_version, trigger, actor, idempotency_key)
  SELECT id, dispute_id, 1, CASE WHEN handled_by IN ('approved', 'edited') THEN 'approve' ELSE handled_by END,
         'bench', 'submit:' || dispute_id
    FROM made WHERE handled_by IS NOT NULL
)
INSERT INTO evidence_items (case_id, fact_id, kind, source, text, field, included)
SELECT m.id, 'bench.' || f.kind, f.kind, 'sql', 'A fact of kind ' || f.kind, f.field, true
  FROM made m
  CROSS JOIN (VALUES ('charge', NULL), ('activity', 'access_activity_log'), ('deliverable', 'service_documentation'),
                     ('prior_payment', 'uncategorized_text'), ('communication', 'customer_communication'),
                     ('policy', 'refund_policy')) AS f(kind, field)`;

async function generate(pool: Pool): Promise<void> {
  const starts = Array.from({ length: Math.ceil(DISPUTES / CHUNK) }, (_, index) => 1 + index * CHUNK);
  // Two writers at a time: one per core on a small machine.
  const queue = [...starts];
  await Promise.all(
    [0, 1].map(async () => {
      for (let start = queue.shift(); start !== undefined; start = queue.shift()) {
        await pool.query(INSERT_DISPUTES, [start, DISPUTES]);
      }
    }),
  );
  await pool.query(INSERT_CASES, [DISPUTES]);
  // As autovacuum would after a load: statistics, and the visibility map the index-only scans rely on.
  await pool.query(
    'VACUUM ANALYZE disputes, cases, submissions, evidence_items, dispute_stats_monthly, dispute_stats_cases',
  );
}

async function timed(work: () => Promise<unknown>, runs: number): Promise<number[]> {
  await work(); // warm the caches and the plans
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/**
 * `stats all` on 1,000,000 stored disputes (20,000 of them rebut cases with facts and submissions):
 * p50 over several runs, for the running totals, the windows, and the same totals counted afresh.
 */
export async function benchStats(): Promise<void> {
  const database = await benchDatabase();
  const pool = createPool(database.url, { max: 6 });
  try {
    await migrate(pool);
    const started = performance.now();
    await generate(pool);
    const context = { disputes: DISPUTES, cases: Math.floor(DISPUTES / CASE_EVERY), runs: RUNS, command: COMMAND };
    report('stats_generate', 'seconds', (performance.now() - started) / 1000, 's', context);

    const check = await computeStats(pool, { window: 'all' });
    if (check.disputes !== DISPUTES) throw new Error(`stats counted ${check.disputes} disputes, expected ${DISPUTES}`);

    for (const window of ['all', '90d', '30d'] as const) {
      const times = await timed(() => computeStats(pool, { window }), RUNS);
      report(`stats_${window}`, 'p50', percentile(times, 50), 'ms', context);
      report(`stats_${window}`, 'max', times[times.length - 1] ?? Number.NaN, 'ms', context);
    }
    // What the running totals save: the same aggregates counted afresh from every dispute row.
    const epoch = new Date(0);
    const counted = await timed(
      () => Promise.all([statsCells(pool, epoch), monthCells(pool, epoch, new Date()), evidenceCells(pool, epoch)]),
      3,
    );
    report('stats_all_counted_afresh', 'p50', percentile(counted, 50), 'ms', { ...context, runs: 3 });
  } finally {
    await pool.end();
    await database.stop();
  }
}
