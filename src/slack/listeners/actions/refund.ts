import { acceptCase } from '../../../cases/accept.js';
import { acceptReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Refund, on an inquiry: the payment refunded once and the inquiry closed (irreversible; the button asks first). */
export const refundCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'refund', async (args, caseId) => {
    if (!(await mayDecide(deps, args, 'refund this payment', caseId))) return;
    const outcome = await acceptCase(deps, caseId, `slack:${args.body.user.id}`, { refund: true });
    await tell(deps, args, acceptReply(outcome));
  });
