// Pools: the list (policy version, members, records, distribution, time zone), a new pool from a
// published policy, and one pool's settings and members at #/admin/pools/<key> (its routing rules
// on the tab beside them).
import { useCallback, useEffect, useState } from 'react';
import {
  departmentLabel,
  listAdminPools,
  type AdminPool,
  type AdminUser,
  type Department,
} from '../api/admin.api.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, routeHash, type AdminPoolTab } from '../pages/use-hash-route.js';
import { refusalText } from './admin-form.js';
import { CreatePoolDialog, DEFAULT_TIME_ZONE, PoolSettingsForm } from './pool-forms.js';
import { PoolMembers } from './pool-members.js';
import { RoutingPage } from './routing-page.js';
import { cellLabels } from '../pages/cell-labels.js';

const poolHash = (key?: string) => ({
  page: 'admin' as const,
  section: 'pools',
  ...(key ? { pool: key } : {}),
});

export function PoolsPage(props: {
  pool?: string | undefined;
  tab?: AdminPoolTab | undefined;
  users: AdminUser[];
  departments: Department[] | null;
}) {
  const i18n = useI18n();
  const { t, text, lang } = i18n;
  const [pools, setPools] = useState<AdminPool[] | null>(null);
  const [creating, setCreating] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const reload = useCallback(() => {
    listAdminPools().then(setPools, (e: unknown) => setError(e));
  }, []);
  useEffect(reload, [reload]);
  const open = pools?.find((p) => p.key === props.pool);

  if (props.pool && open && pools) {
    const tab = (routing: boolean) => (routing ? 'pill active' : 'pill');
    return (
      <section data-testid="admin-pool">
        <a className="btn link" href="#/admin/pools">
          ← {t('adminPools')}
        </a>
        <h2 data-testid="admin-pool-title">
          {text(open.name, open.key)} <code className="muted">{open.key}</code>
        </h2>
        <p className="muted">
          {t('poolRunsPolicy', { policy: open.policyId, version: open.policyVersion })}
          {open.departmentId && ` · ${departmentLabel(props.departments, open.departmentId, lang)}`}
          {` · ${open.timeZone ?? DEFAULT_TIME_ZONE}`}
        </p>
        <nav className="pill-tabs admin-pool-tabs">
          <a
            href={routeHash(poolHash(open.key))}
            className={tab(props.tab !== 'routing')}
            data-testid="pool-tab-members"
          >
            {t('routingMembersTab')}
          </a>
          <a
            href={routeHash({ ...poolHash(open.key), tab: 'routing' })}
            className={tab(props.tab === 'routing')}
            data-testid="pool-tab-routing"
          >
            {t('routingTab')}
          </a>
        </nav>
        {props.tab === 'routing' ? (
          <RoutingPage key={open.key} pool={open} pools={pools} />
        ) : (
          <div className="admin-split">
            <div className="admin-main">
              <PoolMembers pool={open} users={props.users} onChanged={reload} />
            </div>
            <div className="card admin-side">
              <h3>{t('adminPoolSettings')}</h3>
              {saved && <div className="alert ok">{t('adminSaved')}</div>}
              <PoolSettingsForm
                pool={open}
                onSaved={() => {
                  setSaved(true);
                  reload();
                }}
              />
            </div>
          </div>
        )}
      </section>
    );
  }

  return (
    <section data-testid="admin-pools">
      <div className="admin-head">
        <span className="muted">{t('adminPoolsHint')}</span>
        <button
          type="button"
          className="btn primary"
          data-testid="pool-new"
          onClick={() => setCreating(true)}
        >
          + {t('adminNewPool')}
        </button>
      </div>
      {error !== null && <div className="alert error">{refusalText(error, i18n)}</div>}
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="pool-admin-table">
          <thead>
            <tr>
              <th>{t('adminPool')}</th>
              <th>{t('adminPolicy')}</th>
              {props.departments && <th>{t('adminDepartment')}</th>}
              <th>{t('adminDistribution')}</th>
              <th>{t('adminTimeZone')}</th>
              <th className="num">{t('adminMembers')}</th>
              <th className="num">{t('adminRecords')}</th>
            </tr>
          </thead>
          <tbody>
            {pools?.map((p) => (
              <tr
                key={p.key}
                className="clickable"
                data-testid={`pool-row-${p.key}`}
                onClick={() => navigate(poolHash(p.key))}
              >
                <td>
                  <a href={`#/admin/pools/${encodeURIComponent(p.key)}`}>{text(p.name, p.key)}</a>{' '}
                  <code className="muted">{p.key}</code>
                </td>
                <td>
                  {p.policyId} <span className="badge">v{p.policyVersion}</span>
                </td>
                {props.departments && (
                  <td>{departmentLabel(props.departments, p.departmentId, lang)}</td>
                )}
                <td>{t(`adminDistribution_${p.distribution}`)}</td>
                <td>{p.timeZone ?? DEFAULT_TIME_ZONE}</td>
                <td className="num">{p.memberCount ?? p.members.length}</td>
                <td className="num">{p.recordCount ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {pools?.length === 0 && <p className="muted empty">{t('adminNoPools')}</p>}
      </div>
      {creating && (
        <CreatePoolDialog
          departments={props.departments}
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            reload();
            navigate(poolHash(key));
          }}
        />
      )}
    </section>
  );
}
