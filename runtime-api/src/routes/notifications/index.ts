// The caller's notifications (reminders, reviews, …), newest first, with the unread count; mark as read.
import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';

interface NotificationRow {
  id: number;
  record_id: string | null;
  pool_key: string | null;
  kind: string;
  message: { en: string; zh?: string };
  created_at: Date;
  read_at: Date | null;
}

export default function notificationRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { unread?: boolean; limit?: number } }>(
    '/api/notifications',
    {
      schema: {
        tags: ['notifications'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            unread: { type: 'boolean' },
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          },
        },
      },
    },
    async (request) => {
      const query = app.db('notifications').where({ user_id: request.actor.id });
      if (request.query.unread) query.whereNull('read_at');
      const rows = (await query
        .orderBy('id', 'desc')
        .limit(request.query.limit ?? 50)) as NotificationRow[];
      const unread = (await app
        .db('notifications')
        .where({ user_id: request.actor.id })
        .whereNull('read_at')
        .count({ n: '*' })
        .first()) as { n: number | string };
      return {
        unread: Number(unread.n),
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

  app.post('/api/notifications/read', { schema: { tags: ['notifications'] } }, async (request) => {
    const updated = await app
      .db('notifications')
      .where({ user_id: request.actor.id })
      .whereNull('read_at')
      .update({ read_at: new Date() });
    return { marked: updated };
  });
}
