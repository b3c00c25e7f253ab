// Manager moves: bulk assign and bulk release, move a record to another pool, and run push distribution
// now.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EngineError, type PoolEvent } from '@poolflow/engine';
import { requireAssignee, requirePoolMember, requirePoolRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import type { SendOptions } from '../../services/record.service.js';
import { moveTargetCheck, type MoveTargetCheck } from '../../services/move-target.js';

/** Why a record may not move to the pool the body names, as a 400 with the check's code. */
const refused = (check: MoveTargetCheck): RuntimeError =>
  RuntimeError.invalid('/body/pool', check.message, check.code, check.params);

export default function manageRoutes(app: FastifyInstance): void {
  app.post<{
    Params: { pool: string };
    Body: { recordIds: string[]; userId: string; override?: boolean };
  }>('/api/pools/:pool/assign-bulk', async (request) => {
    const { pool } = request.params;
    await requirePoolRole(app, request, pool, 'manager');
    // Checked once before any record: an outsider named here is a 400 and nothing is assigned.
    await requireAssignee(app.db, pool, request.body.userId, '/body/userId');
    // As one assign: the assignee gets a pooled record only if they could claim it themselves
    // (eligibility, cooldown, limits), unless the manager overrides, which the history row records.
    const override = request.body.override === true;
    const results = await sendEach(
      app,
      request,
      { type: 'ASSIGN', payload: { userId: request.body.userId } },
      { payloadPath: '/body', ...(override ? { override } : {}) },
    );
    return { assigned: results.filter((r) => r.ok).length, results };
  });

  // A departed rep's book back to the pool: each record released as its owner's release would be.
  app.post<{ Params: { pool: string }; Body: { recordIds: string[]; reason: string } }>(
    '/api/pools/:pool/release-bulk',
    async (request) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'manager');
      const { reason } = request.body;
      // Blanks are no reason (as for one release): the history and the per-rep table would show none.
      if (reason.trim() === '')
        throw RuntimeError.invalid('/body/reason', 'must not be blank', 'blank-reason');
      const results = await sendEach(
        app,
        request,
        { type: 'RELEASE', payload: { reason } },
        { payloadPath: '/body' },
      );
      return { released: results.filter((r) => r.ok).length, results };
    },
  );

  app.post<{ Params: { pool: string; id: string }; Body: { pool: string } }>(
    '/api/pools/:pool/records/:id/move',
    async (request) => {
      const { pool, id } = request.params;
      const target = request.body.pool;
      await requirePoolRole(app, request, pool, 'manager');
      if (target === pool)
        throw RuntimeError.invalid('/body/pool', `is the record's pool already`, 'same-pool', {
          pool,
        });
      // A target that does not exist is a bad body, not a missing record or source pool (404).
      if (!(await app.poolRepository.exists(target)))
        throw RuntimeError.invalid('/body/pool', `no pool named "${target}"`, 'unknown-pool', {
          pool: target,
        });
      await requirePoolRole(app, request, target, 'manager');
      const from = await app.records.pool(pool);
      const to = await app.records.pool(target);
      const moved = await app.records.move(pool, id, target, request.actor, async (row, db) => {
        // A record keeps its policy version: it moves only within its department and policy.
        const problem = moveTargetCheck(
          { department_id: from.department_id, policy_id: row.policy_id },
          target,
          to,
        );
        if (problem !== null) throw refused(problem);
        // Its owner keeps it: they must be a member of the pool it moves to.
        if (row.owner_id !== null) await requirePoolMember(db, target, row.owner_id, '/body/pool');
      });
      return { id, pool: moved.row.pool_key, state: moved.row.state };
    },
  );

  app.post<{ Params: { pool: string } }>('/api/pools/:pool/distribute', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'manager');
    return { assigned: await app.distributor.distribute({ pool: request.params.pool }) };
  });
}

/** One record's result in a bulk request (schema `bulkResult`). */
interface BulkResult {
  id: string;
  ok: boolean;
  state?: string;
  error?: { code: string; message: string; until?: string; details?: unknown };
}

/**
 * Sends `event` to each of the body's records in turn, as the manager: one write per record, so a
 * refusal for one (its state, a cooldown, a record not in the pool) does not undo the others. A
 * refusal's details are those of a single request's reply, so a client words the row in its language.
 */
async function sendEach(
  app: FastifyInstance,
  request: FastifyRequest<{ Params: { pool: string }; Body: { recordIds: string[] } }>,
  event: PoolEvent,
  options: SendOptions,
): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const id of request.body.recordIds) {
    try {
      const { row } = await app.records.send(
        request.params.pool,
        id,
        event,
        request.actor,
        options,
      );
      results.push({ id, ok: true, state: row.state });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      const until = (e.details as { until?: unknown } | undefined)?.until;
      results.push({
        id,
        ok: false,
        error: {
          code: e.code,
          message: e.message,
          ...(typeof until === 'string' ? { until } : {}),
          ...(e.details === undefined ? {} : { details: e.details }),
        },
      });
    }
  }
  return results;
}
