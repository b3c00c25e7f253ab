// The bell in the top bar: unread count, the latest notifications (reminders before release,
// reviews, assignments) and older ones on request, a link to each record that marks the notification
// read, and "mark all read". A notification's time reads in
// its pool's time zone, as every other date of that pool does (the browser's for one without a pool).
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  listNotifications,
  markAllRead,
  markRead,
  type Notification,
} from '../api/notifications.api.js';
import { listPools } from '../api/pools.api.js';
import { notificationKindLabel } from '../i18n/editor-messages.js';
import { useI18n } from '../i18n/i18n.js';
import { routeHash } from '../pages/use-hash-route.js';
import { formatDateTime } from './format.js';
import { BellIcon } from './icons.js';

const POLL_MS = 30_000;

export function NotificationBell() {
  const { t, text, lang } = useI18n();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notification[]>([]);
  /** Where older notifications start (null: none left). */
  const [older, setOlder] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  /** Time zones by pool key, read the first time the panel opens (null until then). */
  const [zones, setZones] = useState<Map<string, string> | null>(null);
  const box = useRef<HTMLDivElement>(null);
  /** Older pages are shown: a poll then updates the count only, not the list being read. */
  const paged = useRef(false);

  const refresh = useCallback(() => {
    listNotifications().then(
      (reply) => {
        setUnread(reply.unread);
        if (paged.current) return;
        setItems(reply.items);
        setOlder(reply.nextCursor);
      },
      () => undefined, // the bell stays as it was; the page shows real errors
    );
  }, []);
  const showOlder = (cursor: string) => {
    paged.current = true;
    listNotifications(cursor).then(
      (reply) => {
        setUnread(reply.unread);
        setItems((shown) => [
          ...shown,
          ...reply.items.filter((n) => !shown.some((s) => s.id === n.id)),
        ]);
        setOlder(reply.nextCursor);
      },
      () => undefined,
    );
  };
  const opened = (n: Notification) => {
    setOpen(false);
    paged.current = false;
    if (n.read) return;
    markRead(n.id).then(
      (reply) => {
        setItems((shown) => shown.map((s) => (s.id === n.id ? { ...s, read: true } : s)));
        setUnread((count) => Math.max(0, count - reply.marked));
      },
      () => undefined, // still unread: "mark all read" remains
    );
  };
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, POLL_MS);
    window.addEventListener('hashchange', refresh);
    return () => {
      clearInterval(timer);
      window.removeEventListener('hashchange', refresh);
    };
  }, [refresh]);
  useEffect(() => {
    if (!open || zones) return;
    listPools().then(
      (pools) => setZones(new Map(pools.flatMap((p) => (p.timeZone ? [[p.key, p.timeZone]] : [])))),
      () => setZones(new Map()), // dates then read in the browser's zone
    );
  }, [open, zones]);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current?.contains(e.target as Node)) return;
      setOpen(false);
      paged.current = false;
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);

  const readAll = async () => {
    await markAllRead();
    refresh();
  };
  return (
    <div className="bell" ref={box}>
      <button
        type="button"
        className="btn ghost bell-button"
        aria-label={t('notifications')}
        data-testid="bell"
        onClick={() => {
          paged.current = false;
          if (!open) refresh();
          setOpen(!open);
        }}
      >
        <BellIcon />
        {unread > 0 && (
          <span className="bell-count" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" data-testid="notifications">
          <div className="bell-head">
            <strong>{t('notifications')}</strong>
            <button
              type="button"
              className="btn link small"
              disabled={unread === 0}
              onClick={() => void readAll()}
              data-testid="mark-read"
            >
              {t('markAllRead')}
            </button>
          </div>
          {items.length === 0 && <p className="muted bell-empty">{t('noNotifications')}</p>}
          <ul className="bell-list">
            {items.map((n) => (
              <li key={n.id} className={n.read ? 'read' : 'unread'} data-testid="notification">
                <a
                  href={
                    n.pool && n.recordId
                      ? routeHash({
                          page: 'workspace',
                          pool: n.pool,
                          view: 'record',
                          recordId: n.recordId,
                        })
                      : undefined
                  }
                  onClick={() => opened(n)}
                >
                  <span className={`kind kind-${n.kind}`}>{kindLabel(n.kind, t, lang)}</span>
                  <span className="bell-text">{text(n.message)}</span>
                  <span className="muted bell-when">
                    {formatDateTime(n.createdAt, lang, n.pool ? zones?.get(n.pool) : undefined)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
          {older && (
            <button
              type="button"
              className="btn link small bell-older"
              onClick={() => showOlder(older)}
              data-testid="notifications-older"
            >
              {t('loadMore')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function kindLabel(
  kind: string,
  t: ReturnType<typeof useI18n>['t'],
  lang: ReturnType<typeof useI18n>['lang'],
): string {
  if (kind === 'reminder') return t('kindReminder');
  if (kind === 'review') return t('kindReview');
  if (kind === 'assigned' || kind === 'assign') return t('kindAssigned');
  if (kind === 'auditViolation') return t('kindAuditViolation');
  // Other kinds (refused, escalation, info, …) by the editor's table of notification kinds.
  return notificationKindLabel(kind, lang);
}
