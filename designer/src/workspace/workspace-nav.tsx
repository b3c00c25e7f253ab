// The workspace's sub-header: which pool and the policy version it runs, and its screens (analytics,
// import, failed timers and the audit queue for managers; the last two with a count badge).
import { useI18n } from '../i18n/i18n.js';
import { navigate, routeHash, type WorkspaceView } from '../pages/use-hash-route.js';
import { badgeText } from './failed-timers-page.js';
import { useWorkspace } from './workspace-context.js';

export function WorkspaceNav({
  view,
  failedTimers = null,
  openAudits = null,
}: {
  view: WorkspaceView;
  /** Failed timers of the pool, for the tab's badge (null: not known). */
  failedTimers?: number | null;
  /** Open audits of the pool as the tab's badge shows them ("50+"; null: none or not known). */
  openAudits?: string | null;
}) {
  const { t, text } = useI18n();
  const { pools, pool, policy, manager, words } = useWorkspace();
  const badge = badgeText(failedTimers);
  const tabs: { view: WorkspaceView; label: string; badge?: string | null; tone?: string }[] = [
    { view: 'pool', label: t('poolView', words) },
    { view: 'mine', label: t('myRecords') },
    ...(manager
      ? [
          { view: 'analytics' as const, label: t('analytics') },
          { view: 'import' as const, label: t('importExport') },
          { view: 'failed-timers' as const, label: t('failedTimers'), badge, tone: 'bad' },
          { view: 'audits' as const, label: t('auditQueue'), badge: openAudits, tone: 'warn' },
        ]
      : []),
  ];
  return (
    <div className="toolbar workspace-nav">
      <div className="toolbar-title">
        <select
          className="pool-picker"
          aria-label={t('pool')}
          data-testid="pool-picker"
          value={pool.key}
          onChange={(e) => navigate({ page: 'workspace', pool: e.target.value, view: 'pool' })}
        >
          {pools.map((p) => (
            <option key={p.key} value={p.key}>
              {text(p.name, p.key)}
            </option>
          ))}
        </select>
        <span
          className="badge pool-version"
          data-testid="pool-version"
          data-version={pool.policyVersion}
          title={pool.policyId}
        >
          {t('poolRunsPolicy', {
            policy: text(policy.name, pool.policyId),
            version: pool.policyVersion,
          })}
        </span>
        <nav className="ws-tabs">
          {tabs.map((tab) => (
            <a
              key={tab.view}
              href={routeHash({ page: 'workspace', pool: pool.key, view: tab.view })}
              className={view === tab.view ? 'ws-tab active' : 'ws-tab'}
              data-testid={`ws-tab-${tab.view}`}
            >
              {tab.label}
              {tab.badge && (
                <span className={`count ${tab.tone ?? ''}`} data-testid={`${tab.view}-badge`}>
                  {tab.badge}
                </span>
              )}
            </a>
          ))}
        </nav>
      </div>
    </div>
  );
}
