// One error handler: POOL_ERR_* codes with their status; validation errors name the field; 5xx hide internals.
import { EngineError, NOT_BLANK } from '@poolflow/engine';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function fieldOf(item: ValidationItem, context: string | undefined): string {
  let path = `/${context ?? 'body'}${item.instancePath ?? ''}`;
  if (item.keyword === 'required') path += `/${String(item.params?.['missingProperty'])}`;
  if (item.keyword === 'additionalProperties')
    path += `/${String(item.params?.['additionalProperty'])}`;
  return path;
}

/** The media types every route with a body takes (the import checks its own before parsing). */
const BODY_TYPES = ['application/json'];

/**
 * Fastify's refusal of a body as a detail, with a code and params a client words in its language: a body
 * too large, of a type no route takes (the import's content-type code for the same refusal), or of
 * another size than its Content-Length said.
 */
function bodyRefusal(
  error: FastifyError,
  headers: { 'content-type'?: string | undefined; 'content-length'?: string | undefined },
  limit: number,
): { path: string; message: string; code?: string; params?: Record<string, unknown> } {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return {
      path: '/body',
      message: `is larger than the limit of ${limit} bytes`,
      code: 'too-large',
      params: { limit },
    };
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const value = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    return {
      path: '/headers/content-type',
      message: `must be ${BODY_TYPES.join(' or ')}`,
      code: 'content-type',
      params: { value, allowed: BODY_TYPES },
    };
  }
  if (error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH')
    return {
      path: '/headers/content-length',
      message: 'does not match the size of the body sent',
      code: 'content-length',
      params: { value: headers['content-length'] ?? '' },
    };
  return { path: '/body', message: error.message };
}

export const errorsPlugin = fp(
  (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof EngineError) {
        return reply.status(error.status).send({ error: error.toJSON() });
      }
      if (error.validation) {
        const details = error.validation.map((v) => {
          const item = v as ValidationItem;
          const path = fieldOf(item, error.validationContext);
          const allowed = item.params?.['allowedValues'];
          const message =
            item.keyword === 'additionalProperties'
              ? 'is not a known field'
              : // A choice lists what it allows, as an event payload's does (engine/json-schema.ts).
                item.keyword === 'enum' && Array.isArray(allowed)
                ? `${item.message ?? 'is invalid'}: ${allowed.join(', ')}`
                : // Text that must hold more than blanks (a password), as the engine words it.
                  item.keyword === 'pattern' && item.params?.['pattern'] === NOT_BLANK
                  ? 'must not be blank'
                  : (item.message ?? 'is invalid');
          // Ajv's keyword and params beside the English: a client words the problem in its own
          // language, as it does a policy's schema problems (engine json-schema.ts).
          return {
            path,
            message,
            code: 'schema',
            params: { ...item.params, keyword: item.keyword },
          };
        });
        return reply.status(400).send({
          error: {
            code: 'POOL_ERR_INVALID_PAYLOAD',
            message: details.map((d) => `${d.path} ${d.message}`).join('; '),
            details,
          },
        });
      }
      const status = error.statusCode ?? 500;
      if (status < 500) {
        const code =
          status === 401
            ? 'POOL_ERR_UNAUTHENTICATED'
            : status === 403
              ? 'POOL_ERR_FORBIDDEN'
              : status === 404
                ? 'POOL_ERR_NOT_FOUND'
                : status === 413
                  ? 'POOL_ERR_TOO_LARGE'
                  : 'POOL_ERR_INVALID_PAYLOAD';
        // Body-level failures (too large, wrong media type, a Content-Length it did not match) name the
        // field: the body, or the Content-Type or Content-Length header.
        if (error.code?.startsWith('FST_ERR_CTP_')) {
          const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1048576;
          const detail = bodyRefusal(error, request.headers, limit);
          return reply.status(status).send({
            error: { code, message: `${detail.path} ${detail.message}`, details: [detail] },
          });
        }
        return reply.status(status).send({ error: { code, message: error.message } });
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({
        error: { code: 'POOL_ERR_INTERNAL', message: `internal error (request ${request.id})` },
      });
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({
        error: {
          code: 'POOL_ERR_NOT_FOUND',
          message: `no route ${request.method} ${request.url}`,
        },
      }),
    );
  },
  { name: 'errors' },
);
