// The counts on a manager's tabs (failed timers, open audits): read again on each screen so they do not
// go stale, and set by the tab's own page when it lists them.
import { useCallback, useEffect, useState } from 'react';
import type { AuditList } from '../api/audits.api.js';
import type { WorkspaceView } from '../pages/use-hash-route.js';

/**
 * A badge's count for `pool` (null when not a manager of it, or not known yet) and a setter for the
 * tab's page. A failed read leaves the badge as it was: it is a hint, the page itself shows errors.
 */
export function useManagerBadge<T>(
  pool: string | null,
  view: WorkspaceView,
  read: (pool: string) => Promise<T>,
): [T | null, (value: T) => void] {
  const [badge, setBadge] = useState<{ pool: string; value: T } | null>(null);
  useEffect(() => {
    if (!pool) return;
    let live = true;
    read(pool)
      .then((value) => live && setBadge({ pool, value }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [pool, view, read]);
  const set = useCallback((value: T) => pool && setBadge({ pool, value }), [pool]);
  return [badge && badge.pool === pool ? badge.value : null, set];
}

/** Open audits on the tab: their count on the first page, "50+" when there are more pages. */
export function auditsBadge(page: AuditList): string | null {
  if (page.items.length === 0) return null;
  return page.nextCursor ? `${page.items.length}+` : String(page.items.length);
}
