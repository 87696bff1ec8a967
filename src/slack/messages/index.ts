// Keeping a case's Slack message true: post it, update it after every change, remind in its thread before rebut
// acts alone, and say in its thread how Stripe decided. Each is a queue job keyed by case (jobs/definitions.ts): a retry after a crash, a 429 or an outage
// updates the one message, never posts a second.
import type { webApi } from '@slack/bolt';
import type { UnwinnableAction } from '../../cases/act-alone.js';
import { pendingReview, type ReviewWindows, startReview } from '../../cases/review-window.js';
import { type StageObserver, stopwatch } from '../../cases/timing.js';
import { type CaseView, loadCaseView } from '../../cases/view.js';
import { audit } from '../../db/audit.js';
import type { Pool } from '../../db/pool.js';
import type { ByProduct } from '../../dispute/products.js';
import { isDecidable } from '../../dispute/states.js';
import { queuePacket } from '../../jobs/enqueue.js';
import type { JobInfo } from '../../jobs/runner.js';
import type { Logger } from '../../log.js';
import { type CaseMessage, caseMessage, nextMessageVersion } from '../blocks/case-message.js';
import { noticeText } from '../blocks/notice.js';
import { reminderText } from '../blocks/reminder.js';
import { slackErrorCode } from '../errors.js';
import { postDigest } from './digest.js';
import { findPosted, metadataFor } from './find-posted.js';
import { withCaseLock } from './lock.js';
import { postOutcome } from './outcome.js';
import { channelPacer, type Pacer } from './pacer.js';
import { uploadPacket } from './packet-files.js';
import { postWarning, updateWarningMessage, type WarningMessageContext } from './warnings.js';

export interface CaseMessageDeps {
  client: webApi.WebClient;
  pool: Pool;
  log: Logger;
  /** Where new cases are posted (SLACK_CHANNEL_ID). */
  channel: string | undefined;
  /** With several products, each product's channel (its cases and notices go there, never another's). */
  productChannels?: ReadonlyMap<string, string>;
  approverIds: readonly string[];
  /** Each product's own approvers, mentioned in its reminders. */
  productApproverIds?: ReadonlyMap<string, readonly string[]>;
  /** This app's bot id, to recognise its own messages when Slack leaves the metadata out. */
  botId?: string;
  clock?: () => Date;
  /** When rebut acts alone on a case shown for the first time (cases/review-window.ts), per product. */
  review: ByProduct<ReviewWindows>;
  /** UNWINNABLE_ACTION, for what the message says happens to a case triage says not to fight (per product). */
  unwinnable: ByProduct<UnwinnableAction>;
  /** The post's duration, for the `rebut_case_stage_seconds` histogram (cases/timing.ts). */
  observeStage?: StageObserver;
  /** EFW_REVIEW_WINDOW: how long an early fraud warning's message waits for a person; default 24 hours. */
  warningReviewWindowMs?: number;
}

/** The jobs that keep case messages true, by what they do. */
export interface CaseMessages {
  post(caseId: number, job: JobInfo): Promise<void>;
  packet(caseId: number): Promise<void>;
  update(caseId: number): Promise<void>;
  remind(caseId: number): Promise<void>;
  notice(disputeId: string): Promise<void>;
  outcome(caseId: number): Promise<void>;
  digest(week: string): Promise<void>;
  /** An early fraud warning's message, and its update after a change. */
  warning(warningId: string): Promise<void>;
  warningUpdate(warningId: string): Promise<void>;
}

interface Context extends CaseMessageDeps {
  clock: () => Date;
  paced: Pacer;
}

/** The case's message as it should read now, with who accepted it from the audit log. */
export async function renderCase(pool: Pool, view: CaseView, now: Date): Promise<CaseMessage> {
  const { rows } = await pool.query<{ actor: string; at: Date; refunded: { amount: number; currency: string } | null }>(
    `SELECT actor, at, detail->'refunded' AS refunded FROM audit_log WHERE case_id = $1 AND action = 'case.accepted'
      ORDER BY id DESC LIMIT 1`,
    [view.caseId],
  );
  return caseMessage(view, now, { acceptedBy: rows[0] });
}

