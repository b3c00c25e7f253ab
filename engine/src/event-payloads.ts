// Event payloads: the JSON Schema each event type of a policy is checked against, compiled once per
// schema text. An event's own schema, else what the runtime's routes send with it, else none at all
// unless the policy reads its payload.
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { newAjv } from './json-schema.js';
import type { Policy } from './schema.types.js';

/**
 * The payload of an event whose policy gives it no schema: none (absent, null or `{}`), but for what the
 * runtime's own routes send with ASSIGN and RELEASE, and any object where the policy reads it. Anything
 * else would be kept in the record's history as sent (a claim's "userId" naming someone else, a megabyte of junk) where every member reads it.
 */
const NO_PAYLOAD = { type: 'object', additionalProperties: false };
/** The payload of an event with no schema that the policy reads fields of: any object, as it was. */
const FREE_PAYLOAD = { type: 'object' };

/**
 * Whether the policy may read `event.payload` when `type` happens: in its transitions (guards, actions),
 * in any state's entry or exit actions, or in a named rule those mention. Erring towards yes (a rule's
 * name anywhere in them counts as a use), so a published policy that reads a payload it never declared
 * keeps taking it.
 */
function readsPayload(policy: Policy, type: string): boolean {
  const rules = policy.rules ?? {};
  const seen = new Set<string>();
  const reads = (json: unknown): boolean => {
    const text = JSON.stringify(json ?? null);
    if (text.includes('event.payload')) return true;
    for (const [name, body] of Object.entries(rules)) {
      if (seen.has(name) || !text.includes(JSON.stringify(name))) continue;
      seen.add(name);
      if (reads(body)) return true;
    }
    return false;
  };
  return reads(
    Object.values(policy.machine.states).map((node) => [node.on?.[type], node.entry, node.exit]),
  );
}

const IMPLIED_PAYLOADS: Readonly<Record<string, object>> = {
  ASSIGN: {
    type: 'object',
    required: ['userId'],
    additionalProperties: false,
    properties: { userId: { type: 'string', minLength: 1 } },
  },
  RELEASE: {
    type: 'object',
    additionalProperties: false,
    properties: { reason: { type: 'string', maxLength: 500 } },
  },
};

// One Ajv for every compile, its validators by schema text: a new Ajv per compile cost tens of
// milliseconds, on the request thread of every simulation.
const payloadAjv = newAjv();
const payloadValidators = new Map<string, ValidateFunction>();

function payloadValidator(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validator = payloadValidators.get(key);
  if (validator === undefined) {
    if (payloadValidators.size >= 1000) {
      payloadValidators.clear();
      payloadAjv.removeSchema();
    }
    try {
      validator = payloadAjv.compile(schema);
    } catch {
      // An `$id` another schema already took: this one gets an Ajv of its own.
      validator = newAjv().compile(schema);
    }
    payloadValidators.set(key, validator);
  }
  return validator;
}

/** The validator of each event type the machine handles. */
export function payloadValidatorsOf(
  policy: Policy,
  eventTypes: Iterable<string>,
): Map<string, ValidateFunction> {
  const validators = new Map<string, ValidateFunction>();
  for (const type of eventTypes) {
    const schema =
      policy.events?.[type]?.payload ??
      IMPLIED_PAYLOADS[type] ??
      (readsPayload(policy, type) ? FREE_PAYLOAD : NO_PAYLOAD);
    validators.set(type, payloadValidator(schema));
  }
  return validators;
}
