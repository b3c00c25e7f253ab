// Records of a pool: create, list (pool / mine / all), read, send events, claim, assign, release, claim-next, history.
import type { PoolEvent } from '@poolflow/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  assertMayAct,
  maskData,
  maskedFields,
  mayManagePool,
  requirePoolRole,
} from '../../access.js';
import type { RecordRow } from '../../db/rows.js';
import { listFilters } from './field-filters.js';
import { RuntimeError } from '../../runtime.error.js';
import { changedData } from '../../services/record-edit.js';
import type { EventOutcome, SendOptions } from '../../services/record.service.js';
import { readIntegrity, readsIntegrity } from '../../services/integrity.js';
import { decodeCursor, encodeCursor } from '../../services/keyset-cursor.js';
import { recordReply, type RecordReply } from '../record-view.js';
import type { GetRecordHistoryQuery, PoolRecord, RecordListQuery } from '../../api.types.js';
import { claimability, etagMatches, listEtag } from './claimability.js';

type PoolParams = { pool: string };
type RecordParams = { pool: string; id: string };
type ListQuery = RecordListQuery;
type HistoryQuery = GetRecordHistoryQuery;

export default function recordRoutes(app: FastifyInstance): void {
  const reply = async (request: FastifyRequest, outcome: Pick<EventOutcome, 'row' | 'now'>) => {
    const compiled = await app.policies.get(outcome.row.policy_id, outcome.row.policy_version);
    // Event guards may read the caller's integrity record (user.integrity): availableEvents needs it.
    const actor = readsIntegrity(compiled)
      ? { ...request.actor, integrity: await readIntegrity(app.db, request.actor.id, outcome.now) }
      : request.actor;
    return recordReply(outcome.row, compiled, actor, { now: outcome.now });
  };

  app.post<{
    Params: PoolParams;
    Body: { data: Record<string, unknown>; ownerId?: string | null };
  }>('/api/pools/:pool/records', async (request, res) => {
    const { pool } = request.params;
    await requirePoolRole(app, request, pool, 'member');
    const ownerId = request.body.ownerId ?? null;
    // Members may create records for themselves or unowned; giving one to someone else is assigning.
    if (ownerId !== null && ownerId !== request.actor.id)
      await requirePoolRole(app, request, pool, 'manager');
    const outcome = await app.records.create(pool, request.body.data, ownerId, request.actor, {
      ownerPath: '/body/ownerId',
      dataPath: '/body/data',
    });
    return res.status(201).send(await reply(request, outcome));
  });

  // 查重 before a create or an edit: which records have the form's unique values (POST: no names or
  // phones in URLs and access logs).
  app.post<{ Params: PoolParams; Body: { data: Record<string, unknown>; recordId?: string } }>(
    '/api/pools/:pool/duplicates',
    async (request) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'member');
      const { data, recordId } = request.body;
      const found = await app.records.duplicates(pool, data, recordId);
      return {
        items: found.map((h) => ({
          field: h.field,
          recordId: h.recordId,
          pool: h.poolKey,
          ownerId: h.ownerId,
        })),
      };
    },
  );

  app.get<{ Params: PoolParams; Querystring: ListQuery }>(
    '/api/pools/:pool/records',
    async (request, res) => {
      const { pool } = request.params;
      const q = request.query;
      await requirePoolRole(app, request, pool, 'member');
      const view = q.view ?? 'pool';
      if (view === 'all') await requirePoolRole(app, request, pool, 'manager');
      const limit = q.limit ?? 50;
      const sortColumn = q.sort === 'updated' ? 'updated_at' : 'score';
      // Another user's records are a manager's view: `owner` filters the whole pool's.
      if (q.owner !== undefined && view !== 'all')
        throw RuntimeError.invalid('/querystring/owner', 'needs view=all', 'owner-needs-all', {
          view,
        });
      const filters = await listFilters(app, request.actor, pool, view, q);
      const rows = await app.recordRepository.page(pool, {
        pooled: view === 'pool',
        ...(view === 'mine' ? { ownerId: request.actor.id } : {}),
        ...(q.owner !== undefined ? { ownerId: q.owner } : {}),
        ...filters,
        ...(q.tag ? { tag: q.tag } : {}),
        sort: sortColumn,
        ...(q.cursor ? { after: decodeCursor(q.cursor, sortValue(sortColumn)) } : {}),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const policyOf = (row: Pick<RecordRow, 'policy_id' | 'policy_version'>) =>
        app.policies.get(row.policy_id, row.policy_version);
      const claims = await claimability(app, pool, request.actor, page, policyOf);
      // Lists are polled with If-None-Match: an unchanged page is answered before it is mapped.
      const etag = listEtag(request.actor, pool, q, rows, claims);
      void res.header('etag', etag).header('cache-control', 'private, no-cache');
      if (etagMatches(request.headers['if-none-match'], etag)) return res.code(304).send();
      const items = await Promise.all(
        page.map(async (row) => {
          const item: RecordReply & Pick<PoolRecord, 'canClaim'> = recordReply(
            row,
            await policyOf(row),
            request.actor,
            null,
          );
          const canClaim = claims.canClaim.get(row.id);
          if (canClaim !== undefined) item.canClaim = canClaim;
          return item;
        }),
      );
      const lastRow = page[page.length - 1];
      const nextCursor =
        rows.length > limit && lastRow
          ? encodeCursor(
              sortColumn === 'score' ? String(lastRow.score) : lastRow.updated_at.toISOString(),
              lastRow.id,
            )
          : null;
      const { claimsLeftToday, ownedCapacity } = claims;
      return { items, nextCursor, claimsLeftToday, ownedCapacity };
    },
  );

  app.get<{ Params: RecordParams }>('/api/pools/:pool/records/:id', async (request) => {
    const { pool, id } = request.params;
    await requirePoolRole(app, request, pool, 'member');
    const row = await app.recordRepository.get(pool, id);
    if (!row) throw RuntimeError.notFound(`record ${id} in pool ${pool}`);
    return reply(request, { row, now: await app.clock.now(app.db) });
  });

  // An edit of the fields: the owner's or a manager's, checked on the row the edit starts from. A
  // change to nothing is answered with the record as it is, and writes nothing.
  app.patch<{
    Params: RecordParams;
    Body: { data: Record<string, unknown>; base?: Record<string, unknown> };
  }>('/api/pools/:pool/records/:id', async (request) => {
    const { pool, id } = request.params;
    await requirePoolRole(app, request, pool, 'member');
    const authorize = (row: Pick<RecordRow, 'pool_key' | 'owner_id'>) => {
      if (row.owner_id !== request.actor.id && !mayManagePool(request.actor, pool))
        throw RuntimeError.forbidden('only the owner or a manager may edit this record');
    };
    const row = await app.recordRepository.get(pool, id);
    if (!row) throw RuntimeError.notFound(`record ${id} in pool ${pool}`);
    authorize(row);
    if (Object.keys(changedData(row.data, request.body.data).after).length === 0)
      return reply(request, { row, now: await app.clock.now(app.db) });
    return reply(
      request,
      await app.records.edit(
        pool,
        id,
        request.body.data,
        request.actor,
        authorize,
        request.body.base,
      ),
    );
  });

  const mutate = (
    path: string,
    toEvent: (
      request: FastifyRequest<{ Params: RecordParams; Body: Record<string, unknown> }>,
    ) => PoolEvent,
    level: 'member' | 'manager' = 'member',
    payloadPath = '/body',
    options: (body: Record<string, unknown>) => SendOptions = () => ({}),
  ) =>
    app.post<{ Params: RecordParams; Body: Record<string, unknown> }>(
      `/api/pools/:pool/records/:id${path}`,
      async (request) => {
        const { pool, id } = request.params;
        await requirePoolRole(app, request, pool, level);
        const event = toEvent(request);
        const authorize = (row: RecordRow) => assertMayAct(request.actor, row, event);
        return reply(
          request,
          await app.records.send(pool, id, event, request.actor, {
            ...options(request.body),
            authorize,
            payloadPath,
          }),
        );
      },
    );

  mutate('/events', (r) => r.body as unknown as PoolEvent, 'member', '/body/payload');
  mutate('/claim', () => ({ type: 'CLAIM' }));
  mutate(
    '/assign',
    (r) => ({ type: 'ASSIGN', payload: { userId: String(r.body['userId']) } }),
    'manager',
    '/body',
    // As in bulk: a pooled record goes only to someone who could claim it (the assignee's claim
    // rules), unless the manager overrides, which the history row records.
    (body) => (body['override'] === true ? { override: true } : {}),
  );
  mutate('/release', (r) => {
    const reason = String(r.body['reason']);
    // Blanks are no reason: the pool row and the per-rep table would show an empty one.
    if (reason.trim() === '')
      throw RuntimeError.invalid('/body/reason', 'must not be blank', 'blank-reason');
    return { type: 'RELEASE', payload: { reason } };
  });

  app.post<{ Params: PoolParams }>('/api/pools/:pool/claim-next', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'member');
    return reply(request, await app.records.claimNext(request.params.pool, request.actor));
  });

  app.get<{ Params: RecordParams; Querystring: HistoryQuery }>(
    '/api/pools/:pool/records/:id/history',
    async (request) => {
      const { pool, id } = request.params;
      await requirePoolRole(app, request, pool, 'member');
      const limit = request.query.limit ?? 100;
      const after = request.query.cursor
        ? decodeCursor(request.query.cursor, isSeq, isHistoryId)
        : null;
      const record = await app.recordRepository.head(pool, id);
      if (!record) throw RuntimeError.notFound(`record ${id} in pool ${pool}`);
      // Event payloads may carry a masked field's value (an event that sets the phone): hidden alike.
      const compiled = await app.policies.get(record.policy_id, record.policy_version);
      const masked = maskedFields(request.actor, record, compiled);
      const rows = await app.recordRepository.history(
        id,
        after && { seq: after[0], id: after[1] },
        limit + 1,
        request.query.order ?? 'asc',
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((h) => ({
          seq: h.seq,
          at: h.at.toISOString(),
          actorId: h.actor_id,
          actorName: h.actor_name,
          event: h.event_type,
          payload: maskPayload(h.event_type, h.payload, masked),
          from: h.from_state,
          to: h.to_state,
          ownerFrom: h.owner_from,
          ownerTo: h.owner_to,
          tags: h.tags,
          reason: h.reason,
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(last.seq, String(last.id)) : null,
      };
    },
  );
}

/** A history cursor's seq: a step number the int4 column holds (a larger one would be a 500). */
const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2147483647;

/** A history row's id (bigserial) as a cursor carries it: digits an int8 holds. */
const isHistoryId = (id: string): boolean => /^[1-9][0-9]{0,17}$/.test(id);

/** A cursor's sort value as encodeCursor wrote it for `sortColumn` (Date.parse takes forms PostgreSQL refuses). */
const sortValue =
  (sortColumn: 'score' | 'updated_at') =>
  (value: unknown): value is string =>
    typeof value === 'string' &&
    (sortColumn === 'score'
      ? Number.isFinite(Number(value)) && String(Number(value)) === value
      : isoRoundTrips(value));

function isoRoundTrips(value: string): boolean {
  const time = Date.parse(value);
  // Years past 9999 print as +010000-…, which PostgreSQL does not read.
  return !Number.isNaN(time) && /^\d{4}-/.test(value) && new Date(time).toISOString() === value;
}

/** An event's payload as the actor may see it; an edit's values before and after are masked alike. */
function maskPayload(event: string, payload: unknown, masked: string[]): unknown {
  if (event !== 'EDIT' || masked.length === 0 || !isObject(payload))
    return maskData(payload, masked);
  return {
    ...payload,
    before: maskData(payload['before'], masked),
    after: maskData(payload['after'], masked),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
