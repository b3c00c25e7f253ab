// Request validation: query strings, path params and headers are text, coerced to their schema's types;
// JSON bodies are validated as sent ({"roles":"member"} is not a list, 123 is not a password).
import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyServerOptions } from 'fastify';
import { CompileCache, fingerprint } from './compile-cache.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => void;

/** Fastify's own Ajv defaults (@fastify/ajv-compiler), then the app's options on top. */
const FASTIFY_DEFAULTS: Options = {
  coerceTypes: 'array',
  useDefaults: true,
  removeAdditional: true,
  addUsedSchema: false,
  allErrors: false,
};

type BuildValidator = NonNullable<
  NonNullable<
    NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
  >['buildValidator']
>;

function newAjv(
  externalSchemas: unknown,
  options: Options,
): (schema: AnySchema) => ValidateFunction {
  // Union types are meant (a user attribute is text, a number, true, false or null), not a strict-mode slip.
  const ajv = new Ajv({ ...options, allowUnionTypes: true });
  addFormats(ajv);
  for (const schema of Object.values(externalSchemas as Record<string, AnySchema>))
    ajv.addSchema(schema);
  return (schema) => {
    const id = (schema as { $id?: unknown }).$id;
    // Ajv compiles a schema with an $id once: a shared schema is taken from the instance.
    return (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
  };
}

const validators = new CompileCache<ValidateFunction>();

/**
 * The validator factory for `schemaController.compilersFactory.buildValidator`: one Ajv for bodies that
 * never coerces, one for the other parts with the app's coercion; same shared schemas, formats, options.
 */
export function requestValidators(customOptions: Options): BuildValidator {
  return (externalSchemas) => {
    const options = { ...FASTIFY_DEFAULTS, ...customOptions };
    const text = newAjv(externalSchemas, options);
    const json = newAjv(externalSchemas, { ...options, coerceTypes: false });
    // Compiled once per process for these shared schemas and options (compile-cache.ts).
    const scope = fingerprint([externalSchemas, options]);
    return ({ schema, httpPart }) => {
      const body = httpPart === 'body';
      return validators.get(`${scope}|${body}`, schema, () =>
        (body ? json : text)(schema as AnySchema),
      );
    };
  };
}
