// Registers the built-in actions, one file each, in the shared registry.
import { moveToPoolAction } from './actions/move-to-pool.action.js';
import { notifyAction } from './actions/notify.action.js';
import { setAction } from './actions/set.action.js';
import { tagAction } from './actions/tag.action.js';
import { untagAction } from './actions/untag.action.js';
import { webhookAction } from './actions/webhook.action.js';
import { actions } from './registry.js';

actions.register(notifyAction);
actions.register(tagAction);
actions.register(untagAction);
actions.register(setAction);
actions.register(moveToPoolAction);
actions.register(webhookAction);
