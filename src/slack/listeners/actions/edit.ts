import { loadCaseView } from '../../../cases/view.js';
import { recordRefusal, refusalText } from '../../authorize.js';
import { editModal } from '../../blocks/edit-modal.js';
import { caseWhere } from '../case-where.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, tell } from './button.js';

/**
 * Edit rebuttal: opens the modal straight after the ack. Slack's trigger id works once and only for 3 s, so the
 * permission check and the case read run together and nothing else comes before views.open.
 */
export const editCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'edit', async (args, caseId) => {
    const userId = args.body.user.id;
    const [where, view] = await Promise.all([
      caseWhere(deps, caseId),
      loadCaseView(deps.pool, caseId, deps.unwinnable),
    ]);
    const permission = await deps.approvers.check(userId, where?.product);
    if (!permission.allowed) {
      await recordRefusal(deps.pool, { userId, attempted: 'edit', reason: permission.reason, caseId });
      await tell(deps, args, refusalText(permission.reason, 'edit this rebuttal'));
      return;
    }
    if (!view) {
      await tell(deps, args, ':warning: rebut has no such case.');
      return;
    }
    if (view.state !== 'awaiting_review' && view.state !== 'failed') {
      await tell(
        deps,
        args,
        `:information_source: This case is ${view.state.replaceAll('_', ' ')}; its rebuttal can no longer change.`,
      );
      return;
    }
    await args.client.views.open({ trigger_id: args.body.trigger_id, view: editModal(view) });
  });
