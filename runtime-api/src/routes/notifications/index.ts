// The caller's notifications (reminders, reviews, …), newest first, with the unread count; mark as read.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import { decodeKeyCursor, keyPageOf } from '../../services/keyset-cursor.js';

export default function notificationRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { unread?: boolean; limit?: number; cursor?: string } }>(
    '/api/notifications',
    async (request) => {
      const limit = request.query.limit ?? 50;
      const before = request.query.cursor
        ? decodeKeyCursor(request.query.cursor, isNotificationId)
        : undefined;
      const rows = await app.notificationRepository.list(request.actor.id, {
        unread: request.query.unread === true,
        limit: limit + 1,
        before,
      });
      const { page, nextCursor } = keyPageOf(rows, limit, (n) => String(n.id));
      const unread = await app.notificationRepository.unreadCount(request.actor.id);
      return {
        unread,
        nextCursor,
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
}

/** A notification's id (bigserial) as a cursor carries it: digits an int8 holds. */
const isNotificationId = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9]{1,18}$/.test(value);
