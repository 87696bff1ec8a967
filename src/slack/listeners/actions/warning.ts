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

/** Leave: no refund; the charge stays as it is. */
export const leaveWarningCallback = (deps: ListenerDeps) =>
  warningButton(deps, 'leave warning', 'leave this warning', async (warningId, actor) =>
    outcomeText(await leaveWarning(deps, warningId, actor), 'Left without a refund. Nothing was sent to Stripe.'),
  );
