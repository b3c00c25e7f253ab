// Reads of records and their history for the routes (writes go through the engine: record.service.ts).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { RecordRow } from '../db/rows.js';
import type { HistoryRow } from '../db/tables.js';

declare module 'fastify' {
  interface FastifyInstance {
    recordRepository: RecordRepository;
  }
}

/** What a page of a pool's records is filtered and ordered by (the list route's query). */
export interface RecordPageQuery {
  /** Pooled records only. */
  pooled?: boolean;
  ownerId?: string;
  /** Exact values of entity fields (`data->>field`). */
  fields?: Record<string, string>;
  state?: string;
  tag?: string;
  /** A LIKE pattern matched against `search`, or against these fields only (masked ones left out). */
  search?: { pattern: string; fields?: string[] };
  sort: 'score' | 'updated_at';
  /** The last row of the previous page: its score (or updated_at) and id. */
  after?: [value: string, id: string];
  limit: number;
}

export class RecordRepository {
  constructor(private readonly db: Knex) {}

  get(poolKey: string, id: string): Promise<RecordRow | undefined> {
    return this.db('records').where({ id, pool_key: poolKey }).first();
  }

  /** The pool a record is in, whatever the pool (undefined: no such record). */
  poolOf(id: string) {
    return this.db('records').where({ id }).first('pool_key');
  }

  /** What reading a record's history needs to know of it (its policy masks fields). */
  head(poolKey: string, id: string) {
    return this.db('records')
      .where({ id, pool_key: poolKey })
      .first('id', 'pool_key', 'owner_id', 'policy_id', 'policy_version');
  }

  /** A page of a pool's records; by score, ties go by ascending id, by updated_at by descending id. */
  page(poolKey: string, q: RecordPageQuery): Promise<RecordRow[]> {
    const query = this.db('records').where({ pool_key: poolKey });
    if (q.pooled) void query.where({ pooled: true });
    if (q.ownerId !== undefined) void query.where({ owner_id: q.ownerId });
    if (q.state) void query.where({ state: q.state });
    for (const [field, value] of Object.entries(q.fields ?? {}))
      void query.whereRaw('data->>? = ?', [field, value]);
    if (q.tag) void query.whereRaw('tags \\? ?', [q.tag]);
    const search = q.search;
    if (search) {
      const fields = search.fields;
      if (fields)
        void query.where((w) => {
          for (const f of fields) void w.orWhereRaw('lower(data->>?) like ?', [f, search.pattern]);
          if (fields.length === 0) void w.whereRaw('false');
        });
      else void query.where('search', 'like', search.pattern);
    }
    // The order of the (pool_key, pooled, score DESC, id) index, so a page is read off the index even
    // when thousands of records share a score, and the pool's first record is the one claim-next takes.
    const tieOrder = q.sort === 'score' ? 'asc' : 'desc';
    if (q.after) {
      const [value, id] = q.after;
      if (q.sort === 'score')
        void query.whereRaw('(score < ? OR (score = ? AND id > ?))', [
          Number(value),
          Number(value),
          id,
        ]);
      else void query.whereRaw('(updated_at, id) < (?, ?)', [value, id]);
    }
    return query
      .orderBy([
        { column: q.sort, order: 'desc' },
        { column: 'id', order: tieOrder },
      ])
      .limit(q.limit);
  }

  /**
   * The policy versions a pool's running records are on, read off the (pool_key, policy_version) index
   * one version at a time (a skip scan: as many index probes as versions, not a scan of the pool).
   */
  async liveVersions(poolKey: string): Promise<number[]> {
    const { rows } = await this.db.raw<{ rows: { v: number | null }[] }>(
      `WITH RECURSIVE v AS (
         SELECT (SELECT min(policy_version) FROM records WHERE pool_key = ? AND NOT done) AS v
         UNION ALL
         SELECT (SELECT min(policy_version) FROM records
                 WHERE pool_key = ? AND NOT done AND policy_version > v.v)
         FROM v WHERE v.v IS NOT NULL)
       SELECT v FROM v WHERE v IS NOT NULL`,
      [poolKey, poolKey],
    );
    return rows.map((r) => Number(r.v));
  }

  /**
   * Up to `limit` history steps of a record in step order (`desc`: newest first), after the step
   * `after` in that order. Reads the (record_id, seq) index forwards or backwards.
   */
  history(
    recordId: string,
    after: { seq: number; id: string } | null,
    limit: number,
    order: 'asc' | 'desc' = 'asc',
  ): Promise<(HistoryRow & { actor_name: string | null })[]> {
    // With the actor's name: an admin or a department admin who acts on a record (a rollout, a move)
    // is no member of its pool, so the pool's member list cannot name them.
    const query = this.db('history as h')
      .leftJoin('users as u', 'u.id', 'h.actor_id')
      .where('h.record_id', recordId)
      .select('h.*', this.db.raw("COALESCE(NULLIF(u.display_name, ''), u.username) AS actor_name"));
    if (after)
      void query.whereRaw(`(h.seq, h.id) ${order === 'asc' ? '>' : '<'} (?, ?)`, [
        after.seq,
        after.id,
      ]);
    return query
      .orderBy([
        { column: 'h.seq', order },
        { column: 'h.id', order },
      ])
      .limit(limit);
  }

  /** Up to `limit` of a pool's records with ids after `afterId`, by id: keyset pages for export. */
  exportPage(poolKey: string, afterId: string, limit: number): Promise<RecordRow[]> {
    return this.db('records')
      .where({ pool_key: poolKey })
      .where('id', '>', afterId || '00000000-0000-0000-0000-000000000000')
      .orderBy('id')
      .limit(limit);
  }
}

export const recordRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('recordRepository', new RecordRepository(app.db));
    return Promise.resolve();
  },
  { name: 'record-repository', dependencies: ['services'] },
);
