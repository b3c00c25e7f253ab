// Liveness with a database round trip, and Prometheus metrics for a scraper holding the metrics token
// or an admin's session.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayAdminister } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

export interface HealthOptions {
  /** POOLFLOW_METRICS_TOKEN: the bearer token a scraper sends for /metrics (unset: admins only). */
  metricsToken?: string | undefined;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Whether the request may read /metrics: the metrics token, or the session of an admin. */
async function mayReadMetrics(
  app: FastifyInstance,
  request: FastifyRequest,
  metricsToken: Buffer | undefined,
): Promise<void> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  if (!match) throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', 'missing bearer token');
  const token = match[1] as string;
  // Compared as digests: equal lengths, and no timing that tells how much of the token matched.
  if (metricsToken && timingSafeEqual(digest(token), metricsToken)) return;
  const actor = await app.auth.authenticate(token);
  if (!actor) throw new RuntimeError('POOL_ERR_UNAUTHENTICATED', 'invalid or expired token');
  if (!mayAdminister(actor)) throw RuntimeError.forbidden('metrics are for admins and scrapers');
}

export default function healthRoutes(app: FastifyInstance, options: HealthOptions): void {
  const metricsToken = options.metricsToken ? digest(options.metricsToken) : undefined;

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => {
    await app.db.raw('SELECT 1');
    return { ok: true, database: app.dbKind };
  });

  app.get(
    '/metrics',
    { config: { public: true }, schema: { hide: true } },
    // In-process series only: a scrape reads no table (a count of the timers scanned millions of
    // rows on every scrape, for a gauge that was never shown).
    async (request, reply) => {
      await mayReadMetrics(app, request, metricsToken);
      return reply.type('text/plain; version=0.0.4').send(app.metrics.render());
    },
  );
}
