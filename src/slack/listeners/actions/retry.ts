import { submitCase } from '../../../cases/submit.js';
import { submitReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Retry a failed submission: a person decides again, so it goes through as an approval. */
export const retryCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'retry', async (args, caseId) => {
    if (!(await mayDecide(deps, args, 'retry this submission', caseId))) return;
    const outcome = await submitCase(deps, caseId, 'approve', `slack:${args.body.user.id}`);
    await tell(deps, args, submitReply(outcome));
  });
