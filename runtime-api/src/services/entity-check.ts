// Checks record data against the policy's entity schema, and says what is wrong in the words of the form:
// the field's title and, for a choice, the values it allows ("Industry must be one of: software, trade").
import type { CompiledPolicy } from '@poolflow/engine';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { RuntimeError } from '../runtime.error.js';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = new WeakMap<CompiledPolicy, ValidateFunction>();
/** Allowed values named in a message at most; more are counted. */
const MAX_LISTED_VALUES = 20;

interface FieldSchema {
  title?: string;
  enum?: unknown[];
}

/** A problem of the data: where, in English, and Ajv's keyword and params for a client's own words. */
export interface EntityProblem {
  path: string;
  message: string;
  code: 'schema';
  params: Record<string, unknown>;
}

/**
 * One problem of the data: the field's JSON pointer and a sentence naming the field by its title; code
 * `schema` with Ajv's keyword and params, as the engine's validation problems have them.
 */
function describe(compiled: CompiledPolicy, e: ErrorObject, at: string): EntityProblem {
  const missing = e.keyword === 'required' ? `/${String(e.params['missingProperty'])}` : '';
  const extra =
    e.keyword === 'additionalProperties' ? `/${String(e.params['additionalProperty'])}` : '';
  const pointer = `${e.instancePath}${missing}${extra}`;
  const field = pointer.split('/')[1] ?? '';
  const properties = compiled.policy.entity.schema.properties as Record<string, FieldSchema>;
  const schema = Object.prototype.hasOwnProperty.call(properties, field)
    ? properties[field]
    : undefined;
  const name = schema?.title ? `${schema.title} (${field})` : field || 'the record';
  let message = `${name} ${e.message ?? 'is invalid'}`;
  if (e.keyword === 'required') message = `${name} is required`;
  else if (e.keyword === 'additionalProperties') message = `${field} is not a field of this pool`;
  else if (e.keyword === 'enum') {
    const allowed = (e.params['allowedValues'] as unknown[]).map((v) => String(v));
    const listed = allowed.slice(0, MAX_LISTED_VALUES).join(', ');
    const more =
      allowed.length > MAX_LISTED_VALUES ? ` and ${allowed.length - MAX_LISTED_VALUES} more` : '';
    message = `${name} must be one of: ${listed}${more}`;
  }
  return {
    path: `${at}${pointer}`,
    message,
    code: 'schema',
    params: { ...e.params, keyword: e.keyword },
  };
}

/**
 * Checks record data against the policy's entity schema; the error names every bad field under `at` (where
 * the request has the data). A record holds only the fields the schema defines: any other is refused,
 * whatever the schema says of additional properties, so no field is stored that no form shows.
 */
export function assertEntity(
  compiled: CompiledPolicy,
  data: unknown,
  at = '/data',
): asserts data is Record<string, unknown> {
  let validator = validators.get(compiled);
  if (!validator) {
    validator = ajv.compile({ ...compiled.policy.entity.schema, additionalProperties: false });
    validators.set(compiled, validator);
  }
  if (!validator(data)) {
    const details = (validator.errors ?? []).map((e) => describe(compiled, e, at));
    throw new RuntimeError(
      'POOL_ERR_INVALID_PAYLOAD',
      `record data is invalid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
      details,
    );
  }
}
