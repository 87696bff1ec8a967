import type { Pool } from '../db/pool.js';
import { OPEN_STATES } from '../dispute/states.js';
import { COUNTERED_FEE_SINCE } from '../triage/fees.js';
import type { CaseEvidenceCell, EvidenceCell, HandlingCell, MonthCell, OpenCase, StatsCell } from './summarise.js';

/**
 * The aggregates stats are made of, each row with its product. For all time they come from the running totals the
 * triggers of 0002_stats keep (per product since 0012), and for rebut's own cases from the per-case rows the triggers
 * of 0014_stats_cases keep; for a window, from the disputes opened in it (an index-only scan) and their cases. Both
 * return the same rows, so `summarise` cannot tell them apart (a test holds them equal). `product` narrows them to
 * one product; null: every product's rows.
 */

/** A row of one product's figures. */
export type OfProduct<T> = T & { product: string };

/** Open cases shown with their deadlines; the total says how many more there are. */
export const OPEN_CASES_SHOWN = 25;

const countered = new Date(COUNTERED_FEE_SINCE * 1000);

export async function statsCells(
  pool: Pool,
  since: Date | null,
  product: string | null = null,
): Promise<OfProduct<StatsCell>[]> {
  const { rows } =
    since === null
      ? await pool.query<OfProduct<StatsCell>>(
          `SELECT product, reason, network, currency, status, submitted, countered,
                  sum(disputes)::float8 AS disputes, sum(amount)::float8 AS amount
             FROM dispute_stats_monthly WHERE $1::text IS NULL OR product = $1
            GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(disputes) <> 0`,
          [product],
        )
      : await pool.query<OfProduct<StatsCell>>(
          `SELECT product, reason, coalesce(card_brand, 'unknown') AS network, currency, status,
                  submission_count > 0 AS submitted, created >= $2 AS countered, count(*)::float8 AS disputes,
                  sum(amount)::float8 AS amount
             FROM disputes WHERE created >= $1 AND ($3::text IS NULL OR product = $3)
            GROUP BY 1, 2, 3, 4, 5, 6, 7`,
          [since, countered, product],
        );
  return rows;
}

/** The first moment of each UTC month from the one holding `since` to the one holding `now`. */
export function monthStarts(since: Date, now: Date): Date[] {
  const starts: Date[] = [];
  let at = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1);
  while (at <= now.getTime()) {
    starts.push(new Date(at));
    const date = new Date(at);
    at = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return starts;
}

/**
 * Disputes by month opened and status. A window counts each month with its own index range (months
 * computed here, in UTC): cheaper than working out the month of every row.
 */
export async function monthCells(
  pool: Pool,
  since: Date | null,
  now: Date,
  product: string | null = null,
): Promise<OfProduct<MonthCell>[]> {
  if (since === null) {
    const { rows } = await pool.query<OfProduct<MonthCell>>(
      `SELECT product, to_char(month, 'YYYY-MM') AS month, status, sum(disputes)::float8 AS disputes
         FROM dispute_stats_monthly WHERE $1::text IS NULL OR product = $1
        GROUP BY product, month, status HAVING sum(disputes) <> 0`,
      [product],
    );
    return rows;
  }
  const starts = monthStarts(since, now);
  const ends = starts.map((start) => new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)));
  const { rows } = await pool.query<OfProduct<MonthCell>>(
    `SELECT d.product, m.key AS month, d.status, count(*)::float8 AS disputes
       FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) AS m(key, starts, ends)
       JOIN disputes d ON d.created >= greatest(m.starts, $1) AND d.created < m.ends
      WHERE $5::text IS NULL OR d.product = $5
      GROUP BY 1, 2, 3`,
    [since, starts.map((start) => start.toISOString().slice(0, 7)), starts, ends, product],
  );
  return rows;
}

export async function evidenceCells(
  pool: Pool,
  since: Date | null,
  product: string | null = null,
  reason: string | null = null,
): Promise<OfProduct<EvidenceCell>[]> {
  const { rows } =
    since === null
      ? await pool.query<OfProduct<EvidenceCell>>(
          `SELECT product, reason, won, evidence_fields AS fields, disputes::float8 AS disputes
             FROM dispute_stats_evidence
            WHERE disputes <> 0 AND ($1::text IS NULL OR product = $1) AND ($2::text IS NULL OR reason = $2)`,
          [product, reason],
        )
      : await pool.query<OfProduct<EvidenceCell>>(
          `SELECT product, reason, status = 'won' AS won, evidence_fields AS fields, count(*)::float8 AS disputes
             FROM disputes
            WHERE created >= $1 AND status IN ('won', 'lost') AND submission_count > 0
              AND ($2::text IS NULL OR product = $2) AND ($3::text IS NULL OR reason = $3)
            GROUP BY 1, 2, 3, 4`,
          [since, product, reason],
        );
  return rows;
}

