import { acceptCase } from '../../../cases/accept.js';
import { acceptReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Accept: concede the dispute on Stripe (irreversible; the button asks first). */
export const acceptCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'accept', async (args, caseId) => {
    if (!(await mayDecide(deps, args, 'accept this dispute', caseId))) return;
    const outcome = await acceptCase(deps, caseId, `slack:${args.body.user.id}`);
    await tell(deps, args, acceptReply(outcome));
  });
