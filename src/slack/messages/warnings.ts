// An early fraud warning's message: posted once (the review window starts when it is in Slack), updated after every
// change. Jobs keyed by warning (jobs/definitions.ts), run under a per-warning advisory lock so an older rendering
// never overwrites a newer one.
import type { webApi } from '@slack/bolt';
import type { Pool } from '../../db/pool.js';
import { getWarning } from '../../db/warnings.js';
import type { Logger } from '../../log.js';
import { startWarningReview } from '../../prevention/warning.js';
import { warningMessage } from '../blocks/warning-message.js';
import { slackErrorCode } from '../errors.js';
import type { Pacer } from './pacer.js';

/** Names the per-warning advisory locks (two-int form: this, hashtext(warning id)) apart from the cases'. */
const WARNING_LOCK_NAMESPACE = 0x77726e67; // "wrng"

export const WARNING_EVENT_TYPE = 'rebut_early_fraud_warning';

export interface WarningMessageContext {
  client: webApi.WebClient;
  pool: Pool;
  log: Logger;
  paced: Pacer;
  /** Where the warning's product posts (its channel, or SLACK_CHANNEL_ID). */
  channelOf(product: string): string;
  /** EFW_REVIEW_WINDOW: from the post on, how long the warning waits for a person. */
  reviewWindowMs: number;
}

async function withWarningLock<T>(pool: Pool, warningId: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [WARNING_LOCK_NAMESPACE, warningId]);
    try {
      return await work();
    } finally {
      await client
        .query('SELECT pg_advisory_unlock($1, hashtext($2))', [WARNING_LOCK_NAMESPACE, warningId])
        .catch(() => {
          broken = true;
        });
    }
  } finally {
    client.release(broken);
  }
}

/** The `post-warning` job: the message, or the stored one brought up to date; the review window starts. */
export async function postWarning(context: WarningMessageContext, warningId: string): Promise<void> {
  const { pool, log } = context;
  await withWarningLock(pool, warningId, async () => {
    const warning = await getWarning(pool, warningId);
    if (!warning) return;
    if (warning.slack) {
      await updateWarning(context, warningId);
      return;
    }
    // The window is shown from the first rendering; it is stored once the message is there.
    const shown =
      warning.state === 'pending' ? { ...warning, actAt: new Date(Date.now() + context.reviewWindowMs) } : warning;
    const message = warningMessage(shown);
    const channel = context.channelOf(warning.product);
    const result = await context.paced(channel, () =>
      context.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: WARNING_EVENT_TYPE, event_payload: { warning_id: warning.id } },
        unfurl_links: false,
        unfurl_media: false,
      }),
    );
    if (!result.ts) throw new Error('Slack accepted the message but returned no ts');
    await pool.query('UPDATE early_fraud_warnings SET slack_channel = $2, slack_ts = $3 WHERE id = $1', [
      warningId,
      result.channel ?? channel,
      result.ts,
    ]);
    await startWarningReview(pool, warningId, context.reviewWindowMs);
    log.info({ warningId, channel, ts: result.ts }, 'early fraud warning posted to Slack');
  });
}

/** The `update-warning-message` job. */
export async function updateWarningMessage(context: WarningMessageContext, warningId: string): Promise<void> {
  await withWarningLock(context.pool, warningId, () => updateWarning(context, warningId));
}

async function updateWarning(context: WarningMessageContext, warningId: string): Promise<void> {
  const warning = await getWarning(context.pool, warningId);
  // Not posted yet: post-warning renders the latest state when it runs.
  if (!warning?.slack) return;
  const message = warningMessage(warning);
  try {
    await context.client.chat.update({
      channel: warning.slack.channel,
      ts: warning.slack.ts,
      text: message.text,
      blocks: message.blocks,
    });
  } catch (error) {
    if (slackErrorCode(error) !== 'message_not_found') throw error;
    context.log.warn({ warningId }, 'the warning message was deleted in Slack; posting it again');
    await context.pool.query('UPDATE early_fraud_warnings SET slack_channel = NULL, slack_ts = NULL WHERE id = $1', [
      warningId,
    ]);
    await postWarningUnlocked(context, warningId);
  }
}

async function postWarningUnlocked(context: WarningMessageContext, warningId: string): Promise<void> {
  const warning = await getWarning(context.pool, warningId);
  if (!warning) return;
  const message = warningMessage(warning);
  const channel = context.channelOf(warning.product);
  const result = await context.paced(channel, () =>
    context.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks }),
  );
  await context.pool.query('UPDATE early_fraud_warnings SET slack_channel = $2, slack_ts = $3 WHERE id = $1', [
    warningId,
    result.channel ?? channel,
    result.ts ?? '',
  ]);
}
