// What every case button does before its own work: read the case id, check the person may decide, and answer
// only them (ephemeral), through the click's response_url or, failing that, chat.postEphemeral.
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { messageOf } from '../../../errors.js';
import { recordRefusal, refusalText } from '../../authorize.js';
import { caseWhere } from '../case-where.js';
import type { ListenerDeps } from '../deps.js';

export type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** A button's `value`, set by the case message builder: the case id, and on buttons that submit the draft version shown. */
const buttonValue = z
  .string()
  .regex(/^[1-9]\d{0,15}(:[1-9]\d{0,8})?$/)
  .transform((value) => {
    const [caseId, version] = value.split(':');
    return { caseId: Number(caseId), version: version === undefined ? undefined : Number(version) };
  });

/** Answers only the person who clicked. */
export async function tell(deps: ListenerDeps, args: ButtonArgs, text: string): Promise<void> {
  try {
    await args.respond({ response_type: 'ephemeral', replace_original: false, text });
    return;
  } catch (error) {
    deps.log.warn({ err: error }, 'response_url failed; answering with chat.postEphemeral');
  }
  const channel = args.body.channel?.id ?? args.body.container?.channel_id ?? deps.channel;
  if (!channel) return;
  await args.client.chat
    .postEphemeral({ channel, user: args.body.user.id, text })
    .catch((error: unknown) =>
      deps.log.warn({ err: error }, `could not answer ${args.body.user.id}: ${messageOf(error)}`),
    );
}

/** True when the clicking person may decide this case (its product's approvers); otherwise refuses and audits it. */
export async function mayDecide(
  deps: ListenerDeps,
  args: ButtonArgs,
  attempted: string,
  caseId: number,
): Promise<boolean> {
  const userId = args.body.user.id;
  const permission = await deps.approvers.check(userId, (await caseWhere(deps, caseId))?.product);
  if (permission.allowed) return true;
  await recordRefusal(deps.pool, { userId, attempted: args.action.action_id, reason: permission.reason, caseId });
  deps.log.info({ userId, caseId, action: args.action.action_id }, 'refused a click by someone who may not decide');
  await tell(deps, args, refusalText(permission.reason, attempted));
  return false;
}

/**
 * A button listener: acknowledge at once (Slack waits 3 s), then do the work; errors become an answer to the
 * person and a log line, never an unhandled rejection.
 */
export function buttonListener(
  deps: ListenerDeps,
  name: string,
  /** `seenVersion`: the draft version the message showed, on buttons that send the draft. */
  work: (args: ButtonArgs, caseId: number, seenVersion: number | undefined) => Promise<void>,
): (args: ButtonArgs) => Promise<void> {
  return async (args) => {
    try {
      await args.ack();
      const parsed = buttonValue.safeParse(args.action.value);
      if (!parsed.success) {
        await tell(deps, args, ':warning: This button does not belong to a case rebut knows.');
        return;
      }
      // A case's buttons act only where the case is shown: a click from another channel (another product's, or a
      // forged value) changes nothing.
      const where = await caseWhere(deps, parsed.data.caseId);
      const shownIn = where ? (where.channel ?? deps.productChannels?.get(where.product)) : undefined;
      const clickedIn = args.body.channel?.id ?? args.body.container?.channel_id;
      if (shownIn && clickedIn !== shownIn) {
        const reason = `case ${parsed.data.caseId} is not shown in this channel`;
        await recordRefusal(deps.pool, {
          userId: args.body.user.id,
          attempted: args.action.action_id,
          reason,
          caseId: parsed.data.caseId,
          detail: { channel: clickedIn ?? null },
        });
        deps.log.warn({ caseId: parsed.data.caseId, channel: clickedIn }, `refused a click: ${reason}`);
        await tell(deps, args, `:no_entry: This button does not belong to a case shown here. Nothing was changed.`);
        return;
      }
      await work(args, parsed.data.caseId, parsed.data.version);
    } catch (error) {
      deps.log.error({ err: error, action: name }, `the ${name} button failed`);
      await tell(
        deps,
        args,
        `:warning: Something went wrong (${messageOf(error)}). Check the case message before trying again.`,
      ).catch(() => {});
    }
  };
}
