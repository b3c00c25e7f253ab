// The workspace's sub-header: which pool, and its screens (analytics and import for managers).
import { useI18n } from '../i18n/i18n.js';
import { navigate, routeHash, type WorkspaceView } from '../pages/use-hash-route.js';
import { useWorkspace } from './workspace-context.js';

export function WorkspaceNav({ view }: { view: WorkspaceView }) {
  const { t, text } = useI18n();
  const { pools, pool, manager } = useWorkspace();
  const tabs: { view: WorkspaceView; label: string }[] = [
    { view: 'pool', label: t('poolView') },
    { view: 'mine', label: t('myRecords') },
    ...(manager
      ? [
          { view: 'analytics' as const, label: t('analytics') },
          { view: 'import' as const, label: t('importExport') },
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
        <nav className="ws-tabs">
          {tabs.map((tab) => (
            <a
              key={tab.view}
              href={routeHash({ page: 'workspace', pool: pool.key, view: tab.view })}
              className={view === tab.view ? 'ws-tab active' : 'ws-tab'}
              data-testid={`ws-tab-${tab.view}`}
            >
              {tab.label}
            </a>
          ))}
        </nav>
      </div>
    </div>
  );
}
