import { type AutopilotDeps, autopilotCase } from '../cases/autopilot.js';
import { type DraftDeps, draftCase } from '../cases/draft.js';
import { type PrepareDeps, prepareCase } from '../cases/prepare.js';
import { type ProcessEventDeps, processEvent } from '../cases/process-event.js';
import { refundWarning, type WarningDeps } from '../prevention/warning.js';
import type { CaseMessages } from '../slack/messages/index.js';
import type { JobHandlers } from './runner.js';

export interface PipelineDeps {
  events: ProcessEventDeps;
  prepare: PrepareDeps;
  draft: DraftDeps;
  autopilot: AutopilotDeps;
  /** Early fraud warnings: the refund job. */
  warnings: WarningDeps;
  /** Slack's message jobs; an instance without Slack leaves them to one that has it. */
  messages: CaseMessages | undefined;
}

/**
 * What runs each job of the pipeline (jobs/definitions.ts says what follows what). Each handler is one call into
 * the domain or Slack, given its payload as the definition's schema parsed it.
 */
export function jobHandlers(deps: PipelineDeps): JobHandlers {
  const { messages } = deps;
  return {
    'process-event': ({ eventId }) => processEvent(deps.events, eventId),
    'prepare-case': ({ caseId }, job) => prepareCase(deps.prepare, caseId, job),
    'draft-case': ({ caseId }) => draftCase(deps.draft, caseId),
    'autopilot-case': ({ caseId }) => autopilotCase(deps.autopilot, caseId),
    'post-case': messages && (({ caseId }, job) => messages.post(caseId, job)),
    'post-packet': messages && (({ caseId }) => messages.packet(caseId)),
    'update-case-message': messages && (({ caseId }) => messages.update(caseId)),
    'remind-case': messages && (({ caseId }) => messages.remind(caseId)),
    'post-notice': messages && (({ disputeId }) => messages.notice(disputeId)),
    'post-outcome': messages && (({ caseId }) => messages.outcome(caseId)),
    'post-digest': messages && (({ week }) => messages.digest(week)),
    'refund-warning': ({ warningId }) => refundWarning(deps.warnings, warningId),
    'post-warning': messages && (({ warningId }) => messages.warning(warningId)),
    'update-warning-message': messages && (({ warningId }) => messages.warningUpdate(warningId)),
  };
}
