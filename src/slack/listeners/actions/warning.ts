// Refund and Leave on an early fraud warning's message: acknowledge, check the warning is shown here and the person may
// decide for its product, then one call into prevention/warning.ts (the same compare-and-set the timer uses).
import { z } from 'zod';
import type { Pool } from '../../../db/pool.js';
import { leaveWarning, startRefund, type WarningOutcome } from '../../../prevention/warning.js';
import { recordRefusal, refusalText } from '../../authorize.js';
import { actorInWords } from '../../blocks/format.js';
import type { ListenerDeps } from '../deps.js';
import { type ButtonArgs, tell } from './button.js';

/** The button's value, set by the warning message builder: the warning's id. */
const warningValue = z.string().regex(/^issfr_\w{1,64}$/);

async function warningWhere(
  pool: Pool,
  warningId: string,
): Promise<{ product: string; channel: string | null } | undefined> {
  const { rows } = await pool.query<{ product: string; channel: string | null }>(
    'SELECT product, slack_channel AS channel FROM early_fraud_warnings WHERE id = $1',
    [warningId],
  );
  return rows[0];
}

function outcomeText(outcome: WarningOutcome, done: string): string {
  switch (outcome.kind) {
    case 'refunding':
      return ':arrows_counterclockwise: Refunding the charge. The message shows the refund once Stripe has made it.';
    case 'left':
      return `:no_entry_sign: ${done}`;
    case 'already':
      return `:information_source: This warning was already decided${outcome.decidedBy ? ` by ${actorInWords(outcome.decidedBy === 'policy' ? 'timer' : outcome.decidedBy)}` : ''} (${outcome.state}). Nothing was changed.`;
    case 'missing':
      return ':warning: rebut knows no such early fraud warning. Nothing was changed.';
  }
}

function warningButton(
  deps: ListenerDeps,
  name: string,
  attempted: string,
  work: (warningId: string, actor: string) => Promise<string>,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    try {
      await args.ack();
      const parsed = warningValue.safeParse(args.action.value);
      if (!parsed.success) {
        await tell(deps, args, ':warning: This button does not belong to a warning rebut knows.');
        return;
      }
      const warningId = parsed.data;
      const userId = args.body.user.id;
      const where = await warningWhere(deps.pool, warningId);
      const shownIn = where ? (where.channel ?? deps.productChannels?.get(where.product)) : undefined;
      const clickedIn = args.body.channel?.id ?? args.body.container?.channel_id;
      if (!where || (shownIn && clickedIn !== shownIn)) {
        const reason = where ? `warning ${warningId} is not shown in this channel` : `no warning ${warningId}`;
        await recordRefusal(deps.pool, { userId, attempted: args.action.action_id, reason, detail: { warningId } });
        await tell(deps, args, ':no_entry: This button does not belong to a warning shown here. Nothing was changed.');
        return;
      }
      const permission = await deps.approvers.check(userId, where.product);
      if (!permission.allowed) {
        await recordRefusal(deps.pool, {
          userId,
          attempted: args.action.action_id,
          reason: permission.reason,
          detail: { warningId },
        });
        await tell(deps, args, refusalText(permission.reason, attempted));
        return;
      }
      await tell(deps, args, await work(warningId, `slack:${userId}`));
    } catch (error) {
      deps.log.error({ err: error, action: name }, `the ${name} button failed`);
      await tell(deps, args, ':warning: Something went wrong. Check the warning message before trying again.').catch(
        () => {},
      );
    }
  };
}

/** Refund: the warned charge is refunded (once, whoever else clicks or whatever the timer does). */
export const refundWarningCallback = (deps: ListenerDeps) =>
  warningButton(deps, 'refund warning', 'refund this charge', async (warningId, actor) =>
    outcomeText(await startRefund(deps, warningId, actor), 'Left without a refund.'),
  );

/** The warnings still waiting in the message that shows `anchorId` (a burst's message), oldest first. */
async function waitingWith(pool: Pool, anchorId: string, onlyRecommended: boolean): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>(
    `SELECT w.id FROM early_fraud_warnings w JOIN early_fraud_warnings a
         ON a.id = $1 AND w.slack_channel = a.slack_channel AND w.slack_ts = a.slack_ts
      WHERE w.state = 'pending' AND ($2 = false OR w.recommendation = 'refund')
      ORDER BY w.created_at, w.id`,
    [anchorId, onlyRecommended],
  );
  return rows.map((row) => row.id);
}

/** A burst's Refund: every warning of the message still waiting whose recommendation is a refund, each once. */
export const refundRecommendedCallback = (deps: ListenerDeps) =>
  warningButton(deps, 'refund recommended warnings', 'refund these charges', async (anchorId, actor) => {
    let refunding = 0;
    for (const id of await waitingWith(deps.pool, anchorId, true)) {
      if ((await startRefund(deps, id, actor)).kind === 'refunding') refunding++;
    }
    return refunding > 0
      ? `:arrows_counterclockwise: Refunding ${refunding} ${refunding === 1 ? 'charge' : 'charges'}. The message shows each refund once Stripe has made it.`
      : ':information_source: Nothing left to refund here: every warning was already decided. Nothing was changed.';
  });

/** A burst's Leave: every warning of the message still waiting is left without a refund. */
export const leaveAllCallback = (deps: ListenerDeps) =>
  warningButton(deps, 'leave warnings', 'leave these warnings', async (anchorId, actor) => {
    let left = 0;
    for (const id of await waitingWith(deps.pool, anchorId, false)) {
      if ((await leaveWarning(deps, id, actor)).kind === 'left') left++;
    }
    return left > 0
      ? `:no_entry_sign: Left ${left} ${left === 1 ? 'warning' : 'warnings'} without a refund. Nothing was sent to Stripe.`
      : ':information_source: Every warning here was already decided. Nothing was changed.';
  });

/** Leave: no refund; the charge stays as it is. */
export const leaveWarningCallback = (deps: ListenerDeps) =>
  warningButton(deps, 'leave warning', 'leave this warning', async (warningId, actor) =>
    outcomeText(await leaveWarning(deps, warningId, actor), 'Left without a refund. Nothing was sent to Stripe.'),
  );
