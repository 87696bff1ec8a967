// The queue tasks that keep a case's Slack message true: post it (or, under autopilot, submit and post the notice),
// update it after every change, remind in its thread before the automatic submission. Each task is keyed by case:
// a retry after a crash, a 429 or an outage updates the one message, never posts a second.
import { webApi } from '@slack/bolt';
import type Stripe from 'stripe';
import { z } from 'zod';
import { autopilotFor } from '../cases/autopilot.js';
import { submitCase } from '../cases/submit.js';
import { type CaseView, loadCaseView } from '../cases/view.js';
import { audit } from '../db/audit.js';
import type { Pool } from '../db/pool.js';
import type { Logger } from '../log.js';
import type { TaskHandler } from '../queue.js';
import { type CaseMessage, caseMessage, nextMessageVersion } from './blocks/case-message.js';
import { reminderText } from './blocks/reminder.js';
import { slackErrorCode } from './errors.js';

export type CaseTaskName = 'post-case' | 'update-case-message' | 'remind-case';

export interface CaseMessageDeps {
  client: webApi.WebClient;
  pool: Pool;
  stripe: Stripe;
  log: Logger;
  /** Where new cases are posted (SLACK_CHANNEL_ID). */
  channel: string | undefined;
  approverIds: readonly string[];
  /** This app's bot id, to recognise its own messages when Slack leaves the metadata out. */
  botId?: string;
  clock?: () => Date;
}

const payloadSchema = z.object({ caseId: z.coerce.number().int().positive() });

/** Slack message metadata that marks a case's message, so a retry can find a post whose ts was never stored. */
export const CASE_EVENT_TYPE = 'rebut_case';
/** How far back before the case was opened a retry looks for its message. */
const HISTORY_SLACK_MS = 60_000;
const HISTORY_PAGES = 10;

/** Slack's limit on chat.postMessage: about one message per second per channel, with generous bursts. */
export const CHANNEL_POST_INTERVAL_MS = 1_050;
/** After Slack answers a post with 429, posts keep to that interval until none was made for this long. */
export const RATE_LIMITED_FOR_MS = 60_000;

/**
 * Runs posts to a channel as Slack allows them: a burst goes out at once, but once Slack has answered a post with
 * 429 (the client waits its Retry-After and retries), each post waits its turn, so the rest of a backlog meets no
 * further 429s. Posts run one at a time (queue.ts SERIAL_QUEUES), so a turn is at most a second away.
 */
function channelPacer(client: webApi.WebClient) {
  let limitedUntil = 0;
  const lastPost = new Map<string, number>();
  client.on(webApi.WebClientEvent.RATE_LIMITED, (_seconds: number, request?: { url?: string }) => {
    if (request?.url?.includes('chat.postMessage')) limitedUntil = Date.now() + RATE_LIMITED_FOR_MS;
  });
  return async <T>(channel: string, post: () => Promise<T>): Promise<T> => {
    const wait = (lastPost.get(channel) ?? 0) + CHANNEL_POST_INTERVAL_MS - Date.now();
    if (Date.now() < limitedUntil && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      return await post();
    } finally {
      const now = Date.now();
      lastPost.set(channel, now);
      if (now < limitedUntil) limitedUntil = now + RATE_LIMITED_FOR_MS; // a backlog stays paced to its end
    }
  };
}

/** Names rebut's per-case advisory locks (two-int form: this, the case id) apart from anyone else's. */
const MESSAGE_LOCK_NAMESPACE = 0x736c6163; // "slac"

/**
 * Runs `work` holding a per-case advisory lock, so post, update and reminder of one case never interleave and
 * an older rendering never overwrites a newer one. An advisory lock, not a row lock: a click submitting the case
 * must not wait for Slack.
 */
