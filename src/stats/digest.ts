import type Stripe from 'stripe';
import { PREPARING } from '../cases/attention.js';
import { moneyMoved } from '../cases/outcome.js';
import { isoWeek, WEEKDAYS, type Weekday } from '../dates.js';
import { databaseNow } from '../db/clock.js';
import { type Pool, withTransaction } from '../db/pool.js';
import { DECIDABLE_STATES, OPEN_STATES } from '../dispute/states.js';
import { enqueue } from '../jobs/enqueue.js';

/**
 * The weekly digest: once a week, one message with the money recovered and lost in the last seven days, the fees,
 * the win rate of the disputes decided in them, the open cases by time to their deadline and the cases that wait
 * for a person. Each week is a row of `weekly_digests`, inserted with its `post-digest` job in one transaction, so
 * of two instances (or two ticks) exactly one queues it.
 */

/** When the digest goes out: a day of the week and an hour, UTC (REBUT_DIGEST_DAY, REBUT_DIGEST_HOUR). */
export interface DigestSchedule {
  day: Weekday;
  hour: number;
  /** REBUT_DIGEST_CHANNEL, or SLACK_CHANNEL_ID. */
  channel: string;
}

/**
 * A digest missed by more than this (every instance stopped over its hour) is skipped: a week-old summary posted
 * out of the blue helps nobody, and the next one comes on its day.
 */
export const DIGEST_LATE_BY_MS = 24 * 3_600_000;
const WEEK_MS = 7 * 86_400_000;

/** The digest due at `now`: its week (`2026-W50`, ISO 8601) and the seven days it covers; undefined when none is. */
export function digestDue(
  now: Date,
  schedule: Pick<DigestSchedule, 'day' | 'hour'>,
): { week: string; from: Date; to: Date } | undefined {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour);
  const back = (now.getUTCDay() - WEEKDAYS.indexOf(schedule.day) + 7) % 7;
  let at = today - back * 86_400_000;
  if (at > now.getTime()) at -= WEEK_MS;
  if (now.getTime() - at >= DIGEST_LATE_BY_MS) return undefined;
  const to = new Date(at);
  return { week: isoWeek(to), from: new Date(at - WEEK_MS), to };
}

/**
 * The timer's step: queues this week's digest when it is due and nobody queued it yet. Returns the week queued now.
 * The time is the database's (docs/architecture.md → "One clock").
 */
export async function queueDigestIfDue(pool: Pool, schedule: DigestSchedule): Promise<string | undefined> {
  const due = digestDue(await databaseNow(pool), schedule);
  if (!due) return undefined;
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ week: string }>(
      `INSERT INTO weekly_digests (week, period_from, period_to, channel) VALUES ($1, $2, $3, $4)
       ON CONFLICT (week) DO NOTHING RETURNING week`,
      [due.week, due.from, due.to, schedule.channel],
    );
    if (rows.length === 0) return undefined;
    await enqueue(tx, 'post-digest', { week: due.week }, { jobKey: `post-digest:${due.week}` });
    return due.week;
  });
}

/** Money in one currency (the balance's), in its minor units; currencies are never added together. */
export interface DigestMoney {
  currency: string;
  recovered: number;
  lost: number;
  /** Dispute fees charged and not given back, on the disputes decided in the week. */
  fees: number;
}

/** Why a case waits for a person. */
export type NeedsPerson = 'held' | 'attention' | 'failed';

export interface Digest {
  week: string;
  from: Date;
  to: Date;
  channel: string;
  /** The message's ts once it is in Slack: a retried job does not post it again. */
  postedTs: string | null;
  won: number;
  lost: number;
  money: DigestMoney[];
  /** Open cases by the time left to Stripe's deadline, as the digest is posted. */
  open: { within24h: number; within72h: number; later: number };
  needsPerson: { caseId: number; disputeId: string; amount: number; currency: string; why: NeedsPerson }[];
}

/** The figures of a queued week, read when it is posted; undefined for a week never queued. */
export async function loadDigest(pool: Pool, week: string): Promise<Digest | undefined> {
  const { rows } = await pool.query<{ period_from: Date; period_to: Date; channel: string; slack_ts: string | null }>(
    'SELECT period_from, period_to, channel, slack_ts FROM weekly_digests WHERE week = $1',
    [week],
  );
  const row = rows[0];
  if (!row) return undefined;
  // Disputes rebut had a case for, decided in the week: a sync's history opens no case, so it never counts here.
  const decided = await pool.query<{
    status: string;
    transactions: Stripe.BalanceTransaction[] | null;
  }>(
    `SELECT d.status, d.stripe_object -> 'balance_transactions' AS transactions
       FROM disputes d JOIN cases c ON c.dispute_id = d.id
      WHERE d.status IN ('won', 'lost') AND d.closed_at >= $1 AND d.closed_at < $2`,
    [row.period_from, row.period_to],
  );
  const open = await pool.query<{ within24h: number; within72h: number; later: number }>(
    `SELECT count(*) FILTER (WHERE d.due_by < now() + interval '24 hours')::int AS within24h,
            count(*) FILTER (WHERE d.due_by >= now() + interval '24 hours'
                               AND d.due_by < now() + interval '72 hours')::int AS within72h,
            count(*) FILTER (WHERE d.due_by IS NULL OR d.due_by >= now() + interval '72 hours')::int AS later
       FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.state = ANY($1::text[])`,
    [OPEN_STATES],
  );
  const waiting = await pool.query<Digest['needsPerson'][number]>(
    `SELECT c.id AS "caseId", d.id AS "disputeId", d.amount::float8 AS amount, d.currency,
            CASE WHEN c.held_by IS NOT NULL THEN 'held' WHEN c.state = 'failed' THEN 'failed' ELSE 'attention' END AS why
       FROM cases c JOIN disputes d ON d.id = c.dispute_id
      WHERE (c.held_by IS NOT NULL AND c.state = ANY($1::text[]))
         OR (c.attention_at IS NOT NULL AND c.state = ANY($2::text[]))
         OR c.state = 'failed'
      ORDER BY d.due_by NULLS LAST, c.id`,
    [DECIDABLE_STATES, PREPARING],
  );
  const money = new Map<string, DigestMoney>();
  let won = 0;
  let lost = 0;
  for (const dispute of decided.rows) {
    const moved = moneyMoved(dispute.transactions);
    if (dispute.status === 'won') won++;
    else lost++;
    if (!moved) continue;
    const entry = money.get(moved.currency) ?? { currency: moved.currency, recovered: 0, lost: 0, fees: 0 };
    if (dispute.status === 'won') entry.recovered += moved.reinstated;
    else entry.lost += moved.withdrawn - moved.reinstated;
    entry.fees += moved.feesCharged - moved.feesReturned;
    money.set(moved.currency, entry);
  }
  return {
    week,
    from: row.period_from,
    to: row.period_to,
    channel: row.channel,
    postedTs: row.slack_ts,
    won,
    lost,
    money: [...money.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    open: open.rows[0] ?? { within24h: 0, within72h: 0, later: 0 },
    needsPerson: waiting.rows,
  };
}

/** Records the digest as posted. */
export async function digestPosted(pool: Pool, week: string, ts: string): Promise<void> {
  await pool.query('UPDATE weekly_digests SET slack_ts = $2, posted_at = now() WHERE week = $1', [week, ts]);
}
