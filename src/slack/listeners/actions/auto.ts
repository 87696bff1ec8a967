import { setAutopilot } from '../../../cases/autopilot.js';
import { submitCase } from '../../../cases/submit.js';
import { getCase } from '../../../db/cases.js';
import { getDispute } from '../../../db/disputes.js';
import { autoReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Auto: put this case's reason on autopilot, then submit this case as autopilot would. */
export const autoCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'auto', async (args, caseId, seenVersion) => {
    if (!(await mayDecide(deps, args, 'put this reason on autopilot', caseId))) return;
    const actor = `slack:${args.body.user.id}`;
    const found = await getCase(deps.pool, caseId);
    const dispute = found ? await getDispute(deps.pool, found.dispute_id) : undefined;
    if (!dispute) {
      await tell(deps, args, ':warning: rebut has no such case.');
      return;
    }
    await setAutopilot(deps.pool, dispute.product, dispute.reason, true, actor);
    const outcome = await submitCase(deps, caseId, 'autopilot', actor, seenVersion);
    await tell(deps, args, autoReply(dispute.reason, outcome));
  });
