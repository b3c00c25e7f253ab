// Departments: admins create them and see all; a department admin sees only their own.
import type { FastifyInstance } from 'fastify';
import { departmentScope, mayAdminister } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { isKey, keyPageOf, type KeyPage } from '../../services/keyset-cursor.js';
import { keyPageQuery } from '../key-page.js';
import type { KeyPageQuery } from '../../api.types.js';

async function departments(app: FastifyInstance, only?: string, page?: KeyPage<string>) {
  const rows = await app.departmentRepository.list(only, page);
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    userCount: r.user_count,
    poolCount: r.pool_count,
  }));
}

export default function departmentRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: KeyPageQuery }>('/api/departments', async (request) => {
    const scope = departmentScope(request.actor);
    if (scope === null)
      throw RuntimeError.forbidden('this needs the admin or departmentAdmin role');
    const { limit, after } = keyPageQuery(request.query, isKey);
    const rows = await departments(app, scope, { after, limit: limit + 1 });
    const { page, nextCursor } = keyPageOf(rows, limit, (d) => d.key);
    return { items: page, nextCursor };
  });

  app.post<{ Body: { key: string; name: { en: string; zh?: string } } }>(
    '/api/departments',
    {
      // Checked before the body, so a non-admin learns nothing from validation errors.
      preValidation: (request, _reply, done) => {
        done(
          mayAdminister(request.actor)
            ? undefined
            : RuntimeError.forbidden('this needs the admin role'),
        );
      },
    },
    async (request, reply) => {
      const { key, name } = request.body;
      try {
        await app.departmentRepository.insert(key, name);
      } catch (e) {
        if ((e as { code?: unknown }).code === '23505')
          throw RuntimeError.invalid('/body/key', `department ${key} exists`, 'key-taken', {
            value: key,
          });
        throw e;
      }
      const [created] = await departments(app, key);
      return reply.status(201).send(created);
    },
  );
}
