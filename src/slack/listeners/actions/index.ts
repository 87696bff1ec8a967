import type { App } from '@slack/bolt';
import { CASE_ACTIONS } from '../../blocks/case-message.js';
import { WARNING_ACTIONS, WARNING_BATCH_ACTIONS } from '../../blocks/warning-message.js';
import type { ListenerDeps } from '../deps.js';
import { acceptCallback } from './accept.js';
import { approveCallback } from './approve.js';
import { autoCallback } from './auto.js';
import { editCallback } from './edit.js';
import { fightAnywayCallback } from './fight-anyway.js';
import { holdCallback } from './hold.js';
import { refundCallback } from './refund.js';
import { retryCallback } from './retry.js';
import { leaveAllCallback, leaveWarningCallback, refundRecommendedCallback, refundWarningCallback } from './warning.js';

const register = (app: App, deps: ListenerDeps) => {
  app.action(CASE_ACTIONS.approve, approveCallback(deps));
  app.action(CASE_ACTIONS.edit, editCallback(deps));
  app.action(CASE_ACTIONS.auto, autoCallback(deps));
  app.action(CASE_ACTIONS.accept, acceptCallback(deps));
  app.action(CASE_ACTIONS.refund, refundCallback(deps));
  app.action(CASE_ACTIONS.retry, retryCallback(deps));
  app.action(CASE_ACTIONS.hold, holdCallback(deps));
  app.action(CASE_ACTIONS.fightAnyway, fightAnywayCallback(deps));
  app.action(WARNING_ACTIONS.refund, refundWarningCallback(deps));
  app.action(WARNING_ACTIONS.leave, leaveWarningCallback(deps));
  app.action(WARNING_BATCH_ACTIONS.refundRecommended, refundRecommendedCallback(deps));
  app.action(WARNING_BATCH_ACTIONS.leaveAll, leaveAllCallback(deps));
};

export default { register };
