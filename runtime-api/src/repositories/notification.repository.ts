// A user's notifications in the database: newest first, the unread count, marking them read.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { NotificationRow } from '../db/tables.js';

declare module 'fastify' {
  interface FastifyInstance {
    notificationRepository: NotificationRepository;
  }
}

export class NotificationRepository {
  constructor(private readonly db: Knex) {}

  /** Newest first, `limit` of them, older than the notification `before` (a page's last) if given. */
  list(
    userId: string,
    options: { unread: boolean; limit: number; before?: string | undefined },
  ): Promise<NotificationRow[]> {
    const query = this.db('notifications').where({ user_id: userId });
    if (options.unread) void query.whereNull('read_at');
    if (options.before !== undefined) void query.where('id', '<', options.before);
    return query.orderBy('id', 'desc').limit(options.limit);
  }

  async unreadCount(userId: string): Promise<number> {
    const row = await this.db('notifications')
      .where({ user_id: userId })
      .whereNull('read_at')
      .count({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  /** Marks every unread one read at `at`; how many were. */
  markRead(userId: string, at: Date): Promise<number> {
    return this.db('notifications')
      .where({ user_id: userId })
      .whereNull('read_at')
      .update({ read_at: at });
  }
}

export const notificationRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('notificationRepository', new NotificationRepository(app.db));
    return Promise.resolve();
  },
  { name: 'notification-repository', dependencies: ['services'] },
);
