// The activity log for admins: who did what in the administration, newest first (activity.plugin.ts).
import type { FastifyInstance } from 'fastify';
import { requireRole } from '../../access.js';
import { decodeKeyCursor, keyPageOf } from '../../services/keyset-cursor.js';
import type { ActivityQuery } from '../../api.types.js';

/** An entry's id (bigserial) as a cursor carries it: digits an int8 holds. */
const isEntryId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9]{1,18}$/.test(value);

export default function activityRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: ActivityQuery }>('/api/activity', async (request) => {
    requireRole(request, 'admin');
    const { actor, cursor } = request.query;
    const limit = request.query.limit ?? 50;
    const rows = await app.activityRepository.page({
      actor,
      before: cursor === undefined ? undefined : decodeKeyCursor(cursor, isEntryId),
      limit: limit + 1,
    });
    const { page, nextCursor } = keyPageOf(rows, limit, (r) => String(r.id));
    return {
      nextCursor,
      items: page.map((r) => ({
        id: String(r.id),
        at: r.at.toISOString(),
        actorId: r.actor_id,
        actor: r.actor_name,
        action: r.action,
        target: r.target,
        details: r.details,
      })),
    };
  });
}
