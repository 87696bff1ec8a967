import { holdCase } from '../../../cases/hold.js';
import { holdReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Hold: stop the timer for this case until someone decides (the button asks first). */
export const holdCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'hold', async (args, caseId) => {
    if (!(await mayDecide(deps, args, 'hold this case', caseId))) return;
    const outcome = await holdCase(deps, caseId, `slack:${args.body.user.id}`, 'held from Slack');
    await tell(deps, args, holdReply(outcome));
  });
