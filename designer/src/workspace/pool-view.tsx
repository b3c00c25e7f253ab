// The pool: pooled records by score with filters and masked fields, how long each has been in the
// pool and why it was released; claim one or the next best; managers assign in bulk.
import { useCallback, useMemo, useState } from 'react';
import { claim, claimNext, type ListQuery, type PoolRecord } from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { download } from '../api/transfer.api.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate } from '../pages/use-hash-route.js';
import { refusalOf, type Refusal } from './claim-refusal.js';
import { daysBetween } from './format.js';
import { BulkAssignBar, DistributionSetting } from './manager-bar.js';
import { noFilters, PoolFilters, type Filters } from './pool-filters.js';
import {
  ClaimButton,
  FieldValue,
  listFields,
  RecordLink,
  recordTitle,
  ReleaseReason,
  Tags,
} from './record-cells.js';
import { RefusalAlert, useNotice } from './notice.js';
import { fieldsParam, useRecordList } from './use-record-list.js';
import { useWorkspace } from './workspace-context.js';
import { cellLabels } from '../pages/cell-labels.js';

/** The export of what the list shows: its view, filters and order, state labels in the page's language. */
export function exportPath(
  pool: string,
  query: Omit<ListQuery, 'cursor' | 'limit' | 'sort'>,
  fields: Record<string, string>,
  lang: string,
): string {
  const params = new URLSearchParams({ format: 'csv', lang, view: query.view });
  for (const key of ['state', 'tag', 'q', 'owner'] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  const filtered = fieldsParam(fields);
  if (filtered) params.set('fields', filtered);
  return `/api/pools/${encodeURIComponent(pool)}/export?${params.toString()}`;
}

export function PoolView() {
  const i18n = useI18n();
  const { t, text } = i18n;
  const ws = useWorkspace();
  const { pool, policy, manager, now, stateLabel, fieldTitle, userName, words } = ws;
  const [owner, setOwner] = useState('');
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [scope, setScope] = useState<'pool' | 'all'>('pool');
  const [refresh, setRefresh] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [refusal, setRefusal] = useState<(Refusal & { title: string }) | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const notice = useNotice();
  // A refused state filter names the policy's states by their labels.
  const names = { stateName: stateLabel };
  const query = useMemo(
    () => ({
      view: scope,
      sort: 'score' as const,
      ...(filters.state ? { state: filters.state } : {}),
      ...(filters.tag ? { tag: filters.tag } : {}),
      ...(filters.q ? { q: filters.q } : {}),
      ...(scope === 'all' && owner ? { owner } : {}),
    }),
    [scope, filters.state, filters.tag, filters.q, owner],
  );
  const list = useRecordList(pool.key, query, filters.fields, refresh);
  const changeFilters = useCallback((next: Filters) => {
    setFilters(next);
    setSelected([]);
  }, []);

  const states = Object.entries(policy.states)
    .filter(([, s]) => scope === 'all' || s.pooled)
    .map(([name]) => name);
  // The tags the policy adds and those the listed records carry: a pool that never tags a record
  // "hard" offers no such filter.
  const tags = useMemo(() => {
    const seen = new Set(policy.tags);
    for (const r of list.items ?? []) r.tags.forEach((tag) => seen.add(tag));
    if (filters.tag) seen.add(filters.tag);
    return [...seen].sort();
  }, [policy.tags, list.items, filters.tag]);
  const columns = listFields(policy.entity.schema.properties, policy.entity.titleField);

  const claimOne = async (record: PoolRecord) => {
    setBusy(record.id);
    setRefusal(null);
    try {
      await claim(pool.key, record.id);
      list.remove([record.id]);
      notice.show(t('claimed', { title: recordTitle(record, policy.entity.titleField) }));
    } catch (e) {
      const title = recordTitle(record, policy.entity.titleField);
      const refused = refusalOf(e, i18n, { tags: record.tags, timeZone: pool.timeZone, words });
      setRefusal({ ...refused, title });
      // Lost the race: the row is someone else's now.
      if (refused.code === 'POOL_ERR_TAKEN') list.remove([record.id]);
    } finally {
      setBusy(null);
    }
  };
  const claimBest = async () => {
    setBusy('next');
    setRefusal(null);
    try {
      const record = await claimNext(pool.key);
      navigate({ page: 'workspace', pool: pool.key, view: 'record', recordId: record.id });
    } catch (e) {
      setRefusal({
        ...refusalOf(e, i18n, { claimNext: true, timeZone: pool.timeZone, words }),
        title: '', // not a record: “Could not claim the next record.”
      });
      setBusy(null);
    }
  };
  // At a limit no claim can succeed: claim-next says so before the click.
  const limits = list.limits;
  const nextBlocked =
    limits?.claimsLeftToday === 0
      ? t(words.own ? 'refusedDailyLimitOwn' : 'refusedDailyLimit', {
          ...words,
          limit: policy.claim.maxPerDay ?? '?',
        })
      : limits?.ownedCapacity === 0
        ? t('refusedClaimLimit', {
            owned: policy.claim.maxOwned ?? '?',
            limit: policy.claim.maxOwned ?? '?',
          })
        : null;
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const visible = list.items ?? [];
  const allChecked = visible.length > 0 && visible.every((r) => selected.includes(r.id));

  return (
    <div className="pool-view" data-testid="pool-view">
      <div className="page-head">
        <div>
          <h1>{text(pool.name, pool.key)}</h1>
          <p className="muted">{t('poolHint', words)}</p>
        </div>
        <div className="claim-head">
          {limits?.claimsLeftToday != null && (
            <span className="muted" data-testid="claims-left">
              {t(words.own ? 'claimsLeftTodayOwn' : 'claimsLeftToday', {
                ...words,
                count: limits.claimsLeftToday,
              })}
            </span>
          )}
          <button
            type="button"
            className="btn primary"
            disabled={busy !== null || nextBlocked !== null}
            title={nextBlocked ?? undefined}
            onClick={() => void claimBest()}
            data-testid="claim-next"
          >
            ★ {t('claimNext', words)}
          </button>
        </div>
      </div>
      <div className="filter-row">
        <PoolFilters value={filters} onChange={changeFilters} states={states} tags={tags} />
        {scope === 'all' && (
          <select
            aria-label={t('ownerColumn')}
            data-testid="filter-owner"
            value={owner}
            onChange={(e) => {
              setOwner(e.target.value);
              setSelected([]);
            }}
          >
            <option value="">
              {t('ownerColumn')}: {t('any')}
            </option>
            {policy.members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.disabled ? t('ownerDisabled', { name: userName(m.userId) }) : userName(m.userId)}
              </option>
            ))}
          </select>
        )}
        {manager && (
          <div className="segmented" role="group">
            {(['pool', 'all'] as const).map((s) => (
              <button
                key={s}
                type="button"
                className={scope === s ? 'active' : ''}
                data-testid={`scope-${s}`}
                onClick={() => {
                  setScope(s);
                  setSelected([]);
                  setFilters({ ...filters, state: '' });
                }}
              >
                {s === 'pool' ? t('scopePooled', words) : t('scopeAll')}
              </button>
            ))}
          </div>
        )}
      </div>
      {manager && (
        <div className="manager-row">
          <DistributionSetting
            onNotice={notice.show}
            onDistributed={() => {
              setSelected([]);
              setRefresh((r) => r + 1);
            }}
          />
          <button
            type="button"
            className="btn"
            data-testid="export-view"
            onClick={() =>
              void download(
                exportPath(pool.key, query, filters.fields, i18n.lang),
                `${pool.key}.csv`,
              ).catch((e: unknown) => notice.show(refusalWords(e, i18n, names)))
            }
          >
            ↓ {t('exportView')}
          </button>
          {selected.length > 0 && (
            <BulkAssignBar
              selected={selected}
              releasable={scope === 'all'}
              onClear={() => setSelected([])}
              onDone={(ids, message) => {
                notice.show(message);
                setSelected([]);
                if (scope === 'pool') list.remove(ids);
                else setRefresh((n) => n + 1);
              }}
            />
          )}
        </div>
      )}
      {refusal && <RefusalAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      {list.error !== null && (
        <div className="alert error">{refusalWords(list.error, i18n, names)}</div>
      )}
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="pool-table">
          <thead>
            <tr>
              {manager && (
                <th className="check">
                  <input
                    type="checkbox"
                    aria-label={t('selectAll')}
                    checked={allChecked}
                    onChange={() => setSelected(allChecked ? [] : visible.map((r) => r.id))}
                  />
                </th>
              )}
              <th className="num">{t('scoreShort')}</th>
              <th>{fieldTitle(policy.entity.titleField ?? 'name')}</th>
              {columns.map((f) => (
                <th key={f}>{fieldTitle(f)}</th>
              ))}
              <th>{t('tags')}</th>
              {scope === 'all' && <th>{t('state')}</th>}
              {scope === 'all' && <th>{t('ownerColumn')}</th>}
              <th>{t('inPool', words)}</th>
              <th>{t('releasedBecause')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr
                key={r.id}
                data-testid="pool-row"
                data-id={r.id}
                data-score={r.score}
                className={selected.includes(r.id) ? 'selected' : ''}
              >
                {manager && (
                  <td className="check">
                    <input
                      type="checkbox"
                      aria-label={recordTitle(r, policy.entity.titleField)}
                      checked={selected.includes(r.id)}
                      onChange={() => toggle(r.id)}
                      data-testid="row-check"
                    />
                  </td>
                )}
                <td className="num score" data-testid="score">
                  {Math.round(r.score)}
                </td>
                <td>
                  <RecordLink record={r} />
                </td>
                {columns.map((f) => (
                  <td key={f}>
                    <FieldValue record={r} field={f} />
                  </td>
                ))}
                <td>
                  <Tags tags={r.tags} />
                </td>
                {scope === 'all' && (
                  <td>
                    <span className={r.pooled ? 'badge pool' : 'badge'}>{stateLabel(r.state)}</span>
                  </td>
                )}
                {scope === 'all' && (
                  <td data-testid="owner-cell">
                    {r.ownerId ? userName(r.ownerId) : <span className="muted">—</span>}
                  </td>
                )}
                <td className="nowrap">
                  {r.pooled && r.enteredStateAt ? (
                    <>
                      {t('daysCount', { days: daysBetween(r.enteredStateAt, now()) })}
                      {r.poolEntries > 1 && (
                        <span className="muted">
                          {' '}
                          · {t('entriesCount', { ...words, count: r.poolEntries })}
                        </span>
                      )}
                    </>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>
                  <ReleaseReason record={r} />
                </td>
                <td className="actions">
                  {r.pooled && (
                    <ClaimButton
                      record={r}
                      busy={busy !== null}
                      ownedCapacity={list.limits?.ownedCapacity}
                      onClaim={() => void claimOne(r)}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.items?.length === 0 && !list.loading && (
          <p className="empty muted" data-testid="pool-empty">
            {t('poolEmpty')}
          </p>
        )}
        {list.loading && <p className="muted empty">…</p>}
      </div>
      {list.more && !list.loading && (
        <button type="button" className="btn" onClick={list.loadMore} data-testid="load-more">
          {t('loadMore')}
        </button>
      )}
      {notice.element}
    </div>
  );
}
