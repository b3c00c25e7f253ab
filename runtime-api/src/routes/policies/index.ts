// Policies (admin): drafts, validation, immutable published versions.
import { validate, type Policy } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import { requirePolicyEditor } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

interface PolicyRow {
  id: string;
  name: { en: string; zh?: string };
  draft: Policy;
  latest_version: number;
  updated_at: Date;
}

const documentBody = {
  type: 'object',
  required: ['document'],
  additionalProperties: false,
  properties: { document: { type: 'object' } },
};

function summary(row: PolicyRow) {
  return {
    id: row.id,
    name: row.name,
    latestVersion: row.latest_version,
    updatedAt: row.updated_at.toISOString(),
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

  app.get('/api/policies', { schema: { tags: ['policies'] } }, async () => {
    const rows = (await app.db('policies').orderBy('id')) as PolicyRow[];
    return { items: rows.map(summary) };
  });

  app.post<{ Body: { document: Policy } }>(
    '/api/policies',
    { schema: { tags: ['policies'], body: documentBody } },
    async (request, reply) => {
      const { document } = request.body;
      assertValid(document);
      const exists = (await app.db('policies').where({ id: document.id }).first('id')) as unknown;
      if (exists) throw RuntimeError.invalid('/document/id', `policy ${document.id} exists`);
      await app.db('policies').insert({
        id: document.id,
        name: JSON.stringify(document.name),
        draft: JSON.stringify(document),
      });
      const row = (await app.db('policies').where({ id: document.id }).first()) as PolicyRow;
      return reply.status(201).send({ ...summary(row), draft: row.draft });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/policies/:id',
    { schema: { tags: ['policies'] } },
    async (request) => {
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

  app.post<{ Params: { id: string }; Body: { message?: string } }>(
    '/api/policies/:id/publish',
    {
      schema: {
        tags: ['policies'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { message: { type: 'string', maxLength: 500 } },
        },
      },
    },
    async (request) =>
      app.db.transaction(async (trx) => {
        const row = (await trx('policies').where({ id: request.params.id }).forUpdate().first()) as
          PolicyRow | undefined;
        if (!row) throw RuntimeError.notFound(`policy ${request.params.id}`);
        const version = row.latest_version + 1;
        const document = { ...row.draft, version };
        assertValid(document);
        await trx('policy_versions').insert({
          policy_id: row.id,
          version,
          document: JSON.stringify(document),
          message: request.body?.message ?? '',
          published_by: request.actor.id,
        });
        await trx('policies')
          .where({ id: row.id })
          .update({ latest_version: version, draft: JSON.stringify(document) });
        return { id: row.id, version };
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/policies/:id/versions',
    { schema: { tags: ['policies'] } },
    async (request) => {
      const rows = (await app
        .db('policy_versions')
        .where({ policy_id: request.params.id })
        .orderBy('version', 'desc')
        .select('version', 'message', 'published_by', 'published_at')) as {
        version: number;
        message: string;
        published_by: string;
        published_at: Date;
      }[];
      return {
        items: rows.map((r) => ({
          version: r.version,
          message: r.message,
          publishedBy: r.published_by,
          publishedAt: r.published_at.toISOString(),
        })),
      };
    },
  );

  app.get<{ Params: { id: string; v: number } }>(
    '/api/policies/:id/versions/:v',
    {
      schema: {
        tags: ['policies'],
        params: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            v: { type: 'integer', minimum: 1, maximum: 2147483647 },
          },
        },
      },
    },
    async (request) => {
      const row = (await app
        .db('policy_versions')
        .where({ policy_id: request.params.id, version: request.params.v })
        .first()) as
        { version: number; document: Policy; message: string; published_at: Date } | undefined;
      if (!row)
        throw RuntimeError.notFound(`policy ${request.params.id} version ${request.params.v}`);
      return {
        version: row.version,
        message: row.message,
        publishedAt: row.published_at.toISOString(),
        document: row.document,
      };
    },
  );
}
