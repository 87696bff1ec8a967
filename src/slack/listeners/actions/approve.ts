import { submitCase } from '../../../cases/submit.js';
import { submitReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Approve & submit: the one submission path, as `slack:<user>`; the message updates through its own job. */
export const approveCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'approve', async (args, caseId, seenVersion) => {
    if (!(await mayDecide(deps, args, 'approve this case', caseId))) return;
    const outcome = await submitCase(deps, caseId, 'approve', `slack:${args.body.user.id}`, seenVersion);
    await tell(deps, args, submitReply(outcome));
  });
