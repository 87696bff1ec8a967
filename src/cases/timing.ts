import type { Pool } from '../db/pool.js';

/**
 * Where a case's time went, from Stripe's webhook to its message in Slack (docs/architecture.md → "Where a case's
 * time goes"). Each job measures its own steps on a monotonic clock and records them on the case's audit trail
 * (`detail.timing`, milliseconds) and, through `observe`, in the `rebut_case_stage_seconds` histogram; the waits
 * between jobs are what the database clock shows between those audit rows, less the steps.
 */
export const CASE_STAGES = ['evidence', 'packet', 'stage', 'draft', 'stage_rebuttal', 'post'] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

/** A metrics sink for a step's duration (the app passes the Prometheus histogram's). */
export type StageObserver = (stage: CaseStage, ms: number) => void;

/** Laps of a job's steps: each `lap` is the time since the previous one (or the start). */
export function stopwatch(observe?: StageObserver) {
  let last = performance.now();
  const laps: Partial<Record<CaseStage, number>> = {};
  return {
    laps,
    lap(stage: CaseStage): void {
      const now = performance.now();
      laps[stage] = Math.round(now - last);
      observe?.(stage, now - last);
      last = now;
    },
  };
}

export interface TimelineSegment {
  /** What the time was spent on, as a reader says it. */
  what: string;
  ms: number;
}

export interface CaseTimeline {
  /** From the webhook's arrival to the case message in Slack; null until the case is posted. */
  totalMs: number | null;
  segments: TimelineSegment[];
}

const WORDS: Record<CaseStage, string> = {
  evidence: 'evidence',
  packet: 'packet',
  stage: 'staging on Stripe',
  draft: 'rebuttal',
  stage_rebuttal: 'staging the rebuttal',
  post: 'posting',
};

/**
 * A case's timeline as its audit trail records it: the first webhook of its dispute, the case opened (the dispute
 * re-read and stored), the evidence staged, the rebuttal drafted, the message posted, with each job's own steps and
 * the waits between them. Cases that never reached a step stop there.
 */
export async function caseTimeline(pool: Pool, caseId: number): Promise<CaseTimeline | undefined> {
  const { rows } = await pool.query<{
    received: Date | null;
    action: string;
    at: Date;
    timing: Record<string, number>;
  }>(
    `SELECT (SELECT min(e.received_at) FROM stripe_events e WHERE e.object_id = c.dispute_id) AS received,
            a.action, a.at, coalesce(a.detail->'timing', '{}') AS timing
       FROM cases c JOIN audit_log a ON a.case_id = c.id
      WHERE c.id = $1 AND a.action IN ('case.opened', 'evidence.staged', 'draft.created', 'case.posted')
      ORDER BY a.id`,
    [caseId],
  );
  if (rows.length === 0) return undefined;
  const at = (action: string) => rows.find((row) => row.action === action);
  const segments: TimelineSegment[] = [];
  const received = rows[0]?.received ?? null;
  let previous = received;
  const steps: [string, string, string][] = [
    ['case.opened', 'webhook to case (queue, re-reading the dispute)', ''],
    ['evidence.staged', 'waiting for the evidence job', 'evidence,packet,stage'],
    ['draft.created', 'waiting for the draft job', 'draft,stage_rebuttal'],
    ['case.posted', 'waiting to post', 'post'],
  ];
  for (const [action, wait, stages] of steps) {
    const row = at(action);
    if (!row) break;
    const own = stages ? stages.split(',').map((stage) => [stage as CaseStage, row.timing[stage] ?? 0] as const) : [];
    const spent = own.reduce((sum, [, ms]) => sum + ms, 0);
    if (previous) segments.push({ what: wait, ms: Math.max(0, row.at.getTime() - previous.getTime() - spent) });
    for (const [stage, ms] of own) segments.push({ what: WORDS[stage], ms });
    previous = row.at;
  }
  const posted = at('case.posted');
  return {
    totalMs: posted && received ? posted.at.getTime() - received.getTime() : null,
    segments,
  };
}

/** "Webhook to Slack in 1.12 s: waiting for the evidence job 0.31 s, evidence 0.20 s, …" */
export function timelineInWords(timeline: CaseTimeline): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const parts = timeline.segments.map((segment) => `${segment.what} ${seconds(segment.ms)}`).join(', ');
  return timeline.totalMs === null
    ? `Not in Slack yet; so far: ${parts}.`
    : `Webhook to Slack in ${seconds(timeline.totalMs)}: ${parts}.`;
}
