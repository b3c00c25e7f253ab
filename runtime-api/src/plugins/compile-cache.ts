// Route schemas compiled once per process. Fastify compiles every route's request validators and reply
// serializers when an app starts, and a reply serializer checks its schema and every shared schema again
// (fast-json-stringify): about 1.6 s of CPU per app for this API. A process that builds the same app twice
// (the tests build one per backend, some one per test) takes the functions it compiled the first time:
// they depend only on the route's schema, the shared schemas and the compiler's options, all in the key.
import { createHash } from 'node:crypto';

/** Distinct compiled schemas kept (this API has a few hundred); past it the cache starts again. */
const MAX_ENTRIES = 5_000;

/** A short, stable name for a JSON value (the shared schemas and options of one app). */
export function fingerprint(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? '')
    .digest('base64url');
}

/** Compiled functions of one kind (validators, serializers), keyed by what they were compiled from. */
export class CompileCache<F> {
  readonly #compiled = new Map<string, F>();

  /** The function compiled from `schema` under `scope` (a fingerprint of all else it depends on). */
  get(scope: string, schema: unknown, compile: () => F): F {
    const key = `${scope}\u0000${JSON.stringify(schema)}`;
    let found = this.#compiled.get(key);
    if (found === undefined) {
      found = compile();
      if (this.#compiled.size >= MAX_ENTRIES) this.#compiled.clear();
      this.#compiled.set(key, found);
    }
    return found;
  }
}
