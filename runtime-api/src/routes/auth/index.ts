// Sessions: login (limited per username and address), logout, and a user's own password change.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type {} from '@fastify/swagger';
import { RuntimeError } from '../../runtime.error.js';

/** A refused login names when to try again, in seconds, in the standard header. */
function withRetryAfter(reply: FastifyReply, error: unknown): never {
  if (error instanceof RuntimeError && error.code === 'POOL_ERR_RATE_LIMITED') {
    const { retryAfter } = error.details as { retryAfter: number };
    void reply.header('retry-after', String(retryAfter));
  }
  throw error;
}

export default function authRoutes(app: FastifyInstance): void {
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      config: { public: true },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      return app.auth
        .login(username, password, request.ip)
        .catch((e: unknown) => withRetryAfter(reply, e));
    },
  );

  app.post('/api/auth/logout', async (request, reply) => {
    await app.auth.logout(request.tokenHash);
    return reply.status(204).send();
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    async (request, reply) => {
      const { currentPassword, newPassword } = request.body;
      await app.auth
        .changePassword(
          request.actor.id,
          request.tokenHash,
          request.ip,
          currentPassword,
          newPassword,
        )
        .catch((e: unknown) => withRetryAfter(reply, e));
      return reply.status(204).send();
    },
  );
}
