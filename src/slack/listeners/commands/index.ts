import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { disputesCallback } from './disputes.js';

const register = (app: App, deps: ListenerDeps) => {
  app.command('/disputes', disputesCallback(deps));
};

export default { register };
