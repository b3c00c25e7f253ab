// Reply serialization: fastify's own compiler (fast-json-stringify), each route's serializer compiled once
// per process (compile-cache.ts).
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';
import { CompileCache, fingerprint } from './compile-cache.js';

type BuildSerializer = NonNullable<
  NonNullable<
    NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
  >['buildSerializer']
>;
type Serializer = (data: unknown) => string;

const serializers = new CompileCache<Serializer>();

/** The serializer factory for `schemaController.compilersFactory.buildSerializer`. */
export function replySerializers(): BuildSerializer {
  const select = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = select(externalSchemas, options);
    const scope = fingerprint([externalSchemas, options ?? null]);
    return (route) =>
      serializers.get(
        // Fastify also passes the reply's content type (per-content-type response schemas).
        `${scope}|${route.httpStatus}|${(route as { contentType?: string }).contentType ?? ''}`,
        route.schema,
        () => compile(route) as Serializer,
      );
  };
}
