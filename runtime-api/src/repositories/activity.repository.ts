// The activity log's table: entries written after a successful administration request
// (activity.plugin.ts) and read by admins, newest first (routes/activity).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { ActivityRow } from '../db/tables.js';

declare module 'fastify' {
  interface FastifyInstance {
    activityRepository: ActivityRepository;
  }
}

/** An entry as the log shows it: with its actor's display name (null once the user is gone). */
export type ActivityEntryRow = Omit<ActivityRow, 'id'> & {
  /** bigserial: pg hands an int8 back as a string. */
  id: number | string;
  actor_name: string | null;
};

export interface ActivityPage {
  actor?: string | undefined;
  /** Entries older than this id (a cursor's), as digits. */
  before?: string | undefined;
  limit: number;
}

export class ActivityRepository {
  constructor(
    private readonly db: Knex,
    /** The runtime clock's SQL expression (clock.ts): an entry is dated by the statement that writes it. */
    private readonly clockSql: string,
  ) {}

  async insert(
    entry: Pick<ActivityRow, 'actor_id' | 'action' | 'target' | 'details'>,
  ): Promise<void> {
    await this.db('activity').insert({
      at: this.db.raw(this.clockSql),
      actor_id: entry.actor_id,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details),
    });
  }

  /** Up to `limit` entries, newest first. */
  page({ actor, before, limit }: ActivityPage): Promise<ActivityEntryRow[]> {
    const query = this.db('activity')
      .leftJoin('users', 'users.id', 'activity.actor_id')
      .select<ActivityEntryRow[]>('activity.*', 'users.display_name as actor_name')
      .orderBy('activity.id', 'desc')
      .limit(limit);
    if (actor !== undefined) void query.where('activity.actor_id', actor);
    if (before !== undefined) void query.where('activity.id', '<', before);
    return query;
  }
}

export const activityRepositoryPlugin = fp(
  (app: FastifyInstance) => {
    app.decorate('activityRepository', new ActivityRepository(app.db, app.clock.sql));
    return Promise.resolve();
  },
  { name: 'activity-repository', dependencies: ['services'] },
);
