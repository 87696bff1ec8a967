import type { webApi } from '@slack/bolt';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';
import { digestPosted, loadDigest } from '../../stats/digest.js';
import { digestMessage } from '../blocks/digest.js';
import type { Pacer } from './pacer.js';

/** Slack message metadata marking a weekly digest. */
export const DIGEST_EVENT_TYPE = 'rebut_digest';

/**
 * The `post-digest` job: the week's digest in its channel, once. The week's row was inserted with the job (of two
 * instances, one queued it) and records the message's ts as soon as Slack has it; a retry finds it and stops.
 */
export async function postDigest(
  deps: { client: webApi.WebClient; pool: Pool; log: Logger; paced: Pacer },
  week: string,
): Promise<void> {
  const { client, pool, log } = deps;
  const digest = await loadDigest(pool, week);
  if (!digest || digest.postedTs) return;
  const message = digestMessage(digest);
  const result = await deps.paced(digest.channel, () =>
    client.chat.postMessage({
      channel: digest.channel,
      text: message.text,
      blocks: message.blocks,
      metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { week } },
      unfurl_links: false,
      unfurl_media: false,
    }),
  );
  await digestPosted(pool, week, result.ts ?? '');
  log.info({ week, channel: digest.channel }, 'weekly digest posted');
}
