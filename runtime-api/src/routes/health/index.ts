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
    // In-process series only: a scrape reads no table (a count of the timers scanned millions of
    // rows on every scrape, for a gauge that was never shown).
    (_request, reply) => reply.type('text/plain; version=0.0.4').send(app.metrics.render()),
  );
}
