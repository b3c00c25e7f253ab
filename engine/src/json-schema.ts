// JSON Schema in the engine: one way to make an Ajv (draft 2020-12, formats, all errors) for policies,
// scenarios, action params and event payloads, and ajv's errors as validation problems.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { escapePointer } from './logic/json-logic.js';
import type { JsonObject } from './types.js';
import type { Problem } from './validate.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

/** The pattern of a string that must hold something other than white space. */
export const NOT_BLANK = '\\S';

interface SchemaError {
  path: string;
  message: string;
  /** Ajv's keyword and its params (`{keyword: 'enum', allowedValues: [...]}`), for other words. */
  params: JsonObject;
}

/**
 * ajv's errors under `prefix`: a missing or unknown field is named in the path (`/payload/colour` "is
 * not a known field"), an enum's message lists the values it allows.
 */
function schemaErrors(errors: ErrorObject[] | null | undefined, prefix: string): SchemaError[] {
  const seen = new Set<string>();
  const out: SchemaError[] = [];
  for (const e of errors ?? []) {
    // anyOf branches repeat themselves; keep the most specific message per path.
    if (e.keyword === 'anyOf' || e.keyword === 'if') continue;
    let path = `${prefix}${e.instancePath}`;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') path += `/${escapePointer(String(e.params['missingProperty']))}`;
    if (e.keyword === 'additionalProperties') {
      path += `/${escapePointer(String(e.params['additionalProperty']))}`;
      message = 'is not a known field';
    }
    if (e.keyword === 'enum') message += `: ${(e.params['allowedValues'] as unknown[]).join(', ')}`;
    // A policy asks for "some text, not only blanks" with this pattern (the templates' release reasons).
    if (e.keyword === 'pattern' && e.params['pattern'] === NOT_BLANK) message = 'must not be blank';
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message, params: { ...e.params, keyword: e.keyword } });
  }
  return out;
}

/** A refusal's detail: the field, what is wrong with it, and a code and params to word it by. */
export interface SchemaDetail {
  path: string;
  message: string;
  /** `schema`: `params` are the validator's keyword and params. */
  code: 'schema';
  params: JsonObject;
}

/** ajv's errors as details under `prefix`, each with code `schema` and the keyword and its params. */
export function schemaDetails(
  errors: ErrorObject[] | null | undefined,
  prefix = '',
): SchemaDetail[] {
  return schemaErrors(errors, prefix).map(({ path, message, params }) => ({
    path,
    message,
    code: 'schema',
    params,
  }));
}

/** ajv's errors as problems whose paths are JSON pointers under `prefix`. */
export function schemaProblems(errors: ErrorObject[] | null | undefined, prefix = ''): Problem[] {
  return schemaErrors(errors, prefix).map(({ path, message, params }) => ({
    path,
    code: 'schema',
    message: `${path || '/'} ${message}`,
    params,
  }));
}
