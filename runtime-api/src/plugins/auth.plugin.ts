// Bearer-token authentication on every /api route except login, and role / pool-membership checks.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
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

export function hasRole(actor: Actor, ...roles: string[]): boolean {
  return actor.roles.includes('admin') || roles.some((r) => actor.roles.includes(r));
}

export function requireRole(request: FastifyRequest, ...roles: string[]): void {
  if (!hasRole(request.actor, ...roles)) {
    throw RuntimeError.forbidden(`this needs the ${roles.join(' or ')} role`);
  }
}

/** Members of a pool (and admins) may work in it; managers and pool admins may manage it. */
export async function requirePoolRole(
  app: FastifyInstance,
  request: FastifyRequest,
  poolKey: string,
  level: 'member' | 'manager',
): Promise<void> {
  const actor = request.actor;
  if (actor.roles.includes('admin')) return;
  // Read with the session (AuthService.authenticate): no query here.
  const roles = actor.poolRoles ?? {};
  const member = Object.prototype.hasOwnProperty.call(roles, poolKey)
    ? { role: roles[poolKey] as string }
    : undefined;
  if (!member) {
    const pool = (await app.db('pools').where({ key: poolKey }).first('key')) as unknown;
    if (!pool) throw RuntimeError.notFound(`pool ${poolKey}`);
    throw RuntimeError.forbidden(`you are not a member of pool ${poolKey}`);
  }
  if (level === 'manager' && !(actor.roles.includes('manager') || member.role === 'admin')) {
    throw RuntimeError.forbidden(`this needs a manager of pool ${poolKey}`);
  }
}

export const authPlugin = fp(
  (app: FastifyInstance) => {
    app.decorateRequest('actor', null as unknown as Actor);
    app.decorateRequest('tokenHash', '');
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.public || !request.url.startsWith('/api/')) return;
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
