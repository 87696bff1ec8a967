import { submitCase } from '../../../cases/submit.js';
import { submitReply } from '../../blocks/replies.js';
import type { ListenerDeps } from '../deps.js';
import { buttonListener, mayDecide, tell } from './button.js';

/** Fight anyway: a person overrules triage's "do not fight" and submits the version the message showed. */
export const fightAnywayCallback = (deps: ListenerDeps) =>
  buttonListener(deps, 'fight anyway', async (args, caseId, seenVersion) => {
    if (!(await mayDecide(deps, args, 'fight this case', caseId))) return;
    const outcome = await submitCase(deps, caseId, 'approve', `slack:${args.body.user.id}`, seenVersion);
    await tell(deps, args, submitReply(outcome));
  });
