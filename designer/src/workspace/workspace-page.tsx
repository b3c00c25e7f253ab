// The pool workspace: pick a pool, then its pool view, my records, a record, analytics, import,
// failed timers or the audit queue.
import { useCallback, useEffect, useState } from 'react';
import type { User } from '../api/auth.api.js';
import {
  getPoolPolicy,
  listPools,
  serverNow,
  type Pool,
  type PoolPolicy,
} from '../api/pools.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, type WorkspaceView } from '../pages/use-hash-route.js';
import { listAudits } from '../api/audits.api.js';
import { listFailedTimers } from '../api/timers.api.js';
import { AnalyticsPage } from './analytics-page.js';
import { AuditQueuePage } from './audit-queue-page.js';
import { FailedTimersPage } from './failed-timers-page.js';
import { ImportPage } from './import-page.js';
import { auditsBadge, useManagerBadge } from './manager-badges.js';
import { MyRecordsPage } from './my-records-page.js';
import { PoolView } from './pool-view.js';
import { RecordPage } from './record-page.js';
import { WorkspaceProvider, isPoolManager } from './workspace-context.js';
import { WorkspaceNav } from './workspace-nav.js';

const countFailedTimers = async (pool: string) => (await listFailedTimers(pool)).length;
const openAuditsBadge = async (pool: string) => auditsBadge(await listAudits(pool, 'open'));

/** Screens for the pool's managers only. */
const MANAGER_VIEWS = new Set<WorkspaceView>(['analytics', 'import', 'failed-timers', 'audits']);

interface Loaded {
  pools: Pool[];
  pool: Pool;
  policy: PoolPolicy;
  clockOffset: number;
}

export function WorkspacePage(props: {
  me: User;
  pool?: string | undefined;
  view: WorkspaceView;
  recordId?: string | undefined;
}) {
  const { me, view, recordId } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [noPools, setNoPools] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);

  useEffect(() => {
    let live = true;
    const asked = window.location.hash;
    const load = async () => {
      const pools = await listPools();
      if (!live) return;
      const pool = pools.find((p) => p.key === props.pool) ?? pools[0];
      if (!pool) {
        setNoPools(true);
        return;
      }
      if (pool.key !== props.pool) {
        // Only the address this load was for falls back to the first pool: a link followed while the
        // pools were loading (its hashchange not yet handled) is not overwritten.
        if (window.location.hash === asked) {
          navigate({ page: 'workspace', pool: pool.key, view: 'pool' });
        }
        return;
      }
      const [policy, now] = await Promise.all([getPoolPolicy(pool.key), serverNow()]);
      if (live) setLoaded({ pools, pool, policy, clockOffset: now - Date.now() });
    };
    load().catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [props.pool, version]);

  // The badges of a manager's tabs: failed timers, open audits.
  const managed = loaded && isPoolManager(me, loaded.pool) ? loaded.pool.key : null;
  const [failedTimers, countFailed] = useManagerBadge(managed, view, countFailedTimers);
  const [openAudits, countAudits] = useManagerBadge(managed, view, openAuditsBadge);

  if (error !== null) return <div className="alert error page">{refusalWords(error, i18n)}</div>;
  if (noPools) return <div className="page muted">{t('noPools')}</div>;
  if (!loaded || loaded.pool.key !== props.pool) return <div className="loading">…</div>;
  const managerOnly = MANAGER_VIEWS.has(view);
  const allowed = !managerOnly || isPoolManager(me, loaded.pool);
  return (
    <WorkspaceProvider me={me} {...loaded} reload={reload}>
      <div className="workspace" data-testid="workspace">
        <WorkspaceNav view={view} failedTimers={failedTimers} openAudits={openAudits} />
        <main className="page workspace-body">
          {!allowed && (
            <div className="alert error" data-testid="managers-only">
              {t('managersOnly')}
            </div>
          )}
          {allowed && view === 'pool' && <PoolView />}
          {allowed && view === 'mine' && <MyRecordsPage />}
          {allowed && view === 'record' && recordId && (
            <RecordPage key={recordId} recordId={recordId} />
          )}
          {allowed && view === 'analytics' && <AnalyticsPage />}
          {allowed && view === 'import' && <ImportPage />}
          {allowed && view === 'failed-timers' && <FailedTimersPage onCount={countFailed} />}
          {allowed && view === 'audits' && <AuditQueuePage onOpen={countAudits} />}
        </main>
      </div>
    </WorkspaceProvider>
  );
}
