// My records: what I own, soonest release first, with a countdown (red under three days) and the
// events I may send; closed records (won, lost …) on request.
import { useCallback, useEffect, useState } from 'react';
import { getRecord, listRecords, type PoolRecord, type RecordDetail } from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import type { Refusal } from './claim-refusal.js';
import { releaseDue } from './countdown.js';
import { formatDateTime, formatDuration, urgencyOf } from './format.js';
import { RefusalAlert, useNotice } from './notice.js';
import { FieldValue, listFields, RecordLink, recordTitle, Tags } from './record-cells.js';
import { RecordActions } from './record-actions.js';
import { useUncounted } from './event-outcome.js';
import { NewRecordDialog } from './new-record-dialog.js';
import { useWorkspace } from './workspace-context.js';
import { cellLabels } from '../pages/cell-labels.js';

/** Reads every page of a list (my records are bounded by the pool's claim limit). */
async function allMine(pool: string): Promise<PoolRecord[]> {
  const items: PoolRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await listRecords(pool, {
      view: 'mine',
      sort: 'updated',
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** Details (timers, allowed events) for many records, a few requests at a time. */
async function details(pool: string, records: PoolRecord[]): Promise<RecordDetail[]> {
  const out: RecordDetail[] = new Array<RecordDetail>(records.length);
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const i = next++;
      out[i] = await getRecord(pool, records[i].id);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return out;
}

export function MyRecordsPage() {
  const i18n = useI18n();
  const { t, lang, text } = i18n;
  const { pool, pools, policy, now, stateLabel, fieldTitle, words } = useWorkspace();
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<RecordDetail[] | null>(null);
  const [closed, setClosed] = useState<PoolRecord[]>([]);
  const [showClosed, setShowClosed] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [refusal, setRefusal] = useState<(Refusal & { title: string }) | null>(null);
  const notice = useNotice();
  const uncounted = useUncounted();
  // Countdowns move on while the page is open.
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(timer);
  }, []);

  const load = useCallback(async () => {
    try {
      const mine = await allMine(pool.key);
      const active = await details(
        pool.key,
        mine.filter((r) => !r.done),
      );
      const due = (r: RecordDetail) => releaseDue(r, policy)?.dueAt ?? Number.MAX_SAFE_INTEGER;
      setOpen(active.sort((a, b) => due(a) - due(b)));
      setClosed(mine.filter((r) => r.done));
    } catch (e) {
      setError(e);
    }
  }, [pool.key, policy]);
  useEffect(() => {
    void load();
  }, [load]);

  const columns = listFields(policy.entity.schema.properties, policy.entity.titleField, 3);
  const changed = (before: RecordDetail, after: RecordDetail | null, event?: string) => {
    const warning = event ? uncounted(before, after, event) : null;
    if (warning) {
      notice.show(warning, 'warn');
      void load();
      return;
    }
    const title = recordTitle(before, policy.entity.titleField);
    const state = after ? stateLabel(after.state) : '';
    // A kept record moves down the list (soonest release first): say where its release is now.
    const due = after && !after.done ? releaseDue(after, policy) : null;
    notice.show(
      due && due.dueAt > now()
        ? t('updatedKept', {
            ...words,
            title,
            state,
            left: formatDuration(due.dueAt - now(), lang),
          })
        : t('updated', { title, state }),
    );
    void load();
  };

  return (
    <div className="my-records" data-testid="my-records">
      <div className="page-head">
        <div>
          <h1>{t('myRecords')}</h1>
          <p className="muted">{t('myRecordsHint')}</p>
        </div>
        <div className="head-actions">
          {open && (
            <span className="badge" data-testid="mine-count">
              {t('ownedCount', { count: open.length })}
              {policy.claim.maxOwned !== undefined &&
                ` · ${t('ownedLimit', { limit: policy.claim.maxOwned })}`}
            </span>
          )}
          <button
            type="button"
            className="btn primary"
            onClick={() => setCreating(true)}
            data-testid="new-record"
          >
            {t('newRecord')}
          </button>
        </div>
      </div>
      {creating && (
        <NewRecordDialog
          onClose={() => setCreating(false)}
          onDone={(created) => {
            setCreating(false);
            const title = recordTitle(created, policy.entity.titleField);
            const there = pools.find((p) => p.key === created.pool);
            notice.show(
              created.pool === pool.key
                ? t('recordCreated', { title, state: stateLabel(created.state) })
                : t('recordCreatedElsewhere', {
                    title,
                    poolName: there ? text(there.name, there.key) : created.pool,
                  }),
            );
            void load();
          }}
        />
      )}
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      {refusal && <RefusalAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      <div className="table-wrap">
        <table ref={cellLabels} className="data-table" data-testid="mine-table">
          <thead>
            <tr>
              <th>{fieldTitle(policy.entity.titleField ?? 'name')}</th>
              <th>{t('state')}</th>
              <th>{t('releasesIn', words)}</th>
              {columns.map((f) => (
                <th key={f}>{fieldTitle(f)}</th>
              ))}
              <th>{t('tags')}</th>
              <th className="actions">{t('rowActions')}</th>
            </tr>
          </thead>
          <tbody>
            {open?.map((r) => {
              const due = releaseDue(r, policy);
              const left = due ? due.dueAt - now() : null;
              return (
                <tr key={r.id} data-testid="mine-row" data-id={r.id}>
                  <td>
                    <RecordLink record={r} />
                  </td>
                  <td>
                    <span className="badge">{stateLabel(r.state)}</span>
                  </td>
                  <td className="nowrap">
                    {due && left !== null ? (
                      <span
                        className={`countdown ${urgencyOf(left)}`}
                        data-testid="countdown"
                        data-urgency={urgencyOf(left)}
                        title={formatDateTime(due.dueAt, lang, pool.timeZone)}
                      >
                        {left > 0 ? formatDuration(left, lang) : t('dueNow')}
                      </span>
                    ) : (
                      <span className="muted">{t('noRelease')}</span>
                    )}
                  </td>
                  {columns.map((f) => (
                    <td key={f}>
                      <FieldValue record={r} field={f} />
                    </td>
                  ))}
                  <td>
                    <Tags tags={r.tags} />
                  </td>
                  <td>
                    <RecordActions
                      record={r}
                      compact
                      onChanged={(next, event) => changed(r, next, event)}
                      onRefused={(x) =>
                        setRefusal({ ...x, title: recordTitle(r, policy.entity.titleField) })
                      }
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {open === null && error === null && <p className="muted empty">…</p>}
        {open?.length === 0 && <p className="muted empty">{t('mineEmpty', words)}</p>}
      </div>
      {closed.length > 0 && (
        <section className="closed-records">
          <button
            type="button"
            className="btn link"
            onClick={() => setShowClosed(!showClosed)}
            data-testid="toggle-closed"
          >
            {showClosed ? '▾' : '▸'} {t('closedRecords', { count: closed.length })}
          </button>
          {showClosed && (
            <ul className="closed-list">
              {closed.map((r) => (
                <li key={r.id}>
                  <RecordLink record={r} /> <span className="badge">{stateLabel(r.state)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {notice.element}
    </div>
  );
}
