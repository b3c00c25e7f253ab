// Liveness with a database round trip, and Prometheus metrics.
import type { FastifyInstance } from 'fastify';

export default function healthRoutes(app: FastifyInstance): void {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    await app.db.raw('SELECT 1');
    return { ok: true, database: app.dbKind };
  });

  app.get(
    '/metrics',
    { config: { public: true }, schema: { hide: true } },
    async (_request, reply) => {
      const { rows } = await app.db.raw<{ rows: { due: number; pending: number }[] }>(
        `SELECT count(*) FILTER (WHERE due_at <= now()) AS due, count(*) AS pending FROM timers`,
      );
      app.metrics.gauge('poolflow_timers_pending', Number(rows[0]?.pending ?? 0));
      return reply.type('text/plain; version=0.0.4').send(app.metrics.render());
    },
  );
}
