// How long notifications and finished webhook deliveries are kept: the purge-retention job deletes older
// ones, in chunks (purge.ts), on the runtime's clock. Without it both tables only grew: a reminder to
// every owner of a million records is a million notification rows a month. History is kept for good
// (it is the record's audit trail).
import type { Knex } from 'knex';
import type { Clock } from './clock.js';
import { purgeInChunks, PURGE_LIMITS, type PurgeLimits } from './purge.js';

export interface Retention {
  /** Notifications older than this many days are deleted, read or not (POOLFLOW_NOTIFICATION_DAYS). */
  notificationDays: number;
  /** Delivered and dead webhook deliveries are deleted this many days after (POOLFLOW_DELIVERY_DAYS). */
  deliveryDays: number;
}

export const DEFAULT_RETENTION: Retention = { notificationDays: 90, deliveryDays: 30 };

/** One run of the purge-retention job: how many notifications and deliveries it deleted. */
export async function purgeRetained(
  db: Knex,
  clock: Pick<Clock, 'sql'>,
  retention: Retention,
  limits: PurgeLimits = PURGE_LIMITS,
): Promise<{ notifications: number; deliveries: number }> {
  const before = `${clock.sql} - make_interval(days => ?)`;
  const notifications = await purgeInChunks(
    db,
    'notifications',
    `created_at < ${before}`,
    [retention.notificationDays],
    limits,
  );
  // A pending delivery is never deleted, however old: it is still to be sent (or retried by an admin).
  const deliveries = await purgeInChunks(
    db,
    'outbox',
    `(done_at < ${before} OR dead_at < ${before})`,
    [retention.deliveryDays, retention.deliveryDays],
    limits,
  );
  return { notifications, deliveries };
}
