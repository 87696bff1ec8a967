import { acceptCase, failedWhileAccepting } from '../../../cases/accept.js';
import { retryPreparation } from '../../../cases/retry-preparation.js';
import { submitCase } from '../../../cases/submit.js';
import { getCase } from '../../../db/cases.js';
import { acceptReply, retryPreparationReply, submitReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/**
 * Retry what failed: a case that could not be prepared is prepared again; a submission goes through again as an
 * approval (a person decides again); a case whose accept failed is closed on Stripe again, never submitted.
 */
export const retryCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'retry', async (args, caseId, seenVersion) => {
    const row = await getCase(deps.pool, caseId);
    if (row?.state === 'new' || row?.state === 'drafting') {
      if (!(await mayDecide(deps, args, 'prepare this case again', caseId))) return;
      await tell(deps, args, retryPreparationReply(await retryPreparation(deps, caseId, `slack:${args.body.user.id}`)));
      return;
    }
    if (row && failedWhileAccepting(row)) {
      if (!(await mayDecide(deps, args, 'accept this dispute', caseId))) return;
      await tell(deps, args, acceptReply(await acceptCase(deps, caseId, `slack:${args.body.user.id}`)));
      return;
    }
    if (!(await mayDecide(deps, args, 'retry this submission', caseId))) return;
    const outcome = await submitCase(deps, caseId, 'approve', `slack:${args.body.user.id}`, seenVersion);
    await tell(deps, args, submitReply(outcome));
  });