/** rebut's cases by who decided them: the person (as drafted or edited), autopilot, the timer. */
export async function handlingCells(
  pool: Pool,
  since: Date | null,
  product: string | null = null,
): Promise<OfProduct<HandlingCell>[]> {
  const { rows } =
    since === null
      ? await pool.query<OfProduct<HandlingCell>>(
          `SELECT product, handling, status, count(*)::float8 AS disputes
             FROM dispute_stats_cases WHERE $1::text IS NULL OR product = $1
            GROUP BY 1, 2, 3`,
          [product],
        )
      : await pool.query<OfProduct<HandlingCell>>(
          `SELECT d.product, rebut_case_handling(c.handled_by, s.trigger) AS handling, d.status,
                  count(*)::float8 AS disputes
             FROM cases c
             JOIN disputes d ON d.id = c.dispute_id
             LEFT JOIN submissions s ON s.dispute_id = c.dispute_id
            WHERE d.created >= $1 AND ($2::text IS NULL OR d.product = $2)
            GROUP BY 1, 2, 3`,
          [since, product],
        );
  return rows;
}

/** Decided, answered disputes of rebut's cases with the kinds and fields of the facts in their packet. */
export async function caseEvidenceCells(
  pool: Pool,
  since: Date | null,
  product: string | null = null,
  reason: string | null = null,
): Promise<OfProduct<CaseEvidenceCell>[]> {
  const { rows } =
    since === null
      ? await pool.query<OfProduct<CaseEvidenceCell>>(
          `SELECT product, reason, status = 'won' AS won, evidence_fields AS fields, fact_kinds AS "factKinds",
                  item_fields AS "itemFields", count(*)::float8 AS disputes
             FROM dispute_stats_cases
            WHERE status IN ('won', 'lost') AND submitted
              AND ($1::text IS NULL OR product = $1) AND ($2::text IS NULL OR reason = $2)
            GROUP BY 1, 2, 3, 4, 5, 6`,
          [product, reason],
        )
      : await pool.query<OfProduct<CaseEvidenceCell>>(
          `SELECT d.product, d.reason, d.status = 'won' AS won, d.evidence_fields AS fields,
                  coalesce(e.kinds, '{}') AS "factKinds", coalesce(e.fields, '{}') AS "itemFields",
                  count(*)::float8 AS disputes
             FROM cases c
             JOIN disputes d ON d.id = c.dispute_id
             LEFT JOIN LATERAL (
               SELECT array_agg(DISTINCT i.kind ORDER BY i.kind) AS kinds,
                      array_agg(DISTINCT i.field ORDER BY i.field) FILTER (WHERE i.field IS NOT NULL) AS fields
                 FROM evidence_items i WHERE i.case_id = c.id AND i.included
             ) e ON true
            WHERE d.status IN ('won', 'lost') AND d.submission_count > 0 AND d.created >= $1
              AND ($2::text IS NULL OR d.product = $2) AND ($3::text IS NULL OR d.reason = $3)
            GROUP BY 1, 2, 3, 4, 5, 6`,
          [since, product, reason],
        );
  return rows;
}

/** Cases still waiting for an answer, soonest deadline first; open whatever the window. */
export async function openCases(
  pool: Pool,
  product: string | null = null,
): Promise<{ total: number; cases: OpenCase[] }> {
  const { rows } = await pool.query<OpenCase & { total: number }>(
    `SELECT c.id AS "caseId", d.id AS "disputeId", c.state, d.reason, d.amount::float8 AS amount, d.currency,
            d.due_by AS "dueBy", c.auto_submit_at AS "autoSubmitAt", count(*) OVER ()::int AS total
       FROM cases c JOIN disputes d ON d.id = c.dispute_id
      WHERE c.state = ANY($1::text[]) AND ($3::text IS NULL OR d.product = $3)
      ORDER BY d.due_by NULLS LAST, c.auto_submit_at NULLS LAST, c.id
      LIMIT $2`,
    [OPEN_STATES, OPEN_CASES_SHOWN, product],
  );
  return { total: rows[0]?.total ?? 0, cases: rows.map(({ total: _total, ...open }) => open) };
}

/** The products with disputes stored, from the running totals (a few rows per month, not every dispute). */
export async function productsWithDisputes(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ product: string }>(
    'SELECT DISTINCT product FROM dispute_stats_monthly WHERE disputes <> 0 ORDER BY product',
  );
  return rows.map((row) => row.product);
}
