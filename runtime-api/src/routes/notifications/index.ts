// The caller's notifications (reminders, reviews, …), newest first, with the unread count; mark as read.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';

export default function notificationRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { unread?: boolean; limit?: number } }>(
    '/api/notifications',
    async (request) => {
      const rows = await app.notificationRepository.list(request.actor.id, {
        unread: request.query.unread === true,
        limit: request.query.limit ?? 50,
      });
      const unread = await app.notificationRepository.unreadCount(request.actor.id);
      return {
        unread,
        items: rows.map((n) => ({
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
