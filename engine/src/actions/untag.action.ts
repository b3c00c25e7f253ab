// untag: removes a tag from the record, optionally only when a rule holds.
import type { ActionDefinition } from '../registry.js';
import { truthy } from '../logic/json-logic.js';

interface UntagParams {
  remove: string;
  when?: unknown;
}

export const untagAction: ActionDefinition<UntagParams> = {
  type: 'untag',
  description: 'Remove a tag from the record, optionally when a rule holds.',
  paramsSchema: {
    type: 'object',
    required: ['remove'],
    additionalProperties: false,
    properties: {
      remove: { type: 'string', title: 'Tag', minLength: 1, maxLength: 64 },
      when: { title: 'Only when (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
    },
  },
  run(ctx, params) {
    if (params.when !== undefined && !truthy(ctx.evaluate(params.when))) return;
    ctx.instance.tags = ctx.instance.tags.filter((t) => t !== params.remove);
  },
};
