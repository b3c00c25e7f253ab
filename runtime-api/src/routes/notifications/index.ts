// The caller's notifications (reminders, reviews, …), newest first, with the unread count; mark all
// read, or one (the bell does when it is opened).
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { RuntimeError } from '../../runtime.error.js';
import { decodeCursor, encodeCursor } from '../../services/keyset-cursor.js';

export default function notificationRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { unread?: boolean; limit?: number; cursor?: string } }>(
    '/api/notifications',
    async (request) => {
      const limit = request.query.limit ?? 50;
      const before = request.query.cursor ? pageEnd(request.query.cursor) : undefined;
      const rows = await app.notificationRepository.list(request.actor.id, {
        unread: request.query.unread === true,
        limit: limit + 1,
        before,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const unread = await app.notificationRepository.unreadCount(request.actor.id);
      return {
        unread,
        nextCursor:
          rows.length > limit && last
            ? encodeCursor(last.created_at.getTime(), String(last.id))
            : null,
        items: page.map((n) => ({
          id: String(n.id),
          recordId: n.record_id,
          pool: n.pool_key,
          kind: n.kind,
          message: n.message,
          createdAt: n.created_at.toISOString(),
          read: n.read_at !== null,
        })),
      };
    },
  );

  app.post('/api/notifications/read', async (request) => {
    const updated = await app.notificationRepository.markRead(request.actor.id, new Date());
    return { marked: updated };
  });

  app.post<{ Params: { id: string } }>('/api/notifications/:id/read', async (request) => {
    const marked = await app.notificationRepository.markOneRead(
      request.actor.id,
      request.params.id,
      new Date(),
    );
    // Another user's notification is not found, as one that never was.
    if (marked === null) throw RuntimeError.notFound(`notification ${request.params.id}`);
    return { marked };
  });
}

/** A notification's id (bigserial) as a cursor carries it: digits an int8 holds. */
const isNotificationId = (id: string): boolean => /^[0-9]{1,18}$/.test(id);
const isTime = (value: unknown): value is number => Number.isSafeInteger(value);

function pageEnd(cursor: string): { createdAt: Date; id: string } {
  const [ms, id] = decodeCursor(cursor, isTime, isNotificationId);
  return { createdAt: new Date(ms), id };
}
