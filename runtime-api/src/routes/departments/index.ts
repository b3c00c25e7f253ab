// Departments: admins create them and see all; a department admin sees only their own.
import type { FastifyInstance } from 'fastify';
import { departmentScope, mayAdminister } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

interface DepartmentRow {
  key: string;
  name: { en: string; zh?: string };
  user_count: number;
  pool_count: number;
}

async function departments(app: FastifyInstance, only?: string) {
  const query = app
    .db('departments as d')
    .select(
      'd.key',
      'd.name',
      app.db.raw('(SELECT count(*) FROM users u WHERE u.department_id = d.key)::int AS user_count'),
      app.db.raw('(SELECT count(*) FROM pools p WHERE p.department_id = d.key)::int AS pool_count'),
    )
    .orderBy('d.key');
  if (only !== undefined) query.where('d.key', only);
  const rows = (await query) as DepartmentRow[];
  return rows.map((r) => ({
    key: r.key,
    name: r.name,
    userCount: r.user_count,
    poolCount: r.pool_count,
  }));
}

export default function departmentRoutes(app: FastifyInstance): void {
  app.get(
    '/api/departments',
    {
      schema: {
        tags: ['departments'],
        response: { 200: { $ref: 'api.schema.json#/definitions/departmentList' } },
      },
    },
    async (request) => {
      const scope = departmentScope(request.actor);
      if (scope === null)
        throw RuntimeError.forbidden('this needs the admin or departmentAdmin role');
      return { items: await departments(app, scope) };
    },
  );

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
      schema: {
        tags: ['departments'],
        body: { $ref: 'api.schema.json#/definitions/departmentCreate' },
        response: { 201: { $ref: 'api.schema.json#/definitions/department' } },
      },
    },
    async (request, reply) => {
      const { key, name } = request.body;
      try {
        await app.db('departments').insert({ key, name: JSON.stringify(name) });
      } catch (e) {
        if ((e as { code?: unknown }).code === '23505')
          throw RuntimeError.invalid('/body/key', `department ${key} exists`);
        throw e;
      }
      const [created] = await departments(app, key);
      return reply.status(201).send(created);
    },
  );
}
