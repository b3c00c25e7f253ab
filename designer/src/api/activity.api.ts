// The activity log (GET /api/activity, admins): who did what in the administration, newest first.
import type { ActivityEntry, ActivityList } from './api.types.js';
import { api } from './client.js';

export type { ActivityEntry };

export const ACTIVITY_PAGE = 50;

/** A page of the log (after `cursor`), only what `actor` did if given. */
export async function listActivity(options: {
  actor?: string | undefined;
  cursor?: string | null | undefined;
}): Promise<ActivityList> {
  const params = new URLSearchParams({ limit: String(ACTIVITY_PAGE) });
  if (options.actor) params.set('actor', options.actor);
  if (options.cursor) params.set('cursor', options.cursor);
  return api<ActivityList>('GET', `/api/activity?${params.toString()}`);
}
