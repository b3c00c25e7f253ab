// Policies (admin): drafts, validation, immutable published versions.
import { validate, type Policy } from '@poolflow/engine';
import type { FastifyInstance } from 'fastify';
import {
  departmentForNew,
  departmentScope,
  requirePolicyAccess,
  requirePolicyEditor,
} from '../../access.js';
import type { PolicyRow } from '../../db/tables.js';
import { RuntimeError } from '../../runtime.error.js';
import { isKey, keyPageOf } from '../../services/keyset-cursor.js';
import { keyPageQuery } from '../key-page.js';
import type { KeyPageQuery } from '../../api.types.js';

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

/** A version number as a cursor may carry it. */
const isVersion = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 2147483647;

export default function policyRoutes(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    try {
      requirePolicyEditor(request);
      done();
    } catch (e) {
      done(e as Error);
    }
  });

  app.get<{ Querystring: KeyPageQuery }>('/api/policies', async (request) => {
    const { limit, after } = keyPageQuery(request.query, isKey);
    const rows = await app.policies.list(departmentScope(request.actor), {
      after,
      limit: limit + 1,
    });
    const { page, nextCursor } = keyPageOf(rows, limit, (row) => row.id);
    return { items: page.map(summary), nextCursor };
  });

  app.post<{ Body: { document: Policy; departmentId?: string | null } }>(
    '/api/policies',
    async (request, reply) => {
      const { document } = request.body;
      const departmentId = await departmentForNew(
        app.db,
        request.actor,
        request.body.departmentId,
        '/body/departmentId',
      );
      assertValid(document);
      const row = await app.policies.createDraft(document, departmentId);
      return reply.status(201).send({ ...summary(row), draft: row.draft });
    },
  );

  app.get<{ Params: { id: string } }>('/api/policies/:id', async (request) => {
    await requirePolicyAccess(app.db, request, request.params.id);
    const row = await app.policies.draft(request.params.id);
    if (!row) throw RuntimeError.notFound(`policy ${request.params.id}`);
    const now = await app.clock.now(app.db);
    return { ...summary(row), draft: row.draft, validation: validate(row.draft, { now }) };
  });

  // A draft may be invalid while it is being edited; its problems come back with it.
  app.put<{ Params: { id: string }; Body: { document: Policy } }>(
    '/api/policies/:id/draft',
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const { document } = request.body;
      if (document.id !== request.params.id)
        throw RuntimeError.invalid(
          '/body/document/id',
          `must be ${request.params.id}`,
          'id-mismatch',
          {
            expected: request.params.id,
            value: document.id,
          },
        );
      const row = await app.policies.saveDraft(request.params.id, document);
      const now = await app.clock.now(app.db);
      return { ...summary(row), draft: row.draft, validation: validate(row.draft, { now }) };
    },
  );

  // Warnings (a calendar's holidays running out) are judged on the runtime's clock.
  app.post<{ Body: { document: unknown } }>('/api/policies/validate', async (request) =>
    validate(request.body.document, { now: await app.clock.now(app.db) }),
  );

  // The publish gate (services/publish-gate.ts): saved scenarios run first; a failure is a 422
  // unless forced, and a forced version keeps the failures it was published past.
  app.post<{ Params: { id: string }; Body: { message?: string; force?: boolean } | undefined }>(
    '/api/policies/:id/publish',
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const message = request.body?.message ?? '';
      const force = request.body?.force === true;
      // Overriding the policy's own specs needs a reason someone can read later in the history.
      if (force && message.trim() === '') {
        throw RuntimeError.invalid(
          '/body/message',
          'is required when publishing with force',
          'force-message',
        );
      }
      return app.policies.publish(request.params.id, {
        message,
        force,
        actorId: request.actor.id,
        now: await app.clock.now(app.db),
      });
    },
  );

  app.get<{ Params: { id: string }; Querystring: KeyPageQuery }>(
    '/api/policies/:id/versions',
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      const { limit, after } = keyPageQuery(request.query, isVersion);
      const rows = await app.policies.versions(request.params.id, { after, limit: limit + 1 });
      const { page, nextCursor } = keyPageOf(rows, limit, (v) => v.version);
      return { items: page, nextCursor };
    },
  );

  app.get<{ Params: { id: string; v: number } }>(
    '/api/policies/:id/versions/:v',
    async (request) => {
      await requirePolicyAccess(app.db, request, request.params.id);
      return app.policies.version(request.params.id, request.params.v);
    },
  );
}
