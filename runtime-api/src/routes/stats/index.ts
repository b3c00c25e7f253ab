// GET /api/pools/:pool/stats and /stats/reps: analytics for managers (JSON, or CSV with format=csv).
import type { CompiledPolicy } from '@poolflow/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';
import { poolStats, statesOf, statsCsv } from '../../services/stats.service.js';
import { repStats, repStatsCsv } from '../../services/stats-reps.js';
import { breakdownFields } from '../../services/stats-tally.js';
import type { RepStatsQuery, StatsQuery } from '../../api.types.js';

const DAY = 86_400_000;
/** Ranges start no earlier than the Unix epoch: the runtime has no history before it. */
const STATS_FLOOR = '1970-01-01T00:00:00Z';
/** The longest range one request counts. */
const MAX_DAYS = 400;

/**
 * The range asked for (30 days to now by default), the states of every version of the pool's policy and
 * the version the pool runs.
 */
async function scopeOf(
  app: FastifyInstance,
  request: FastifyRequest,
  pool: string,
  query: { from?: string; to?: string },
) {
  await requirePoolRole(app, request, pool, 'manager');
  const now = await app.clock.now(app.db);
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - 30 * DAY;
  if (from < Date.parse(STATS_FLOOR))
    throw RuntimeError.invalid(
      query.from ? '/querystring/from' : '/querystring/to',
      `the range starts no earlier than ${STATS_FLOOR}`,
      'range-floor',
      { floor: STATS_FLOOR },
    );
  // Called only past a comparison, which a date Date.parse cannot read (NaN) never passes.
  const range = () => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  if (from >= to)
    throw RuntimeError.invalid(
      '/querystring/from',
      'must be before to',
      'from-not-before-to',
      range(),
    );
  if (to - from > MAX_DAYS * DAY)
    throw RuntimeError.invalid(
      '/querystring/from',
      `the range is at most ${MAX_DAYS} days`,
      'range-too-long',
      { ...range(), limit: MAX_DAYS },
    );
  const row = await app.records.pool(pool);
  const versions = await app.policyRepository.versionNumbers(row.policy_id);
  const compiled = await Promise.all(versions.map((v) => app.policies.get(row.policy_id, v)));
  const current = await app.policies.get(row.policy_id, row.policy_version);
  return { range: { from, to }, states: statesOf(compiled), current };
}

/**
 * The breakdown field: `by` if it is an entity field with fixed values of the version the pool runs (any
 * other name is a 400, code not-breakdown-field with the fields it may name, and nothing is tallied); by
 * default industry if it is one, else the first one.
 */
function breakdownFieldOf(current: CompiledPolicy, by: string | undefined): string | null {
  const fields = breakdownFields(current);
  if (by === undefined) return fields.includes('industry') ? 'industry' : (fields[0] ?? null);
  if (!fields.includes(by))
    throw RuntimeError.invalid(
      '/querystring/by',
      fields.length > 0
        ? `${by} is not a field with fixed values; one of: ${fields.join(', ')}`
        : `${by} is not a field with fixed values (the pool's policy has none)`,
      'not-breakdown-field',
      { name: by, allowed: fields },
    );
  return by;
}

export default function statsRoutes(app: FastifyInstance): void {
  app.get<{ Params: { pool: string }; Querystring: StatsQuery }>(
    '/api/pools/:pool/stats',
    async (request, reply) => {
      const { pool } = request.params;
      const { range, states, current } = await scopeOf(app, request, pool, request.query);
      const by = breakdownFieldOf(current, request.query.by);
      const stats = await poolStats(app.db, pool, states, range, by, request.query.convertDays);
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${pool}-stats.csv"`)
          .send(statsCsv(stats));
      }
      return stats;
    },
  );

  app.get<{ Params: { pool: string }; Querystring: RepStatsQuery }>(
    '/api/pools/:pool/stats/reps',
    async (request, reply) => {
      const { pool } = request.params;
      const { range, states } = await scopeOf(app, request, pool, request.query);
      const stats = await repStats(app.db, pool, states, range);
      if (request.query.format === 'csv') {
        // A BOM so that Excel reads names in Chinese as UTF-8.
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${pool}-reps.csv"`)
          .send(`\ufeff${repStatsCsv(stats)}`);
      }
      return stats;
    },
  );
}
