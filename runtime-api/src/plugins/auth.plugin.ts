// Bearer-token authentication on every /api route except login; pool routes check membership before validation.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requirePoolRole } from '../access.js';
import { RuntimeError } from '../runtime.error.js';
import type { Actor } from '../services/record.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** HMAC of this request's bearer token: logout ends its session, a password change keeps it. */
    tokenHash: string;
  }
  interface FastifyContextConfig {
    /** Route needs no token (login, health, docs). */
    public?: boolean;
  }
}

/**
 * Whether the request reached a non-public /api route. Decided on the route the router matched, never
 * on the raw URL: the router decodes the path first, so `/%61pi/users` reaches `/api/users`.
 */
export function isApiRoute(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return (
    route !== undefined && route.startsWith('/api/') && request.routeOptions.config.public !== true
  );
}

export const authPlugin = fp(
  (app: FastifyInstance) => {
    app.decorateRequest('actor', null as unknown as Actor);
    app.decorateRequest('tokenHash', '');
    app.addHook('onRequest', async (request) => {
      if (!isApiRoute(request)) return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', 'missing bearer token');
      // One query: the session, its user (not disabled) and the user's pool roles.
      const actor = await app.auth.authenticate(match[1]);
      if (!actor) throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', 'invalid or expired token');
      request.actor = actor;
      request.tokenHash = app.auth.tokenHash(match[1]);
    });
    // Pool routes check membership before the body is validated: an outsider learns nothing, not even
    // whether its body would have been valid.
    app.addHook('preValidation', async (request) => {
      const url = request.routeOptions.url;
      const pool = (request.params as { pool?: unknown } | undefined)?.pool;
      if (url?.startsWith('/api/pools/:pool') && typeof pool === 'string') {
        await requirePoolRole(app, request, pool, 'member');
      }
    });
  },
  { name: 'auth', dependencies: ['services'] },
);
