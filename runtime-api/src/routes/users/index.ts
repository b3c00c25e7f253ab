// Users: admins list and create them; anyone logged in reads themselves. Replies never carry hashes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import { requireRole } from '../../plugins/auth.plugin.js';

interface UserCreate {
  username: string;
  password: string;
  displayName?: string;
  roles?: ('admin' | 'manager' | 'member')[];
  attributes?: Record<string, unknown>;
}

const user = { $ref: 'api.schema.json#/definitions/user' };

// Checked before body validation, so a member learns nothing about the body an admin would send.
const adminOnly = (request: FastifyRequest): Promise<void> => {
  requireRole(request, 'admin');
  return Promise.resolve();
};

export default function userRoutes(app: FastifyInstance): void {
  app.get(
    '/api/users',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['users'],
        response: { 200: { $ref: 'api.schema.json#/definitions/userList' } },
      },
    },
    async () => ({ items: await app.auth.listUsers() }),
  );

  app.post<{ Body: UserCreate }>(
    '/api/users',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['users'],
        body: { $ref: 'api.schema.json#/definitions/userCreate' },
        response: { 201: user },
      },
    },
    async (request, reply) => {
      const { username, password, displayName, roles, attributes } = request.body;
      const created = await app.auth.createUser({
        username,
        password,
        displayName,
        roles: roles ?? ['member'],
        attributes: attributes ?? {},
      });
      return reply.status(201).send(created);
    },
  );

  app.get('/api/me', { schema: { tags: ['users'], response: { 200: user } } }, async (request) =>
    app.auth.user(request.actor.id),
  );
}
