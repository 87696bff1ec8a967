import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';

/**
 * Slack's events rebut subscribes to (manifest.yml → event_subscriptions). A user group's members changed: its cached
 * member list is dropped, so someone removed from the approvers' group can no longer decide from the next click on.
 */
const register = (app: App, deps: ListenerDeps) => {
  app.event('subteam_members_changed', async ({ event }) => {
    deps.approvers.forget(event.subteam_id);
    deps.log.info({ usergroup: event.subteam_id }, 'a user group changed; its members are read again');
  });
};

export default { register };