export function caseMessages(deps: CaseMessageDeps): CaseMessages {
  const context: Context = { ...deps, clock: deps.clock ?? (() => new Date()), paced: channelPacer(deps.client) };
  const warnings: WarningMessageContext = {
    client: deps.client,
    pool: deps.pool,
    log: deps.log,
    paced: context.paced,
    channelOf: (product) => channelOf(context, product),
    reviewWindowMs: deps.warningReviewWindowMs ?? 24 * 3_600_000,
  };
  return {
    warning: (warningId) => postWarning(warnings, warningId),
    warningUpdate: (warningId) => updateWarningMessage(warnings, warningId),
    post: (caseId, job) => postCase(context, caseId, job),
    packet: (caseId) => postPacket(context, caseId),
    update: (caseId) => updateCaseMessage(context, caseId),
    remind: (caseId) => remindCase(context, caseId),
    notice: (disputeId) => postNotice(context, disputeId),
    outcome: (caseId) => postOutcome(context, caseId),
    digest: (week) => postDigest(context, week),
  };
}

/** The `post-case` job: the case's message, or the one an earlier attempt posted, brought up to date. */
async function postCase(context: Context, caseId: number, job: JobInfo): Promise<void> {
  const { pool, log } = context;
  await withCaseLock(pool, caseId, async () => {
    const view = await shownView(context, caseId);
    if (!view) {
      log.warn({ caseId }, 'post-case: no such case; nothing to post');
      return;
    }
    let target = view.slack;
    if (!target && job.attempts > 1) {
      const channel = channelOf(context, view.dispute.product);
      const ts = await findPosted(context, view, channel);
      if (ts) {
        log.info({ caseId, ts }, 'found the message an earlier attempt posted; updating it');
        target = { channel, ts, version: 1 };
        await store(pool, caseId, channel, ts, 1);
      }
    }
    const channel = target?.channel ?? channelOf(context, view.dispute.product);
    if (target) await update(context, view, target);
    else await postNew(context, view, channel);
    await reviewStarted(context, view);
    await queuePacket(pool, caseId);
  });
}

/** The `post-packet` job: the packet's files in the thread of the case's message, once. */
async function postPacket(context: Context, caseId: number): Promise<void> {
  await withCaseLock(context.pool, caseId, async () => {
    const view = await loadCaseView(context.pool, caseId, context.unwinnable);
    if (view?.slack) await uploadPacket(context, caseId, view.slack.channel, view.slack.ts);
  });
}

/** The `update-case-message` job. */
async function updateCaseMessage(context: Context, caseId: number): Promise<void> {
  await withCaseLock(context.pool, caseId, async () => {
    const view = await shownView(context, caseId);
    // Not posted yet: post-case renders the latest state when it runs.
    if (!view?.slack) return;
    await update(context, view, view.slack);
    await reviewStarted(context, view);
  });
}

/** The `remind-case` job: a reminder in the thread while the case still waits for a person. */
async function remindCase(context: Context, caseId: number): Promise<void> {
  const { pool, client } = context;
  await withCaseLock(pool, caseId, async () => {
    const view = await loadCaseView(pool, caseId, context.unwinnable);
    if (!view?.slack || !isDecidable(view.state) || !(view.autoSubmitAt || view.heldBy)) return;
    const { channel, ts } = view.slack;
    await context.paced(channel, () =>
      client.chat.postMessage({
        channel,
        thread_ts: ts,
        text: reminderText(
          view,
          context.clock(),
          context.productApproverIds?.get(view.dispute.product) ?? context.approverIds,
        ),
      }),
    );
  });
}

/**
 * The case as its message shows it. A case waiting for a person and shown for the first time shows the
 * auto_submit_at it gets from now on; the time is stored once the message is in Slack (`reviewStarted`).
 */
async function shownView(context: Context, caseId: number): Promise<(CaseView & { review?: Review }) | undefined> {
  const view = await loadCaseView(context.pool, caseId, context.unwinnable);
  if (!view || view.postedAt) return view;
  const review = await pendingReview(context.pool, caseId, context.review);
  return review ? { ...view, autoSubmitAt: review.autoSubmitAt, urgent: review.urgent, review } : view;
}

type Review = NonNullable<Awaited<ReturnType<typeof pendingReview>>>;

async function reviewStarted(context: Context, view: CaseView & { review?: Review }): Promise<void> {
  if (view.review) await startReview(context.pool, view.caseId, view.review);
}

