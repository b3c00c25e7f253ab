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

  /**
   * Newest first (by when they happened, then id), `limit` of them, after the notification `before`
   * (a page's last: its time and id) if given.
   */
  list(
    userId: string,
    options: { unread: boolean; limit: number; before?: NotificationKey | undefined },
  ): Promise<NotificationRow[]> {
    const query = this.db('notifications').where({ user_id: userId });
    if (options.unread) void query.whereNull('read_at');
    if (options.before !== undefined)
      void query.whereRaw('(created_at, id) < (?, ?)', [
        options.before.createdAt,
        options.before.id,
      ]);
    return query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
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

  /**
   * Marks one of the user's notifications read at `at`: 1 if it was unread, 0 if read already, null
   * if the user has no such notification.
   */
  async markOneRead(userId: string, id: string, at: Date): Promise<0 | 1 | null> {
    const { rows } = await this.db.raw<{ rows: { marked: boolean }[] }>(
      `UPDATE notifications n SET read_at = COALESCE(o.was, ?)
       FROM (SELECT id, read_at AS was FROM notifications WHERE user_id = ? AND id = ? FOR UPDATE) o
       WHERE n.id = o.id
       RETURNING o.was IS NULL AS marked`,
      [at, userId, id],
    );
    const row = rows[0];
    return row === undefined ? null : row.marked ? 1 : 0;
  }
}

/** Where a page of notifications ends: the last one's time and id. */
export interface NotificationKey {
  createdAt: Date;
  id: string;
}

export const notificationRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('notificationRepository', new NotificationRepository(app.db));
    return Promise.resolve();
  },
  { name: 'notification-repository', dependencies: ['services'] },
);
