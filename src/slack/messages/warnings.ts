// Early fraud warnings' messages: one per warning, or one per burst (several warnings of a product waiting to be
// posted at once share a message); posted once (each warning's review window starts when it is in Slack), updated
// after every change. Posts run one at a time (the slack-channel queue); an update holds the message's advisory lock so
// an older rendering never overwrites a newer one.
import type { webApi } from '@slack/bolt';
import type { Pool } from '../../db/pool.js';
import { getWarning, type StoredWarning } from '../../db/warnings.js';
import type { Logger } from '../../log.js';
import { startWarningReview } from '../../prevention/warning.js';
import { WARNING_BATCH_MAX, warningBatchMessage, warningMessage } from '../blocks/warning-message.js';
import { slackErrorCode } from '../errors.js';
import type { Pacer } from './pacer.js';

/** Names the per-message advisory locks (two-int form: this, hashtext(channel:ts)) apart from the cases'. */
const WARNING_LOCK_NAMESPACE = 0x77726e67; // "wrng"

/**
 * This many of a product's warnings waiting to be posted at once are a burst: one message shows them together
 * (Slack takes about one message a second per channel; forty warnings would otherwise bury the channel).
 */
export const WARNING_BATCH_AT = 5;

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

async function withLock<T>(pool: Pool, name: string, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [WARNING_LOCK_NAMESPACE, name]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [WARNING_LOCK_NAMESPACE, name]).catch(() => {
        broken = true;
      });
    }
  } finally {
    client.release(broken);
  }
}

async function load(pool: Pool, ids: readonly string[]): Promise<StoredWarning[]> {
  const warnings: StoredWarning[] = [];
  for (const id of ids) {
    const warning = await getWarning(pool, id);
    if (warning) warnings.push(warning);
  }
  return warnings;
}

function render(warnings: readonly StoredWarning[]) {
  const [only] = warnings;
  return warnings.length === 1 && only ? warningMessage(only) : warningBatchMessage(warnings);
}

/**
 * The `post-warning` job: the warning's message, or, when a burst of its product's warnings waits to be posted, one
 * message for up to `WARNING_BATCH_MAX` of them (this one first). A warning already in Slack is left to its updates.
 */
export async function postWarning(context: WarningMessageContext, warningId: string): Promise<void> {
  const { pool } = context;
  const warning = await getWarning(pool, warningId);
  if (!warning || warning.slack) return;
  const { rows } = await pool.query<{ id: string }>(
    `SELECT id FROM early_fraud_warnings WHERE product = $1 AND slack_ts IS NULL AND id <> $2
      ORDER BY created_at, id LIMIT $3`,
    [warning.product, warningId, WARNING_BATCH_MAX - 1],
  );
  const others = rows.length + 1 >= WARNING_BATCH_AT ? rows.map((row) => row.id) : [];
  await postMessage(context, [warning, ...(await load(pool, others))]);
}

async function postMessage(context: WarningMessageContext, warnings: readonly StoredWarning[]): Promise<void> {
  const { pool, log } = context;
  const first = warnings[0];
  if (!first) return;
  // Each waiting warning's window is shown from the first rendering; it is stored once the message is there.
  const actAt = new Date(Date.now() + context.reviewWindowMs);
  const shown = warnings.map((warning) =>
    warning.state === 'pending' && !warning.actAt ? { ...warning, actAt } : warning,
  );
  const message = render(shown);
  const ids = warnings.map((warning) => warning.id);
  const channel = context.channelOf(first.product);
  const result = await context.paced(channel, () =>
    context.client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      metadata: { event_type: WARNING_EVENT_TYPE, event_payload: { warning_id: first.id, warnings: ids.join(',') } },
      unfurl_links: false,
      unfurl_media: false,
    }),
  );
  if (!result.ts) throw new Error('Slack accepted the message but returned no ts');
  await pool.query('UPDATE early_fraud_warnings SET slack_channel = $2, slack_ts = $3 WHERE id = ANY($1::text[])', [
    ids,
    result.channel ?? channel,
    result.ts,
  ]);
  for (const id of ids) await startWarningReview(pool, id, context.reviewWindowMs);
  log.info(
    { warnings: ids, channel, ts: result.ts },
    `early fraud ${ids.length === 1 ? 'warning' : 'warnings'} posted to Slack`,
  );
}

/** The warnings a message shows: the ones stored with its channel and ts. */
async function shownWith(pool: Pool, slack: { channel: string; ts: string }): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    'SELECT id FROM early_fraud_warnings WHERE slack_channel = $1 AND slack_ts = $2 ORDER BY created_at, id',
    [slack.channel, slack.ts],
  );
  return rows.map((row) => row.id);
}

/** The `update-warning-message` job: the message showing this warning (alone or with its burst), rendered again. */
export async function updateWarningMessage(context: WarningMessageContext, warningId: string): Promise<void> {
  const warning = await getWarning(context.pool, warningId);
  // Not posted yet: post-warning renders the latest state when it runs.
  const slack = warning?.slack;
  if (!slack) return;
  await withLock(context.pool, `${slack.channel}:${slack.ts}`, async () => {
    const warnings = await load(context.pool, await shownWith(context.pool, slack));
    const message = render(warnings);
    try {
      await context.client.chat.update({
        channel: slack.channel,
        ts: slack.ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      if (slackErrorCode(error) !== 'message_not_found') throw error;
      context.log.warn({ warningId }, 'the warning message was deleted in Slack; posting it again');
      await postMessage(context, warnings);
    }
  });
}
