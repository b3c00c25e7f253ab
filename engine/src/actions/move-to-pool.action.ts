// moveToPool: asks the runtime to move the record to another pool (e.g. hard records to seniors).
import type { ActionDefinition } from '../registry.js';
import { truthy } from '../logic/json-logic.js';

interface MoveToPoolParams {
  pool: string;
  when?: unknown;
}

export const moveToPoolAction: ActionDefinition<MoveToPoolParams> = {
  type: 'moveToPool',
  description: 'Move the record to another pool (by pool key), optionally when a rule holds.',
  paramsSchema: {
    type: 'object',
    required: ['pool'],
    additionalProperties: false,
    properties: {
      pool: { type: 'string', title: 'Pool key', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
      when: { title: 'Only when (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
    },
  },
  run(ctx, params) {
    if (params.when !== undefined && !truthy(ctx.evaluate(params.when))) return;
    ctx.emit({ type: 'moveToPool', pool: params.pool });
  },
};
