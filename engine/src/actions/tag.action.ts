// tag: adds a tag to the record, optionally only when a rule holds (e.g. "hard" on the 3rd pool entry).
import type { ActionDefinition } from '../registry.js';
import { truthy } from '../logic/json-logic.js';

interface TagParams {
  add: string;
  when?: unknown;
}

export const tagAction: ActionDefinition<TagParams> = {
  type: 'tag',
  description: 'Add a tag to the record, optionally when a rule holds.',
  paramsSchema: {
    type: 'object',
    required: ['add'],
    additionalProperties: false,
    properties: {
      add: { type: 'string', title: 'Tag', minLength: 1, maxLength: 64 },
      when: { title: 'Only when (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
    },
  },
  run(ctx, params) {
    if (params.when !== undefined && !truthy(ctx.evaluate(params.when))) return;
    if (!ctx.instance.tags.includes(params.add)) ctx.instance.tags.push(params.add);
  },
};
