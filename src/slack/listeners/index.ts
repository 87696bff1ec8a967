import type { App } from '@slack/bolt';
import actions from './actions/index.js';
import commands from './commands/index.js';
import type { ListenerDeps } from './deps.js';
import events from './events/index.js';
import views from './views/index.js';

export function registerListeners(app: App, deps: ListenerDeps): void {
  actions.register(app, deps);
  commands.register(app, deps);
  events.register(app, deps);
  views.register(app, deps);
}
