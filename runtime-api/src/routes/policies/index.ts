// Policies (admin): drafts, validation, immutable published versions.
import { validate, type Policy } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import {
  departmentForNew,
  departmentScope,
  requirePolicyAccess,
  requirePolicyEditor,
} from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

interface PolicyRow {
  id: string;
  name: { en: string; zh?: string };
  draft: Policy;
  latest_version: number;
  updated_at: Date;
  department_id: string | null;
}

const documentBody = {
  type: 'object',
  required: ['document'],
  additionalProperties: false,
  properties: { document: { type: 'object' } },
};

// Admins may place a new policy in a department; a department admin's always goes to their own.
const createBody = {
  ...documentBody,
  properties: {
    ...documentBody.properties,
    departmentId: { type: ['string', 'null'], pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
  },
};

function summary(row: PolicyRow) {
  return {
    id: row.id,
    name: row.name,
    latestVersion: row.latest_version,
    updatedAt: row.updated_at.toISOString(),
    departmentId: row.department_id,
  };
}

function assertValid(document: unknown): asserts document is Policy {
  const result = validate(document);
  if (!result.valid) {
    throw new RuntimeError(
      'POOL_ERR_INVALID_POLICY',
      `policy is invalid: ${result.problems
        .map((p) => `${p.path} ${p.message}`)
        .slice(0, 5)
        .join('; ')}`,
      result.problems.map((p) => ({ ...p, path: `/document${p.path}` })),
    );
  }
}

export default function policyRoutes(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      requirePolicyEditor(request);
      done();
    } catch (e) {
      done(e as Error);
    }
  });

  app.get('/api/policies', { schema: { tags: ['policies'] } }, async (request) => {
    const query = app.db('policies').orderBy('id');
    const scope = departmentScope(request.actor);
    if (scope !== undefined) query.where({ department_id: scope });
    const rows = (await query) as PolicyRow[];
    return { items: rows.map(summary) };
  });

  app.post<{ Body: { document: Policy; departmentId?: string | null } }>(
    '/api/policies',
    { schema: { tags: ['policies'], body: createBody } },
    async (request, reply) => {
      const { document } = request.body;
      const departmentId = await departmentForNew(
        app.db,
        request.actor,
        request.body.departmentId,
        '/body/departmentId',
      );
      assertValid(document);
      const exists = (await app.db('policies').where({ id: document.id }).first('id')) as unknown;
      if (exists) throw RuntimeError.invalid('/document/id', `policy ${document.id} exists`);
      await app.db('policies').insert({
        id: document.id,
        name: JSON.stringify(document.name),
        draft: JSON.stringify(document),
        department_id: departmentId,
      });
      const row = (await app.db('policies').where({ id: document.id }).first()) as PolicyRow;
      return reply.status(201).send({ ...summary(row), draft: row.draft });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/policies/:id',
    { schema: { tags: ['policies'] } },
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const row = (await app.db('policies').where({ id: request.params.id }).first()) as
        PolicyRow | undefined;
      if (!row) throw RuntimeError.notFound(`policy ${request.params.id}`);
      return { ...summary(row), draft: row.draft, validation: validate(row.draft) };
    },
  );

  // A draft may be invalid while it is being edited; its problems come back with it.
  app.put<{ Params: { id: string }; Body: { document: Policy } }>(
    '/api/policies/:id/draft',
    { schema: { tags: ['policies'], body: documentBody } },
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const { document } = request.body;
      if (document.id !== request.params.id)
        throw RuntimeError.invalid('/document/id', `must be ${request.params.id}`);
      const updated = await app
        .db('policies')
        .where({ id: request.params.id })
        .update({
          draft: JSON.stringify(document),
          name: JSON.stringify(document.name ?? { en: document.id }),
          updated_at: app.db.fn.now(),
        });
      if (!updated) throw RuntimeError.notFound(`policy ${request.params.id}`);
      const row = (await app.db('policies').where({ id: request.params.id }).first()) as PolicyRow;
      return { ...summary(row), draft: row.draft, validation: validate(row.draft) };
    },
  );

  app.post<{ Body: { document: unknown } }>(
    '/api/policies/validate',
    { schema: { tags: ['policies'], body: documentBody } },
    (request) => validate(request.body.document),
  );

  // The publish gate (services/publish-gate.ts): saved scenarios run first; a failure is a 422
  // unless forced, and a forced version keeps the failures it was published past.
  app.post<{ Params: { id: string }; Body: { message?: string; force?: boolean } | undefined }>(
    '/api/policies/:id/publish',
    {
      schema: {
        tags: ['policies'],
        params: { $ref: 'api.schema.json#/definitions/policyIdParams' },
        body: { $ref: 'api.schema.json#/definitions/publishBody' },
        response: { 200: { $ref: 'api.schema.json#/definitions/publishReply' } },
      },
    },
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const message = request.body?.message ?? '';
      const force = request.body?.force === true;
      // Overriding the policy's own specs needs a reason someone can read later in the history.
      if (force && message.trim() === '') {
        throw RuntimeError.invalid('/body/message', 'is required when publishing with force');
      }
      return app.policies.publish(request.params.id, {
        message,
        force,
        actorId: request.actor.id,
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/policies/:id/versions',
    {
      schema: {
        tags: ['policies'],
        params: { $ref: 'api.schema.json#/definitions/policyIdParams' },
        response: { 200: { $ref: 'api.schema.json#/definitions/policyVersionList' } },
      },
    },
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      return { items: await app.policies.versions(request.params.id) };
    },
  );

  app.get<{ Params: { id: string; v: number } }>(
    '/api/policies/:id/versions/:v',
    {
      schema: {
        tags: ['policies'],
        params: { $ref: 'api.schema.json#/definitions/policyVersionParams' },
        response: { 200: { $ref: 'api.schema.json#/definitions/policyVersion' } },
      },
    },
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      return app.policies.version(request.params.id, request.params.v);
    },
  );
}
