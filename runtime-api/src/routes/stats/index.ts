// GET /api/pools/:pool/stats: analytics for managers (JSON, or CSV with format=csv).
import type { FastifyInstance } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { poolStats, statesOf, statsCsv } from '../../services/stats.service.js';
import type { StatsQuery } from '../../api.types.js';

const DAY = 86_400_000;

export default function statsRoutes(app: FastifyInstance): void {
  app.get<{ Params: { pool: string }; Querystring: StatsQuery }>(
    '/api/pools/:pool/stats',
    async (request, reply) => {
      const { pool } = request.params;
      await requirePoolRole(app, request, pool, 'manager');
      const now = await app.clock.now(app.db);
      const to = request.query.to ? Date.parse(request.query.to) : now;
      const from = request.query.from ? Date.parse(request.query.from) : to - 30 * DAY;
      if (from >= to) throw RuntimeError.invalid('/from', 'must be before to');
      if (to - from > 400 * DAY)
        throw RuntimeError.invalid('/from', 'the range is at most 400 days');
      const row = await app.records.pool(pool);
      const versions = (await app
        .db('policy_versions')
        .where({ policy_id: row.policy_id })
        .pluck('version')) as number[];
      const compiled = await Promise.all(versions.map((v) => app.policies.get(row.policy_id, v)));
      const stats = await poolStats(
        app.db,
        pool,
        statesOf(compiled),
        { from, to },
        request.query.by ?? 'industry',
      );
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${pool}-stats.csv"`)
          .send(statsCsv(stats));
      }
      return stats;
    },
  );
}
