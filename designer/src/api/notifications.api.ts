// The signed-in user's notifications: reminders before release, reviews, assignments.
import type { NotificationList, NotificationsRead, PoolNotification } from './api.types.js';
import { api } from './client.js';

// Types generated from schemas/ (api.types.ts).
export type Notification = PoolNotification;

/** The newest 30, or the 30 after a page's `nextCursor`. */
export function listNotifications(cursor?: string): Promise<NotificationList> {
  const after = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
  return api('GET', `/api/notifications?limit=30${after}`);
}

export function markAllRead(): Promise<NotificationsRead> {
  return api('POST', '/api/notifications/read');
}

/** Marks one notification read (when it is opened). */
export function markRead(id: string): Promise<NotificationsRead> {
  return api('POST', `/api/notifications/${encodeURIComponent(id)}/read`);
}
