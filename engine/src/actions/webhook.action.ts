// webhook: a POST to an external URL, carried out by the runtime after commit from the outbox: a JSON body
// (a rule), or a message formatted for a group robot (WeCom, DingTalk, Feishu, Slack incoming webhooks).
import { recordTitle } from '../audit.js';
import type { ActionContext, ActionDefinition } from '../registry.js';
import { renderText } from '../text.js';
import type { JsonObject, WebhookPreset } from '../types.js';

interface WebhookParams {
  url: string;
  body?: unknown;
  preset?: WebhookPreset;
  message?: { en: string; zh?: string };
  language?: 'en' | 'zh';
  secretRef?: string;
}

/** The body each group robot expects for a plain text message. */
export function presetBody(preset: WebhookPreset, text: string): unknown {
  switch (preset) {
    case 'wecom':
    case 'dingtalk':
      return { msgtype: 'text', text: { content: text } };
    case 'feishu':
      return { msg_type: 'text', content: { text } };
    case 'slack':
      return { text };
  }
}

const TIMER_EVENT = /^xstate\.after\.([^.]+)\./;

/**
 * A robot's text when the action names no message: the event in words (its label, or the timer's
 * delay, never XState's timer id) and the record by the policy's title field.
 */
function defaultMessage(ctx: ActionContext, language: 'en' | 'zh' | undefined): string {
  const type = ctx.event.type;
  const label = Object.hasOwn(ctx.eventLabels ?? {}, type) ? ctx.eventLabels?.[type] : undefined;
  const timer = TIMER_EVENT.exec(type)?.[1];
  const event =
    (language === 'zh' ? label?.zh : undefined) ??
    label?.en ??
    (timer !== undefined ? (language === 'zh' ? `定时器 ${timer}` : `timer ${timer}`) : type);
  return `${event}: ${recordTitle(ctx.entity, '', ctx.titleField)}`;
}

/**
 * What a webhook without a body rule posts: the event (XState's id for a timer, kept for receivers that
 * rely on it, and the timer's delay name beside it), the record's id, its data and its owner.
 */
function defaultBody(ctx: ActionContext): JsonObject {
  const timer = TIMER_EVENT.exec(ctx.event.type)?.[1];
  return {
    event: ctx.event.type,
    ...(timer !== undefined ? { timer } : {}),
    recordId: ctx.recordId,
    entity: ctx.entity,
    ownerId: ctx.instance.ownerId,
  };
}

export const webhookAction: ActionDefinition<WebhookParams> = {
  type: 'webhook',
  description:
    'POST JSON to a URL after the event commits (retried, signed, with an idempotency key); ' +
    'a preset formats a message for a WeCom, DingTalk, Feishu or Slack group robot.',
  paramsSchema: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', title: 'URL', pattern: '^https?://', maxLength: 2000 },
      preset: {
        type: 'string',
        title: 'Group robot',
        enum: ['wecom', 'dingtalk', 'feishu', 'slack'],
      },
      message: {
        type: 'object',
        title: 'Message (group robot)',
        required: ['en'],
        additionalProperties: false,
        properties: { en: { type: 'string', minLength: 1 }, zh: { type: 'string' } },
      },
      language: { type: 'string', title: 'Message language', enum: ['en', 'zh'] },
      body: { title: 'Body (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
      // A name, never the secret: the runtime reads POOLFLOW_WEBHOOK_SECRET_<NAME> when it signs.
      secretRef: {
        type: 'string',
        title: 'Signing secret name',
        pattern: '^[A-Za-z0-9_]{1,64}$',
      },
    },
  },
  run(ctx, params) {
    let body: unknown;
    if (params.preset !== undefined) {
      const message = params.message;
      const data = { entity: ctx.entity, instance: ctx.instance, event: ctx.event, now: ctx.now };
      const text =
        message === undefined
          ? defaultMessage(ctx, params.language)
          : renderText(
              params.language === 'zh' && message.zh !== undefined ? message.zh : message.en,
              data,
            );
      body = presetBody(params.preset, text);
    } else {
      body = params.body === undefined ? defaultBody(ctx) : ctx.evaluate(params.body);
    }
    ctx.emit({
      type: 'webhook',
      url: params.url,
      body,
      ...(params.preset === undefined ? {} : { preset: params.preset }),
      ...(params.secretRef === undefined ? {} : { secretRef: params.secretRef }),
    });
  },
};
