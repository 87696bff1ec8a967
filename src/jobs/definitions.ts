import { z } from 'zod';

/**
 * The pipeline, one job per step, in the order a dispute travels it (docs/architecture.md → "The pipeline").
 * What each job is for and what it queues next; the handlers are bound in `jobs/handlers.ts`, one line each.
 *
 *   webhook ─▶ process-event ─▶ prepare-case ─▶ draft-case ─┬─▶ post-case ─▶ post-packet
 *                    │                                       └─▶ autopilot-case ─▶ post-case
 *                    └─▶ update-case-message, post-outcome (Stripe decided the dispute)
 *   any decision (approve, edit, accept, timer) ─▶ update-case-message
 *   timer ─▶ remind-case
 *   timer ─▶ post-digest (once a week, keyed by its ISO week)
 *   process-event ─▶ post-notice (a dispute past due, or answered outside rebut)
 *   process-event (an early fraud warning) ─▶ post-warning; Refund / timer ─▶ refund-warning ─▶ update-warning-message
 */
const caseJob = z.object({ caseId: z.coerce.number().int().positive() });
const warningJob = z.object({ warningId: z.string().regex(/^issfr_\w+$/) });

export const JOBS = {
  /** A stored Stripe event: re-read the dispute, store it, open or close its case. */
  'process-event': { payload: z.object({ eventId: z.string().min(1) }), priority: 0 },
  /** Evidence → packet → triage → staged on Stripe; queues `draft-case`. */
  'prepare-case': { payload: caseJob, priority: -1 },
  /** The rebuttal (model, grounded, or template) staged on Stripe; queues `autopilot-case` or `post-case`. */
  'draft-case': { payload: caseJob, priority: -2 },
  /** A case whose reason is on autopilot: submit it, then queue `post-case` to tell the channel. */
  'autopilot-case': { payload: caseJob, priority: -3 },
  /** The case message in Slack; queues `post-packet`. */
  'post-case': { payload: caseJob, priority: -3, queue: 'slack-channel' },
  /**
   * The packet's files in the case message's thread. A job of its own, behind the posts in the product's queue: an
   * upload takes many times a post's time, and a burst's case messages no longer wait for each other's files.
   */
  'post-packet': { payload: caseJob, priority: -2, queue: 'slack-channel' },
  /** The Slack message after any change of the case. */
  'update-case-message': { payload: caseJob, priority: -3 },
  /** A reminder in the case's thread before rebut acts alone. */
  'remind-case': { payload: caseJob, priority: -3, queue: 'slack-channel' },
  /** One reply in the case's thread once Stripe decides it won or lost: the outcome and the money. */
  'post-outcome': { payload: caseJob, priority: -3, queue: 'slack-channel' },
  /** A short notice for a dispute that arrived past due or already answered elsewhere (no case is opened). */
  'post-notice': { payload: z.object({ disputeId: z.string().min(1) }), priority: -3, queue: 'slack-channel' },
  /** The weekly digest (stats/digest.ts), one per ISO week: money, win rate, deadlines, cases waiting for a person. */
  'post-digest': {
    payload: z.object({ week: z.string().regex(/^\d{4}-W\d{2}$/) }),
    priority: -3,
    queue: 'slack-channel',
  },
  /** An early fraud warning's message: the facts, the policy's recommendation, Refund and Leave; its window starts. */
  'post-warning': { payload: warningJob, priority: -3, queue: 'slack-channel' },
  /** The warning's message after any change (decided, refunded, its charge disputed). */
  'update-warning-message': { payload: warningJob, priority: -3 },
  /** The refund of a warned charge, decided by a person or the timer: once, under the warning's idempotency key. */
  'refund-warning': { payload: warningJob, priority: -3 },
} as const satisfies Record<string, JobDefinition>;

interface JobDefinition {
  payload: z.ZodType<Record<string, unknown>>;
  /**
   * graphile-worker takes the lowest number first: jobs nearer the end of a case's way to Slack go first, so a
   * burst of disputes reaches Slack case by case instead of every case waiting for every other case's evidence.
   */
  priority: number;
  /**
   * Jobs of a named queue run one at a time across all instances. Slack takes about one message per second per
   * channel: posted one by one, a backlog holds one worker, not all of them, and never meets 429s several at once.
   * A job about a case or a dispute runs in its product's queue (`slack-channel:<product>`, see `queueNameSql`):
   * each product posts to its own channel, and one product's backlog never holds up another's cases.
   */
  queue?: string;
}

export type JobName = keyof typeof JOBS;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

/** Jobs whose payload names a case; each is keyed by it (`<job>:<case id>`), so a case has at most one waiting. */
export type CaseJobName = { [N in JobName]: JobPayload<N> extends { caseId: number } ? N : never }[JobName];

/** Jobs whose payload names an early fraud warning; each is keyed by it (`<job>:<warning id>`). */
export type WarningJobName = {
  [N in JobName]: JobPayload<N> extends { warningId: string } ? N : never;
}[JobName];

/** Retries back off exponentially (e^attempt seconds, graphile-worker's rule): 12 attempts span about 9 hours. */
export const DEFAULT_MAX_ATTEMPTS = 12;

export function queueOf(name: JobName): string | null {
  const definition: JobDefinition = JOBS[name];
  return definition.queue ?? null;
}

/**
 * The SQL of a job's queue name, given the SQL of its case, dispute or warning id (`key`): the job's queue followed by
 * the product of its case, dispute or early fraud warning (`slack-channel:interior`), the queue alone for a job about
 * none of them (the digest), NULL for a job without a queue.
 */
export function queueNameSql(name: JobName, key: string): string {
  const queue = queueOf(name);
  if (!queue) return 'NULL';
  const payload = Object.keys(JOBS[name].payload.shape);
  const product = payload.includes('caseId')
    ? `(SELECT d.product FROM cases c JOIN disputes d ON d.id = c.dispute_id WHERE c.id = (${key})::bigint)`
    : payload.includes('disputeId')
      ? `(SELECT product FROM disputes WHERE id = (${key})::text)`
      : payload.includes('warningId')
        ? `(SELECT product FROM early_fraud_warnings WHERE id = (${key})::text)`
        : null;
  return product ? `'${queue}' || coalesce(':' || ${product}, '')` : `'${queue}'`;
}

/** A job's payload as its schema reads it; a payload it refuses is an error that names the job. */
export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const parsed = JOBS[name].payload.safeParse(payload);
  if (!parsed.success) {
    throw new Error(`job ${name}: payload ${JSON.stringify(payload)} is not valid: ${parsed.error.message}`);
  }
  return parsed.data as JobPayload<N>;
}
