// notify: a notification to the owner, the previous owner, the actor, listed users, or a group of the pool
// (its managers, its members, its department's admins, members with an attribute) that the runtime expands.
import type { ActionDefinition } from '../registry.js';
import { renderText } from '../text.js';
import type { Audience } from '../types.js';

type Recipient = 'owner' | 'previousOwner' | 'actor';

interface NotifyParams {
  to: Recipient | Audience | string[];
  kind?: string;
  message: { en: string; zh?: string };
}

const GROUPS = ['poolManagers', 'poolMembers', 'departmentAdmins'] as const;

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
          {
            title: 'Person or group',
            type: 'string',
            enum: ['owner', 'previousOwner', 'actor', ...GROUPS],
          },
          { title: 'Users', type: 'array', items: { type: 'string' }, minItems: 1 },
          {
            title: 'Pool members with an attribute',
            type: 'object',
            required: ['attribute', 'equals'],
            additionalProperties: false,
            properties: {
              attribute: { type: 'string', title: 'Attribute', minLength: 1, maxLength: 100 },
              equals: { title: 'Equals', type: ['string', 'number', 'boolean'] },
            },
          },
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
    let to: string[] = [];
    // A group is emitted as is: the engine knows no pool membership, the runtime (or simulator) expands it.
    let audience: Audience | undefined;
    if (Array.isArray(params.to)) to = params.to;
    else if (typeof params.to === 'object') audience = params.to;
    else if ((GROUPS as readonly string[]).includes(params.to)) audience = params.to as Audience;
    else if (params.to === 'owner') to = instance.ownerId ? [instance.ownerId] : [];
    else if (params.to === 'actor') to = ctx.user ? [ctx.user.id] : [];
    else {
      const last = instance.previousOwners[instance.previousOwners.length - 1];
      to = last ? [last.userId] : [];
    }
    if (to.length === 0 && audience === undefined) return;
    // One message goes to every recipient: masked fields read as *** unless only the owner or the
    // pool's managers get it (the pool list masks them from other members alike).
    const seesAll =
      params.to === 'owner' ||
      params.to === 'poolManagers' ||
      (params.to === 'actor' && ctx.user !== null && ctx.user.id === instance.ownerId);
    const masked = seesAll ? [] : (ctx.maskedInPool ?? []);
    const data = {
      entity: maskFields(ctx.entity, masked),
      instance,
      event: { ...ctx.event, payload: maskFields(ctx.event.payload, masked) },
      now: ctx.now,
    };
    const message: { en: string; zh?: string } = { en: renderText(params.message.en, data) };
    if (params.message.zh !== undefined) message.zh = renderText(params.message.zh, data);
    const kind = params.kind ?? 'info';
    ctx.emit(
      audience === undefined
        ? { type: 'notify', to, kind, message }
        : { type: 'notify', to, audience, kind, message },
    );
  },
};

/** A copy with the named own fields that are present replaced by '***' (as the runtime masks data). */
function maskFields<T>(value: T, masked: readonly string[]): T {
  if (masked.length === 0 || value === null || typeof value !== 'object' || Array.isArray(value))
    return value;
  const copy = { ...(value as Record<string, unknown>) };
  for (const field of masked) if (Object.hasOwn(copy, field)) copy[field] = '***';
  return copy as T;
}
