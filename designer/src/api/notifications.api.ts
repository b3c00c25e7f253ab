// The signed-in user's notifications: reminders before release, reviews, assignments.
import { api } from './client.js';

export interface Notification {
  id: string;
  recordId: string | null;
  pool: string | null;
  kind: string;
  message: { en: string; zh?: string };
  createdAt: string;
  read: boolean;
}

export function listNotifications(): Promise<{ unread: number; items: Notification[] }> {
  return api('GET', '/api/notifications?limit=30');
}

export function markAllRead(): Promise<{ marked: number }> {
  return api('POST', '/api/notifications/read');
}
