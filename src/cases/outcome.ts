import type Stripe from 'stripe';
import type { Pool } from '../db/pool.js';
import { type CaseState, isOutcomeState } from '../dispute/states.js';

/**
 * What Stripe's decision on a dispute meant in money, as the dispute's own balance transactions show it: the
 * withdrawal when it opened (the amount, plus the dispute fee) and, on a win, the reinstatement (the amount, and
 * the countered fee where Stripe returns it, as a negative fee). Nothing here is inferred from fee tables: a figure
 * the transactions do not carry is not stated.
 */
export interface MoneyMoved {
  /** The balance's currency (the settlement currency, which may differ from the dispute's). */
  currency: string;
  /** Taken from the balance when the dispute opened, fees apart. */
  withdrawn: number;
  /** Given back on a win, fees apart. */
  reinstated: number;
  /** Dispute fees charged. */
  feesCharged: number;
  /** Dispute fees given back. */
  feesReturned: number;
}

type BalanceMove = Pick<Stripe.BalanceTransaction, 'amount' | 'fee' | 'currency'>;

/** Sums a dispute's balance transactions; null when there are none (an inquiry) or they mix currencies. */
export function moneyMoved(transactions: readonly (BalanceMove | string)[] | null | undefined): MoneyMoved | null {
  const moves = (transactions ?? []).filter((txn): txn is BalanceMove => typeof txn === 'object');
  const currency = moves[0]?.currency;
  if (!currency || moves.some((txn) => txn.currency !== currency)) return null;
  const money: MoneyMoved = { currency, withdrawn: 0, reinstated: 0, feesCharged: 0, feesReturned: 0 };
  for (const txn of moves) {
    if (txn.amount < 0) money.withdrawn -= txn.amount;
    else money.reinstated += txn.amount;
    if (txn.fee > 0) money.feesCharged += txn.fee;
    else money.feesReturned -= txn.fee;
  }
  return money;
}

/** A decided case as its outcome reply tells it. */
export interface CaseOutcome {
  caseId: number;
  outcome: 'won' | 'lost';
  disputeId: string;
  amount: number;
  currency: string;
  money: MoneyMoved | null;
  /** The case message, whose thread the reply goes in. */
  slack: { channel: string; ts: string };
  /** The reply's ts once it is in Slack (recorded in the audit log as `slack.outcome_posted`). */
  postedTs: string | null;
}

/** The outcome of a case Stripe decided as won or lost and that has a message in Slack; undefined otherwise. */
export async function loadCaseOutcome(pool: Pool, caseId: number): Promise<CaseOutcome | undefined> {
  const { rows } = await pool.query<{
    state: CaseState;
    dispute_id: string;
    amount: string;
    currency: string;
    transactions: Stripe.BalanceTransaction[] | null;
    slack_channel: string | null;
    slack_ts: string | null;
    posted_ts: string | null;
  }>(
    `SELECT c.state, c.dispute_id, d.amount, d.currency, d.stripe_object -> 'balance_transactions' AS transactions,
            c.slack_channel, c.slack_ts,
            (SELECT a.detail ->> 'ts' FROM audit_log a
              WHERE a.case_id = c.id AND a.action = 'slack.outcome_posted' ORDER BY a.id LIMIT 1) AS posted_ts
       FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = $1`,
    [caseId],
  );
  const row = rows[0];
  if (!row || !isOutcomeState(row.state) || !row.slack_channel || !row.slack_ts) return undefined;
  return {
    caseId,
    outcome: row.state,
    disputeId: row.dispute_id,
    amount: Number(row.amount),
    currency: row.currency,
    money: moneyMoved(row.transactions),
    slack: { channel: row.slack_channel, ts: row.slack_ts },
    postedTs: row.posted_ts,
  };
}
