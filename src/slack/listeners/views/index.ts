import type { App } from '@slack/bolt';
import { EDIT_CALLBACK_ID } from '../../blocks/edit-modal.js';
import type { ListenerDeps } from '../deps.js';
import { editRebuttalCallback } from './edit-rebuttal.js';

const register = (app: App, deps: ListenerDeps) => {
  app.view(EDIT_CALLBACK_ID, editRebuttalCallback(deps));
};

export default { register };
