import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { EditRefused, saveEditedDraft } from '../../../cases/edit.js';
import { getCase } from '../../../db/cases.js';
import { latestDraft } from '../../../db/drafts.js';
import { isDecidable } from '../../../dispute/states.js';
import { MAX_REBUTTAL_CHARS } from '../../../drafting/limits.js';
import { messageOf } from '../../../errors.js';
import { recordRefusal, refusalText } from '../../authorize.js';
import { type EditMetadata, editedText, editMetadataSchema, FIRST_INPUT_BLOCK_ID } from '../../blocks/edit-modal.js';
import { editSavedReply } from '../../blocks/replies.js';
import { caseWhere } from '../case-where.js';
import type { ListenerDeps } from '../deps.js';

type ViewArgs = AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>;

function readMetadata(text: string): EditMetadata | undefined {
  try {
    const parsed = editMetadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The edit modal's Save. Everything is checked again here, because a view can be submitted long after it was
 * opened or be forged: the person may decide, the metadata names a case that can still change, the text is
 * within Stripe's limit and nobody saved another version meanwhile. Errors show in the modal; nothing is stored.
 */
export const editRebuttalCallback = (deps: ListenerDeps) => async (args: ViewArgs) => {
  const { ack, body, view, client } = args;
  const userId = body.user.id;
  const showError = (message: string) =>
    ack({ response_action: 'errors', errors: { [FIRST_INPUT_BLOCK_ID]: message } });

  try {
    const metadata = readMetadata(view.private_metadata);
    const product = metadata ? (await caseWhere(deps, metadata.caseId))?.product : undefined;
    const permission = await deps.approvers.check(userId, product);
    if (!permission.allowed || !metadata) {
      const reason = permission.allowed ? 'the form was not one rebut made' : permission.reason;
      await recordRefusal(deps.pool, {
        userId,
        attempted: 'edit',
        reason,
        caseId: metadata?.caseId,
        detail: metadata ? {} : { privateMetadata: view.private_metadata.slice(0, 200) },
      });
      await showError(refusalText(reason, 'save this rebuttal'));
      return;
    }
    const { caseId } = metadata;
    const text = editedText(view.state.values, metadata.joins);
    if (text.length > MAX_REBUTTAL_CHARS) {
      await showError(
        `The rebuttal is ${text.length.toLocaleString('en-US')} characters; Stripe allows at most ${MAX_REBUTTAL_CHARS.toLocaleString('en-US')}.`,
      );
      return;
    }
    if (text === '') {
      await showError('The rebuttal is empty. Write it here, or close this and use Accept to concede the dispute.');
      return;
    }
    const current = await getCase(deps.pool, caseId);
    if (!current) {
      await showError('rebut has no such case.');
      return;
    }
    if (!isDecidable(current.state)) {
      await showError(
        `This case is ${current.state.replaceAll('_', ' ')} now, so the rebuttal can no longer change. Nothing was saved.`,
      );
      return;
    }
    const latest = await latestDraft(deps.pool, caseId);
    if (latest && latest.version !== metadata.draftVersion) {
      await showError(
        `Someone saved version ${latest.version} while you were editing. Copy your text, close this and open Edit rebuttal again.`,
      );
      return;
    }
    let saved: Awaited<ReturnType<typeof saveEditedDraft>>;
    try {
      // Stores the version, runs the grounding check and queues the message update.
      saved = await saveEditedDraft(deps.pool, caseId, text, userId, deps.business, metadata.draftVersion);
    } catch (error) {
      if (!(error instanceof EditRefused)) throw error;
      await showError(error.message);
      return;
    }
    await ack();
    const channel = current.slack_channel ?? deps.channel;
    if (channel) {
      await client.chat
        .postEphemeral({
          channel,
          user: userId,
          text: editSavedReply(saved.draft.version, saved.findings),
          ...(current.slack_ts ? { thread_ts: current.slack_ts } : {}),
        })
        .catch((error: unknown) => deps.log.warn({ err: error }, `could not tell ${userId} the edit was saved`));
    }
  } catch (error) {
    deps.log.error({ err: error }, 'saving an edited rebuttal failed');
    await showError(`rebut could not save the rebuttal: ${messageOf(error)}. Try again in a moment.`).catch(() => {});
  }
};
