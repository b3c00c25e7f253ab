// Manual clock (POOLFLOW_CLOCK=manual, demos and tests only): move time and run the time-driven jobs once.
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../access.js';
import { RuntimeError } from '../../runtime.error.js';

export default function clockRoutes(app: FastifyInstance): void {
  app.get('/api/clock', async () => ({
    now: new Date(await app.clock.now(app.db)).toISOString(),
    manual: app.clock.manual,
  }));

  app.post<{ Body: { days?: number; hours?: number; minutes?: number } }>(
    '/api/clock/advance',
    async (request) => {
      requireRole(request, 'admin');
      if (!app.clock.manual) {
        throw new RuntimeError(
          'POOL_ERR_FORBIDDEN',
          'the clock is not manual (set POOLFLOW_CLOCK=manual)',
        );
      }
      const { days = 0, hours = 0, minutes = 0 } = request.body;
      const now = await app.clock.advance(
        app.db,
        days * 86_400_000 + hours * 3_600_000 + minutes * 60_000,
      );
      // Each time-driven job once, in ADVANCE_ORDER (jobs/jobs.ts): pool upgrades first (a timer they re-arm
      // in the past fires in this sweep), then the sweep, distribution of what entered a pool, the outbox.
      // A record whose step fails has its timer marked failed (counted in `failed`): never a 500 here.
      await app.jobs.run('upgrades');
      const swept = await app.jobs.run('sweep');
      const assigned = await app.jobs.run('distribute');
      await app.jobs.run('outbox');
      return {
        now: new Date(now).toISOString(),
        fired: swept.fired,
        records: swept.records,
        failed: swept.failed,
        assigned,
      };
    },
  );
}
