// Dates, durations and countdowns as the workspace shows them, in English or Chinese.
import type { Lang } from '../i18n/messages.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-GB');

// A pool's dates read in its time zone (the day its claim limits and analytics count in); without one,
// the browser's.
const zoned = (timeZone: string | undefined) => (timeZone === undefined ? {} : { timeZone });

export function formatDate(iso: string | number, lang: Lang, timeZone?: string): string {
  return new Date(iso).toLocaleDateString(locale(lang), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    ...zoned(timeZone),
  });
}

export function formatDateTime(iso: string | number, lang: Lang, timeZone?: string): string {
  return new Date(iso).toLocaleString(locale(lang), {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...zoned(timeZone),
  });
}

/** Whole days between two instants (never negative). */
export function daysBetween(from: string | number, to: number): number {
  return Math.max(0, Math.floor((to - new Date(from).getTime()) / DAY));
}

/** "5d 3h" / "5天3小时", "3h 20m" / "3小时20分" — the two largest units of a duration. */
export function formatDuration(ms: number, lang: Lang): string {
  const abs = Math.max(0, ms);
  const days = Math.floor(abs / DAY);
  const hours = Math.floor((abs % DAY) / HOUR);
  const minutes = Math.floor((abs % HOUR) / 60_000);
  const zh = lang === 'zh';
  if (days > 0) return zh ? `${days}天${hours}小时` : `${days}d ${hours}h`;
  if (hours > 0) return zh ? `${hours}小时${minutes}分` : `${hours}h ${minutes}m`;
  return zh ? `${minutes}分钟` : `${minutes}m`;
}

export type Urgency = 'ok' | 'soon' | 'overdue';

/** Red under three days: the rep has to act before the record goes back to the pool. */
export function urgencyOf(msLeft: number): Urgency {
  if (msLeft <= 0) return 'overdue';
  return msLeft < 3 * DAY ? 'soon' : 'ok';
}
