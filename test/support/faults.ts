// Shared by the fault and hostile-input tests: a seeded random source, and counts read from the stand-ins' records
// (what reached Slack and Stripe), which are the ground truth for "exactly one message" and "at most one submission".

import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { StripeSandbox } from '../../sandbox/stripe/index.js';
import type { Pool } from '../../src/db/pool.js';

/** mulberry32: a small deterministic PRNG, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed of a run: `FAULT_SEED` when given (to replay a failure), otherwise a fixed default. */
export function faultSeed(fallback: number): number {
  const given = Number(process.env.FAULT_SEED);
  return Number.isInteger(given) && given > 0 ? given : fallback;
}

interface CaseMetadata {
  event_type?: string;
  event_payload?: { case_id?: number };
}

/** Successful top-level `chat.postMessage` calls that carried a case's metadata, counted per case id. */
export function casePostsByCase(slack: SlackSandbox, channel: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const call of slack.callsTo('chat.postMessage')) {
    if (!call.ok || call.args.channel !== channel || call.args.thread_ts !== undefined) continue;
    const metadata = call.args.metadata as CaseMetadata | undefined;
    const caseId = metadata?.event_type === 'rebut_case' ? metadata.event_payload?.case_id : undefined;
    if (caseId === undefined) continue;
    counts.set(caseId, (counts.get(caseId) ?? 0) + 1);
  }
  return counts;
}

/** Every `POST /v1/disputes/:id` with `submit=true` the Stripe stand-in received (any answer), per dispute id. */
export function submitRequestsByDispute(stripe: StripeSandbox): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of stripe.requests) {
    const match = /^\/v1\/disputes\/([^/]+)$/.exec(request.path);
    if (request.method !== 'POST' || !match?.[1]) continue;
    if ((request.body as { submit?: unknown }).submit !== 'true') continue;
    counts.set(match[1], (counts.get(match[1]) ?? 0) + 1);
  }
  return counts;
}

/** How many of `items` fall in each group, as a plain object for readable assertions and reports. */
export function tally<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/** Case states by dispute, and how many cases each dispute has. */
export async function casesByDispute(
  pool: Pool,
): Promise<Map<string, { cases: number; state: string; caseId: number; slackTs: string | null }>> {
  const { rows } = await pool.query<{
    dispute_id: string;
    cases: number;
    state: string;
    case_id: string;
    slack_ts: string | null;
  }>(
    `SELECT dispute_id, count(*) OVER (PARTITION BY dispute_id)::int AS cases, state, id AS case_id, slack_ts
       FROM cases`,
  );
  return new Map(
    rows.map((row) => [
      row.dispute_id,
      { cases: row.cases, state: row.state, caseId: Number(row.case_id), slackTs: row.slack_ts },
    ]),
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
