import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import type { CaseView } from '../../cases/view.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';
import { slackErrorCode } from '../errors.js';

/** Slack message metadata that marks a case's message, so a retry can find a post whose ts was never stored. */
export const CASE_EVENT_TYPE = 'rebut_case';
/** How far back before the case was opened a retry looks for its message. */
const HISTORY_SLACK_MS = 60_000;
const HISTORY_PAGES = 10;
/** The metadata payload as `metadataFor` writes it (Slack types it as an empty object). */
const caseIdSchema = z.object({ case_id: z.coerce.number() });

export function metadataFor(view: CaseView) {
  return { event_type: CASE_EVENT_TYPE, event_payload: { case_id: view.caseId, dispute_id: view.dispute.id } };
}

/**
 * A message of ours for this case already in the channel: posted by an attempt that died before storing its ts.
 * Found by its metadata, or, where Slack leaves the metadata out, as this app's message naming the dispute.
 */
export async function findPosted(
  deps: { client: webApi.WebClient; pool: Pool; log: Logger; botId?: string },
  view: CaseView,
  channel: string,
): Promise<string | undefined> {
  const { client, pool, log } = deps;
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
        if (caseIdSchema.safeParse(metadata.event_payload).data?.case_id === view.caseId) return message.ts;
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
