// The signed-in user's notifications: reminders before release, reviews, assignments.
import type { NotificationList, NotificationsRead, PoolNotification } from './api.types.js';
import { api } from './client.js';

// Types generated from schemas/ (api.types.ts).
export type Notification = PoolNotification;

export function listNotifications(): Promise<NotificationList> {
  return api('GET', '/api/notifications?limit=30');
}

export function markAllRead(): Promise<NotificationsRead> {
  return api('POST', '/api/notifications/read');
}
