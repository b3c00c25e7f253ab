// set: writes a JSON-logic result into an entity field or a policy-defined instance field.
import type { ActionDefinition } from '../registry.js';

interface SetParams {
  field: string;
  value: unknown;
}

/** Instance fields the engine keeps itself; `set` may not overwrite them. */
const engineKept = new Set([
  'ownerId',
  'previousOwnerIds',
  'previousOwners',
  'poolEntries',
  'claims',
  'claimedBy',
  'tags',
  'createdAt',
  'lastActivityAt',
  'enteredStateAt',
  'lastRelease',
  'eventCounts',
]);

export function isWritableField(field: string): boolean {
  const [root, name, ...rest] = field.split('.');
  if (!name || rest.length > 0 || name === '__proto__' || name === 'constructor') return false;
  if (root === 'entity') return true;
  return root === 'instance' && !engineKept.has(name);
}

export const setAction: ActionDefinition<SetParams> = {
  type: 'set',
  description: 'Set entity.<field> or instance.<field> to the value of a JSON-logic expression.',
  paramsSchema: {
    type: 'object',
    required: ['field', 'value'],
    additionalProperties: false,
    properties: {
      field: {
        type: 'string',
        title: 'Field',
        pattern: '^(entity|instance)\\.[A-Za-z_][A-Za-z0-9_]*$',
      },
      value: { title: 'Value (rule)', $ref: 'https://poolflow.dev/schemas/rule.schema.json' },
    },
  },
  run(ctx, params) {
    if (!isWritableField(params.field)) return;
    const [root, name] = params.field.split('.') as [string, string];
    const value = ctx.evaluate(params.value);
    if (root === 'entity') ctx.entity[name] = value;
    else ctx.instance[name] = value;
  },
};
