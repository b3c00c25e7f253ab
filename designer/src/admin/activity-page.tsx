// The activity log for admins (#/admin/activity): who created and changed users, departments, pools,
// members and policies, rolled out, imported, exported or downloaded a backup, and when; by one user
// or all, newest first, a page at a time.
import { useCallback, useEffect, useState } from 'react';
import { listActivity, type ActivityEntry } from '../api/activity.api.js';
import type { AdminUser } from '../api/admin.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime } from '../workspace/format.js';
import { PageHead } from './page-head.js';
import { cellLabels } from '../pages/cell-labels.js';

// The page's own strings (the shared message files belong to other pages).
const TEXT = {
  en: {
    title: 'Activity',
    hint: 'Who changed what in the administration, newest first. Record events are in each record’s history.',
    everyone: 'Everyone',
    who: 'Who',
    when: 'When',
    what: 'What',
    target: 'On',
    details: 'Details',
    more: 'Show older',
    none: 'Nothing yet.',
    refresh: 'Refresh',
  },
  zh: {
    title: '操作日志',
    hint: '谁在管理中改了什么，最新的在前。记录上的操作见各记录的历史。',
    everyone: '所有人',
    who: '操作人',
    when: '时间',
    what: '操作',
    target: '对象',
    details: '详情',
    more: '更早的',
    none: '暂无记录。',
    refresh: '刷新',
  },
};

/** Each action in words; an action this page does not know shows as its name. */
const ACTIONS: Record<string, { en: string; zh: string }> = {
  'auth.password': { en: 'Changed own password', zh: '修改自己的密码' },
  'user.create': { en: 'Created user', zh: '创建用户' },
  'user.update': { en: 'Changed user', zh: '修改用户' },
  'department.create': { en: 'Created department', zh: '创建部门' },
  'policy.create': { en: 'Created policy', zh: '创建策略' },
  'policy.publish': { en: 'Published policy', zh: '发布策略' },
  'pool.create': { en: 'Created pool', zh: '创建公海池' },
  'pool.update': { en: 'Changed pool', zh: '修改公海池' },
  'pool.member.set': { en: 'Added or changed member', zh: '添加或修改成员' },
  'pool.member.remove': { en: 'Removed member', zh: '移除成员' },
  'pool.distribute': { en: 'Distributed now', zh: '立即分配' },
  'pool.routing': { en: 'Changed routing', zh: '修改分流规则' },
  'pool.upgrade': { en: 'Started rollout', zh: '开始版本升级' },
  'records.assignBulk': { en: 'Assigned records in bulk', zh: '批量分配记录' },
  'records.releaseBulk': { en: 'Released records in bulk', zh: '批量释放记录' },
  'records.import': { en: 'Imported records', zh: '导入记录' },
  'records.export': { en: 'Exported records', zh: '导出记录' },
  'clock.advance': { en: 'Advanced the clock', zh: '推进时钟' },
  'timers.retry': { en: 'Retried failed timers', zh: '重试失败的定时器' },
  'delivery.retry': { en: 'Retried delivery', zh: '重试投递' },
  'backup.download': { en: 'Downloaded backup', zh: '下载备份' },
};

/** Ids a list may hold before it is shown as its count ("recordIds: 250 items"). */
const LISTED_IDS = 3;

/**
 * The request's words in one line: body fields, else query, else path parameters, as `field: value`;
 * a user's id as their name, a long list as its count, a nested value as JSON.
 */
function detailsLine(
  details: ActivityEntry['details'],
  names: Map<string, string>,
  lang: 'en' | 'zh',
): string {
  const d = details as { params?: object; query?: object; body?: object };
  const shown = d.body ?? d.query ?? d.params;
  if (!shown) return '';
  const value = (v: unknown): string => {
    if (typeof v === 'string') return names.get(v) ?? v;
    if (Array.isArray(v)) {
      if (v.length <= LISTED_IDS) return `[${v.map(value).join(', ')}]`;
      return lang === 'zh' ? `${v.length} 项` : `${v.length} items`;
    }
    return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const text = Object.entries(shown)
    .map(([field, v]) => `${field}: ${value(v)}`)
    .join(' · ');
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

export function ActivityPage(props: { users: AdminUser[] }) {
  const i18n = useI18n();
  const { lang } = i18n;
  const text = TEXT[lang === 'zh' ? 'zh' : 'en'];
  const [actor, setActor] = useState('');
  const [items, setItems] = useState<ActivityEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const names = new Map(props.users.map((u) => [u.id, u.displayName]));

  const load = useCallback(
    async (after?: string | null) => {
      try {
        const page = await listActivity({ actor: actor || undefined, cursor: after });
        setItems((shown) => (after ? [...(shown ?? []), ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError(null);
      } catch (e) {
        setError(e);
      }
    },
    [actor],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="activity-page" data-testid="activity-page">
      <PageHead title={text.title} hint={text.hint}>
        <button type="button" className="btn" onClick={() => void load()}>
          {text.refresh}
        </button>
      </PageHead>
      <label>
        {text.who}{' '}
        <select
          data-testid="activity-actor"
          value={actor}
          onChange={(e) => setActor(e.target.value)}
        >
          <option value="">{text.everyone}</option>
          {props.users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
            </option>
          ))}
        </select>
      </label>
      {error !== null && (
        <p className="error" role="alert">
          {refusalWords(error, i18n)}
        </p>
      )}
      {items && items.length === 0 && <p className="muted">{text.none}</p>}
      {items && items.length > 0 && (
        <table ref={cellLabels} className="data-table" data-testid="activity-table">
          <thead>
            <tr>
              <th>{text.when}</th>
              <th>{text.who}</th>
              <th>{text.what}</th>
              <th>{text.target}</th>
              <th>{text.details}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid={`activity-${e.id}`}>
                <td>{formatDateTime(e.at, lang)}</td>
                <td>{e.actor ?? e.actorId}</td>
                <td>{ACTIONS[e.action]?.[lang === 'zh' ? 'zh' : 'en'] ?? e.action}</td>
                <td>{e.target === null ? '' : (names.get(e.target) ?? e.target)}</td>
                <td className="muted code">
                  {detailsLine(e.details, names, lang === 'zh' ? 'zh' : 'en')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button
          type="button"
          className="btn"
          data-testid="activity-more"
          onClick={() => void load(cursor)}
        >
          {text.more}
        </button>
      )}
    </div>
  );
}
