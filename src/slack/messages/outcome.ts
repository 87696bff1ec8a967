import type { webApi } from '@slack/bolt';
import { loadCaseOutcome } from '../../cases/outcome.js';
import { audit } from '../../db/audit.js';
import type { Pool } from '../../db/pool.js';
import type { Logger } from '../../log.js';
import { outcomeText } from '../blocks/outcome.js';
import { withCaseLock } from './lock.js';
import type { Pacer } from './pacer.js';

/**
 * The `post-outcome` job: one reply in the case message's thread saying how Stripe decided the dispute. Once per case:
 * the reply is recorded in the audit log (`slack.outcome_posted`) as soon as Slack has it, and a case with a recorded
 * reply, without a message in Slack, or not won or lost gets none. Only a crash between Slack's answer and that
 * record could post a second, as with the packet's files.
 */
export async function postOutcome(
  deps: { client: webApi.WebClient; pool: Pool; log: Logger; paced: Pacer },
  caseId: number,
): Promise<void> {
  const { client, pool, log } = deps;
  await withCaseLock(pool, caseId, async () => {
    const outcome = await loadCaseOutcome(pool, caseId);
    if (!outcome || outcome.postedTs) return;
    const { channel, ts } = outcome.slack;
    const result = await deps.paced(channel, () =>
      client.chat.postMessage({ channel, thread_ts: ts, text: outcomeText(outcome), unfurl_links: false }),
    );
    await audit(pool, {
      actor: 'rebut',
      action: 'slack.outcome_posted',
      caseId,
      disputeId: outcome.disputeId,
      detail: { outcome: outcome.outcome, ts: result.ts ?? null },
    });
    log.info({ caseId, outcome: outcome.outcome }, 'outcome posted in the case thread');
  });
}