async function withCaseLock<T>(pool: Pool, caseId: number, work: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [MESSAGE_LOCK_NAMESPACE, caseId]);
    try {
      return await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [MESSAGE_LOCK_NAMESPACE, caseId]).catch(() => {
        broken = true; // closing the connection releases the lock
      });
    }
  } finally {
    client.release(broken);
  }
}

/** The case's message as it should read now, with who accepted it from the audit log. */
export async function renderCase(pool: Pool, view: CaseView, now: Date): Promise<CaseMessage> {
  const { rows } = await pool.query<{ actor: string; at: Date }>(
    `SELECT actor, at FROM audit_log WHERE case_id = $1 AND action = 'case.accepted' ORDER BY id DESC LIMIT 1`,
    [view.caseId],
  );
  return caseMessage(view, now, { acceptedBy: rows[0] });
}

function metadataFor(view: CaseView) {
  return { event_type: CASE_EVENT_TYPE, event_payload: { case_id: view.caseId, dispute_id: view.dispute.id } };
}

export function caseTasks(deps: CaseMessageDeps): Record<CaseTaskName, TaskHandler> {
  const { client, pool, log } = deps;
  const clock = deps.clock ?? (() => new Date());
  const paced = channelPacer(client);

  function channelOrThrow(): string {
    if (!deps.channel) throw new Error('SLACK_CHANNEL_ID is not set: rebut does not know where to post cases');
    return deps.channel;
  }

  async function store(caseId: number, channel: string, ts: string, version: number): Promise<void> {
    await pool.query('UPDATE cases SET slack_channel = $2, slack_ts = $3, slack_version = $4 WHERE id = $1', [
      caseId,
      channel,
      ts,
      version,
    ]);
  }

  /** A message of ours for this case already in the channel (posted by an attempt that died before storing its ts). */
  async function findPosted(view: CaseView, channel: string): Promise<string | undefined> {
    const opened = await pool.query<{ created_at: Date }>('SELECT created_at FROM cases WHERE id = $1', [view.caseId]);
    const since = opened.rows[0]?.created_at ?? view.dispute.created;
    const oldest = String(Math.floor((since.getTime() - HISTORY_SLACK_MS) / 1000));
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let result: webApi.ConversationsHistoryResponse;
      try {
        result = await client.conversations.history({
          channel,
          oldest,
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
      } catch (error) {
        const code = slackErrorCode(error);
        // Without channels:history (or outside the channel) the search is impossible; post rather than lose the case.
        if (code === 'missing_scope' || code === 'not_in_channel' || code === 'channel_not_found') {
          log.warn(
            { caseId: view.caseId, code },
            'cannot read the channel history to find an earlier post; posting anew',
          );
          return undefined;
        }
        throw error;
      }
      for (const message of result.messages ?? []) {
        if (!message.ts) continue;
        const metadata = message.metadata;
        if (metadata?.event_type === CASE_EVENT_TYPE) {
          const payload = metadata.event_payload as Record<string, unknown> | undefined;
          if (Number(payload?.case_id) === view.caseId) return message.ts;
          continue;
        }
        // Without the metadata: our own message whose text names this dispute (see caseMessage's fallback text).
        const ours = deps.botId !== undefined && message.bot_id === deps.botId;
        if (ours && message.text?.startsWith(`Dispute ${view.dispute.id}:`)) return message.ts;
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) break;
    }
    return undefined;
  }

  async function postNew(view: CaseView, channel: string): Promise<string> {
    const message = await renderCase(pool, view, clock());
    const result = await paced(channel, () =>
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
    await store(view.caseId, postedIn, ts, nextMessageVersion(view));
    log.info({ caseId: view.caseId, channel: postedIn, ts }, 'case posted to Slack');
    return ts;
  }

  /** Re-renders the stored message; posts anew when someone deleted it. Returns the ts now in use. */
  async function update(view: CaseView, target: { channel: string; ts: string; version: number }): Promise<string> {
    const rendered: CaseView = { ...view, slack: target };
    const message = await renderCase(pool, rendered, clock());
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
      return postNew({ ...view, slack: null }, target.channel);
    }
    await pool.query('UPDATE cases SET slack_version = $2 WHERE id = $1', [view.caseId, nextMessageVersion(rendered)]);
    return target.ts;
  }

  /** The evidence files of the packet, as staged on Stripe, in the message's thread; once per case. */
  async function uploadPacket(caseId: number, channel: string, ts: string): Promise<void> {
    const done = await pool.query(`SELECT 1 FROM audit_log WHERE case_id = $1 AND action = 'slack.packet_posted'`, [
      caseId,
    ]);
    if ((done.rowCount ?? 0) > 0) return;
    const { rows } = await pool.query<{ field: string; filename: string; bytes: Buffer; pages: number }>(
      'SELECT field, filename, bytes, pages FROM evidence_files WHERE case_id = $1 ORDER BY id',
      [caseId],
    );
    if (rows.length === 0) return;
    await client.files.uploadV2({
      channel_id: channel,
      thread_ts: ts,
      initial_comment: `The evidence packet as staged on Stripe (${rows.length === 1 ? 'one file' : `${rows.length} files`}).`,
      file_uploads: rows.map((row) => ({
        file: row.bytes,
        filename: row.filename,
        title: `${row.field.replaceAll('_', ' ')}: ${row.filename} (${row.pages} ${row.pages === 1 ? 'page' : 'pages'})`,
      })),
    });
    await audit(pool, {
      actor: 'rebut',
      action: 'slack.packet_posted',
      caseId,
      detail: { files: rows.map((r) => r.filename) },
    });
  }

  const postCase: TaskHandler = async (payload, job) => {
    const { caseId } = payloadSchema.parse(payload);
    await withCaseLock(pool, caseId, async () => {
      let view = await loadCaseView(pool, caseId);
      if (!view) {
        log.warn({ caseId }, 'post-case: no such case; nothing to post');
        return;
      }
      if (view.state === 'awaiting_review' && (await autopilotFor(pool, view.dispute.reason))) {
        const outcome = await submitCase(deps, caseId, 'autopilot', 'autopilot');
        log.info({ caseId, outcome: outcome.kind }, `autopilot for ${view.dispute.reason}: ${outcome.kind}`);
        view = (await loadCaseView(pool, caseId)) ?? view;
      }
      let target = view.slack;
      if (!target && job.attempts > 1) {
        const channel = channelOrThrow();
        const ts = await findPosted(view, channel);
        if (ts) {
          log.info({ caseId, ts }, 'found the message an earlier attempt posted; updating it');
          target = { channel, ts, version: 1 };
          await store(caseId, channel, ts, 1);
        }
      }
      const channel = target?.channel ?? channelOrThrow();
      const ts = target ? await update(view, target) : await postNew(view, channel);
      await uploadPacket(caseId, channel, ts);
    });
  };

  const updateCaseMessage: TaskHandler = async (payload) => {
    const { caseId } = payloadSchema.parse(payload);
    await withCaseLock(pool, caseId, async () => {
      const view = await loadCaseView(pool, caseId);
      // Not posted yet: post-case renders the latest state when it runs.
      if (!view?.slack) return;
      await update(view, view.slack);
    });
  };

  const remindCase: TaskHandler = async (payload) => {
    const { caseId } = payloadSchema.parse(payload);
    await withCaseLock(pool, caseId, async () => {
      const view = await loadCaseView(pool, caseId);
      if (!view?.slack || view.state !== 'awaiting_review' || !view.autoSubmitAt) return;
      const { channel, ts } = view.slack;
      await paced(channel, () =>
        client.chat.postMessage({ channel, thread_ts: ts, text: reminderText(view, clock(), deps.approverIds) }),
      );
    });
  };

  return { 'post-case': postCase, 'update-case-message': updateCaseMessage, 'remind-case': remindCase };
}
