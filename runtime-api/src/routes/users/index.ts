// Users: admins list, create and edit everyone; department admins the users of their own department
// (never an admin, never into another department); anyone logged in reads themselves. No hashes in replies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/swagger';
import {
  assertMayGrant,
  departmentForNew,
  departmentScope,
  requireDepartment,
  requireUserAccess,
} from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import type { UserPatch } from '../../services/auth.service.js';
import type { UserCreate, UserQuery } from '../../api.types.js';

// Checked before body validation, so a member learns nothing about the body an admin would send.
const administrators = (request: FastifyRequest): Promise<void> => {
  if (departmentScope(request.actor) === null)
    throw RuntimeError.forbidden('this needs the admin or departmentAdmin role');
  return Promise.resolve();
};

export default function userRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: UserQuery }>(
    '/api/users',
    {
      preValidation: administrators,
    },
    async (request) => {
      const scope = departmentScope(request.actor);
      const { q, departmentId, limit } = request.query;
      // A department admin lists their own department whatever they ask for.
      const department = scope ?? departmentId;
      return {
        items: await app.auth.listUsers({
          ...(q ? { q } : {}),
          ...(department !== undefined ? { departmentId: department } : {}),
          limit: limit ?? 1000,
        }),
      };
    },
  );

  app.post<{ Body: UserCreate }>(
    '/api/users',
    {
      preValidation: administrators,
    },
    async (request, reply) => {
      const { username, password, displayName, roles, attributes } = request.body;
      assertMayGrant(request.actor, roles);
      const departmentId = await departmentForNew(
        app.db,
        request.actor,
        request.body.departmentId,
        '/body/departmentId',
      );
      // The role grants nothing without a department: refuse it rather than make a powerless admin.
      if (roles?.includes('departmentAdmin') && departmentId === null)
        throw RuntimeError.invalid(
          '/body/departmentId',
          'a departmentAdmin needs a department',
          'department-required',
        );
      const created = await app.auth.createUser({
        username,
        password,
        displayName,
        roles: roles ?? ['member'],
        attributes: attributes ?? {},
        departmentId,
      });
      return reply.status(201).send(created);
    },
  );

  // Disabling ends every session of the user at once; a new password ends them too (not the caller's).
  app.patch<{ Params: { id: string }; Body: UserPatch }>(
    '/api/users/:id',
    {
      preValidation: administrators,
    },
    async (request) => {
      const { departmentId, roles } = request.body;
      await requireUserAccess(app.db, request, request.params.id);
      assertMayGrant(request.actor, roles);
      if (departmentId !== undefined) {
        if (
          departmentScope(request.actor) !== undefined &&
          departmentId !== request.actor.departmentId
        )
          throw RuntimeError.forbidden(
            'a department admin cannot move users to another department',
          );
        if (departmentId !== null)
          await requireDepartment(app.db, departmentId, '/body/departmentId');
      }
      return app.auth.updateUser(
        { id: request.actor.id, tokenHash: request.tokenHash },
        request.params.id,
        request.body,
      );
    },
  );

  app.get('/api/me', async (request) => app.auth.user(request.actor.id));
}