/** The `post-notice` job: one short message for a dispute that gets no case. */
async function postNotice(context: Context, disputeId: string): Promise<void> {
  const { pool, client } = context;
  const { rows } = await pool.query<{
    kind: 'past_due' | 'answered';
    slack_ts: string | null;
    amount: string;
    currency: string;
    reason: string;
    due_by: Date | null;
    livemode: boolean;
    product: string;
  }>(
    `SELECT n.kind, n.slack_ts, d.amount, d.currency, d.reason, d.due_by, d.livemode, d.product
       FROM dispute_notices n JOIN disputes d ON d.id = n.dispute_id WHERE n.dispute_id = $1`,
    [disputeId],
  );
  const row = rows[0];
  if (!row || row.slack_ts) return;
  const channel = channelOf(context, row.product);
  const text = noticeText({
    kind: row.kind,
    disputeId,
    amount: Number(row.amount),
    currency: row.currency,
    reason: row.reason,
    dueBy: row.due_by,
    livemode: row.livemode,
  });
  const result = await context.paced(channel, () =>
    client.chat.postMessage({ channel, text, unfurl_links: false, unfurl_media: false }),
  );
  await pool.query('UPDATE dispute_notices SET slack_ts = $2 WHERE dispute_id = $1', [disputeId, result.ts ?? '']);
}

/** Where a product's cases go: its own channel with several products, else SLACK_CHANNEL_ID. */
function channelOf(context: Context, product: string): string {
  if (context.productChannels) {
    const channel = context.productChannels.get(product);
    if (!channel) throw new Error(`no channel for product ${product} (PRODUCTS_CONFIG): its case is not posted`);
    return channel;
  }
  if (!context.channel) throw new Error('SLACK_CHANNEL_ID is not set: rebut does not know where to post cases');
  return context.channel;
}

async function store(pool: Pool, caseId: number, channel: string, ts: string, version: number): Promise<void> {
  await pool.query('UPDATE cases SET slack_channel = $2, slack_ts = $3, slack_version = $4 WHERE id = $1', [
    caseId,
    channel,
    ts,
    version,
  ]);
}

async function postNew(context: Context, view: CaseView, channel: string): Promise<string> {
  const { client, pool, log } = context;
  const watch = stopwatch(context.observeStage);
  const message = await renderCase(pool, view, context.clock());
  const result = await context.paced(channel, () =>
    client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      metadata: metadataFor(view),
      unfurl_links: false,
      unfurl_media: false,
    }),
  );
  const ts = result.ts;
  if (!ts) throw new Error('Slack accepted the message but returned no ts');
  const postedIn = result.channel ?? channel;
  // Stored straight away: from here on, every retry updates this message.
  await store(pool, view.caseId, postedIn, ts, nextMessageVersion(view));
  watch.lap('post');
  // The end of the case's way to Slack, on its audit trail (cases/timing.ts reads the timeline from it).
  await audit(pool, {
    actor: 'rebut',
    action: 'case.posted',
    caseId: view.caseId,
    disputeId: view.dispute.id,
    detail: { channel: postedIn, ts, timing: watch.laps },
  });
  log.info({ caseId: view.caseId, channel: postedIn, ts }, 'case posted to Slack');
  return ts;
}

/** Re-renders the stored message; posts anew when someone deleted it. Returns the ts now in use. */
async function update(
  context: Context,
  view: CaseView,
  target: { channel: string; ts: string; version: number },
): Promise<string> {
  const { client, pool, log } = context;
  const rendered: CaseView = { ...view, slack: target };
  const message = await renderCase(pool, rendered, context.clock());
  try {
    await client.chat.update({
      channel: target.channel,
      ts: target.ts,
      text: message.text,
      blocks: message.blocks,
      metadata: metadataFor(view),
    });
  } catch (error) {
    if (slackErrorCode(error) !== 'message_not_found') throw error;
    log.warn({ caseId: view.caseId, ts: target.ts }, 'the case message was deleted in Slack; posting it again');
    return postNew(context, { ...view, slack: null }, target.channel);
  }
  await pool.query('UPDATE cases SET slack_version = $2 WHERE id = $1', [view.caseId, nextMessageVersion(rendered)]);
  return target.ts;
}
