// notify: a notification to the owner, the previous owner, the actor or listed users (e.g. release reminders).
import type { ActionDefinition } from '../registry.js';
import { renderText } from '../text.js';

interface NotifyParams {
  to: 'owner' | 'previousOwner' | 'actor' | string[];
  kind?: string;
  message: { en: string; zh?: string };
}

export const notifyAction: ActionDefinition<NotifyParams> = {
  type: 'notify',
  description:
    'Send a notification; {{entity.name}}-style placeholders are filled from the record.',
  paramsSchema: {
    type: 'object',
    required: ['to', 'message'],
    additionalProperties: false,
    properties: {
      to: {
        title: 'Recipients',
        anyOf: [
          { type: 'string', enum: ['owner', 'previousOwner', 'actor'] },
          { type: 'array', items: { type: 'string' }, minItems: 1 },
        ],
      },
      kind: { type: 'string', title: 'Kind', default: 'info' },
      message: {
        type: 'object',
        title: 'Message',
        required: ['en'],
        additionalProperties: false,
        properties: { en: { type: 'string', minLength: 1 }, zh: { type: 'string' } },
      },
    },
  },
  run(ctx, params) {
    const { instance } = ctx;
    let to: string[];
    if (Array.isArray(params.to)) to = params.to;
    else if (params.to === 'owner') to = instance.ownerId ? [instance.ownerId] : [];
    else if (params.to === 'actor') to = ctx.user ? [ctx.user.id] : [];
    else {
      const last = instance.previousOwners[instance.previousOwners.length - 1];
      to = last ? [last.userId] : [];
    }
    if (to.length === 0) return;
    const data = { entity: ctx.entity, instance, event: ctx.event, now: ctx.now };
    const message: { en: string; zh?: string } = { en: renderText(params.message.en, data) };
    if (params.message.zh !== undefined) message.zh = renderText(params.message.zh, data);
    ctx.emit({ type: 'notify', to, kind: params.kind ?? 'info', message });
  },
};
