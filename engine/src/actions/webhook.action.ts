// webhook: a POST to an external URL, carried out by the runtime after commit from the outbox.
import type { ActionDefinition } from '../registry.js';

interface WebhookParams {
  url: string;
  body?: unknown;
}

export const webhookAction: ActionDefinition<WebhookParams> = {
  type: 'webhook',
  description: 'POST JSON to a URL after the event commits (retried, with an idempotency key).',
  paramsSchema: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', title: 'URL', pattern: '^https?://' },
      body: { title: 'Body (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
    },
  },
  run(ctx, params) {
    const body =
      params.body === undefined
        ? { event: ctx.event.type, entity: ctx.entity, ownerId: ctx.instance.ownerId }
        : ctx.evaluate(params.body);
    ctx.emit({ type: 'webhook', url: params.url, body });
  },
};
