// The audit queue (抽查) and integrity records: a pool's managers (and admins) list audits, give verdicts
// and read their reps' integrity records; members get 403.
import type { FastifyInstance } from 'fastify';
import { requirePoolRole } from '../../access.js';
import { AuditService } from '../../services/audit.service.js';

interface AuditQuery {
  status?: 'open' | 'closed';
  limit?: number;
  cursor?: string;
}

export default function auditRoutes(app: FastifyInstance): void {
  const audits = new AuditService(app.db, app.policies, app.clock, app.metrics);

  app.get<{ Params: { pool: string }; Querystring: AuditQuery }>(
    '/api/pools/:pool/audits',
    async (request) => {
      await requirePoolRole(app, request, request.params.pool, 'manager');
      return audits.list(request.params.pool, request.query);
    },
  );

  app.post<{
    Params: { pool: string; id: string };
    Body: { verdict: 'confirmed' | 'fake'; note?: string };
  }>('/api/pools/:pool/audits/:id', async (request) => {
    const { pool, id } = request.params;
    await requirePoolRole(app, request, pool, 'manager');
    return audits.decide(pool, id, request.body, request.actor.id);
  });

  app.get<{ Params: { pool: string } }>('/api/pools/:pool/integrity', async (request) => {
    await requirePoolRole(app, request, request.params.pool, 'manager');
    return audits.integrity(request.params.pool);
  });
}
