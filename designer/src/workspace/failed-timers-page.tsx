// Failed timers of a pool, for its managers: which record's timer could not run, why in plain words,
// how often it was tried and when it is tried next (or that it is parked), with a Retry per row.
import { useCallback, useEffect, useState } from 'react';
import { serverNow } from '../api/pools.api.js';
import { getRecord, shortRecordId } from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import {
  FAILED_TIMERS_LIMIT,
  listFailedTimers,
  retryFailedTimer,
  type FailedTimer,
} from '../api/timers.api.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { formatDateTime, formatDuration } from './format.js';
import { useNotice } from './notice.js';
import { RecordIdLink, recordTitle } from './record-cells.js';
import { timerLabel } from './timer-label.js';
import { useWorkspace } from './workspace-context.js';
import { cellLabels } from '../pages/cell-labels.js';

/** Records whose titles are fetched (one GET each); further rows show the record's short id. */
const TITLED_RECORDS = 25;

const EXPLAINED = new Set([
  'POOL_ERR_INVALID_DELAY',
  'POOL_ERR_RULE_BUDGET',
  'POOL_ERR_TIMER_LOOP',
  'POOL_ERR_INVALID_PAYLOAD',
]);

/** The error in plain words: known codes have their own sentence, anything else a general one. */
export function timerErrorText(code: string, t: I18n['t']): string {
  return t((EXPLAINED.has(code) ? `timerErr_${code}` : 'timerErr_other') as MessageKey);
}

/** "xstate.after.<delay>.<machine>.<state path>" as its delay and state; other keys as they are. */
export function parseTimerKey(key: string): { delay: string; state: string } | null {
  const match = /^xstate\.after\.([^.]+)\.[^.]+\.(.+)$/.exec(key);
  return match ? { delay: match[1], state: match[2] } : null;
}

/** The badge of the tab: the count, "99+" past 99, nothing at zero. */
export function badgeText(count: number | null): string | null {
  if (!count) return null;
  return count > 99 ? '99+' : String(count);
}

export function FailedTimersPage({ onCount }: { onCount?: (count: number) => void }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const { pool, policy, stateLabel, words } = useWorkspace();
  const notice = useNotice();
  const [items, setItems] = useState<FailedTimer[] | null>(null);
  const [titles, setTitles] = useState<Record<string, string>>({});
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // The server's clock read with each list: a demo's manual clock may have moved since the workspace loaded.
  const [clock, setClock] = useState({ server: Date.now(), local: Date.now() });

  const load = useCallback(async () => {
    try {
      const [list, server] = await Promise.all([listFailedTimers(pool.key), serverNow()]);
      setClock({ server, local: Date.now() });
      setItems(list);
      setError(null);
      onCount?.(list.length);
      const ids = [...new Set(list.map((f) => f.recordId))].slice(0, TITLED_RECORDS);
      const found = await Promise.allSettled(ids.map((id) => getRecord(pool.key, id)));
      const next: Record<string, string> = {};
      for (const r of found) {
        if (r.status === 'fulfilled')
          next[r.value.id] = recordTitle(r.value, policy.entity.titleField);
      }
      setTitles(next);
    } catch (e) {
      setError(e);
    }
  }, [pool.key, policy.entity.titleField, onCount]);

  useEffect(() => {
    void load();
  }, [load]);

  const titleOf = (id: string) => titles[id] ?? shortRecordId(id);
  const retry = async (row: FailedTimer) => {
    setBusy(`${row.recordId}/${row.timerKey}`);
    try {
      await retryFailedTimer(row.recordId, row.timerKey);
      notice.show(t('timerRetried', { title: titleOf(row.recordId) }));
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const nextRetry = (row: FailedTimer) => {
    if (row.nextRetryAt === null) return <span className="badge bad">{t('parked')}</span>;
    const left = Date.parse(row.nextRetryAt) - (clock.server + Date.now() - clock.local);
    if (left <= 0) return <span className="badge">{t('retryNow')}</span>;
    // Rounded up: "in 5m" for a retry 4m59s away.
    return (
      <time dateTime={row.nextRetryAt}>
        {formatDateTime(row.nextRetryAt, lang, pool.timeZone)}{' '}
        <span className="muted">({formatDuration(left + 59_999, lang)})</span>
      </time>
    );
  };

  return (
    <div className="failed-timers-page" data-testid="failed-timers-page">
      <div className="page-head">
        <div>
          <h1>{t('failedTimers')}</h1>
          <p className="muted">{t('failedTimersHint')}</p>
        </div>
        <button
          type="button"
          className="btn"
          data-testid="failed-timers-refresh"
          onClick={() => void load()}
        >
          ↻ {t('refresh')}
        </button>
      </div>
      {notice.element}
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      {items === null && error === null && <div className="loading">…</div>}
      {items?.length === 0 && (
        <p className="alert ok" data-testid="failed-timers-empty">
          {t('noFailedTimers', words)}
        </p>
      )}
      {items && items.length > 0 && (
        <div className="table-wrap">
          <table ref={cellLabels} className="data-table" data-testid="failed-timers-table">
            <thead>
              <tr>
                <th>{t('record')}</th>
                <th>{t('timer')}</th>
                <th>{t('problem')}</th>
                <th className="num">{t('attempts')}</th>
                <th>{t('failedAt')}</th>
                <th>{t('nextRetry')}</th>
                <th className="actions" />
              </tr>
            </thead>
            <tbody>
              {items.map((row) => {
                const key = `${row.recordId}/${row.timerKey}`;
                const timer = parseTimerKey(row.timerKey);
                return (
                  <tr
                    key={key}
                    data-testid="failed-timer-row"
                    data-record={row.recordId}
                    data-code={row.error.code}
                    data-attempts={row.attempts}
                  >
                    <td>
                      <RecordIdLink recordId={row.recordId} title={titleOf(row.recordId)} />
                    </td>
                    <td title={row.timerKey}>
                      {timer
                        ? t('timerInState', {
                            delay: timerLabel(timer.delay, t, words),
                            state: stateLabel(timer.state),
                          })
                        : row.timerKey}
                    </td>
                    <td className="timer-error">
                      <div>{timerErrorText(row.error.code, t)}</div>
                      <div className="muted small">
                        <code>{row.error.code}</code> {row.error.message}
                      </div>
                    </td>
                    <td className="num" data-testid="failed-timer-attempts">
                      {row.attempts}
                    </td>
                    <td className="nowrap">
                      <time dateTime={row.failedAt}>
                        {formatDateTime(row.failedAt, lang, pool.timeZone)}
                      </time>
                    </td>
                    <td className="nowrap" data-testid="failed-timer-next">
                      {nextRetry(row)}
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className={row.nextRetryAt === null ? 'btn small primary' : 'btn small'}
                        disabled={busy !== null}
                        onClick={() => void retry(row)}
                        data-testid="failed-timer-retry"
                      >
                        {t('retry')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {items.length >= FAILED_TIMERS_LIMIT && (
            <p className="muted empty">{t('failedTimersMore', { count: FAILED_TIMERS_LIMIT })}</p>
          )}
        </div>
      )}
    </div>
  );
}
