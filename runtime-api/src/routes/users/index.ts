// Users: admins list, create, edit, disable them and reset passwords; anyone logged in reads themselves.
// Replies never carry hashes.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import { requireRole } from '../../access.js';
import type { UserPatch } from '../../services/auth.service.js';

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

  // Disabling ends every session of the user at once; a new password ends them too (not the caller's).
  app.patch<{ Params: { id: string }; Body: UserPatch }>(
    '/api/users/:id',
    {
      preValidation: adminOnly,
      schema: {
        tags: ['users'],
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        body: { $ref: 'api.schema.json#/definitions/userPatch' },
        response: { 200: user },
      },
    },
    async (request) =>
      app.auth.updateUser(
        { id: request.actor.id, tokenHash: request.tokenHash },
        request.params.id,
        request.body,
      ),
  );

  app.get('/api/me', { schema: { tags: ['users'], response: { 200: user } } }, async (request) =>
    app.auth.user(request.actor.id),
  );
}
