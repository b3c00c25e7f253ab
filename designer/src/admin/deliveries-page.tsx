// Webhook deliveries for admins (#/admin/deliveries): each outbox row's status, attempts, last error, next
// attempt and target host, filtered by status, with Retry for a dead or pending one.
import { useCallback, useEffect, useState } from 'react';
import {
  listDeliveries,
  retryDelivery,
  type Delivery,
  type DeliveryStatus,
} from '../api/deliveries.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime } from '../workspace/format.js';
import { PageHead } from './page-head.js';
import { cellLabels } from '../pages/cell-labels.js';

// The page's own strings (the shared message files belong to other pages).
const TEXT = {
  en: {
    title: 'Webhook deliveries',
    hint: 'Webhooks leave after their event commits. A failed one is tried again after 10 s, 30 s, 2 min, 10 min, then hourly; after 8 attempts it is dead until retried here.',
    all: 'All',
    pending: 'Pending',
    delivered: 'Delivered',
    dead: 'Dead',
    target: 'Target',
    status: 'Status',
    attempts: 'Attempts',
    lastError: 'Last error',
    next: 'Next attempt',
    retry: 'Retry',
    refresh: 'Refresh',
    none: 'No deliveries.',
    retried: 'Delivery {id} is due again.',
  },
  zh: {
    title: 'Webhook 投递',
    hint: 'Webhook 在事件提交后发出。失败后依次在 10 秒、30 秒、2 分钟、10 分钟后重试，之后每小时一次；8 次后进入死信，需在此手动重试。',
    all: '全部',
    pending: '待投递',
    delivered: '已投递',
    dead: '死信',
    target: '目标',
    status: '状态',
    attempts: '尝试次数',
    lastError: '最近错误',
    next: '下次尝试',
    retry: '重试',
    refresh: '刷新',
    none: '暂无投递。',
    retried: '投递 {id} 已重新排队。',
  },
};

const FILTERS: (DeliveryStatus | undefined)[] = [undefined, 'pending', 'dead', 'delivered'];

export function DeliveriesPage() {
  const i18n = useI18n();
  const { lang } = i18n;
  const text = TEXT[lang === 'zh' ? 'zh' : 'en'];
  const [status, setStatus] = useState<DeliveryStatus | undefined>(undefined);
  const [items, setItems] = useState<Delivery[] | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setItems(await listDeliveries(status));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [status]);
  useEffect(() => {
    void load();
  }, [load]);

  const retry = async (d: Delivery) => {
    setBusy(d.id);
    try {
      await retryDelivery(d.id);
      setMessage(text.retried.replace('{id}', d.id));
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="deliveries-page" data-testid="deliveries-page">
      <PageHead title={text.title} hint={text.hint}>
        <button type="button" className="btn" onClick={() => void load()}>
          {text.refresh}
        </button>
      </PageHead>
      <nav className="pill-tabs" aria-label={text.status}>
        {FILTERS.map((f) => (
          <button
            type="button"
            key={f ?? 'all'}
            className={f === status ? 'pill active' : 'pill'}
            data-testid={`deliveries-filter-${f ?? 'all'}`}
            onClick={() => setStatus(f)}
          >
            {f ? text[f] : text.all}
          </button>
        ))}
      </nav>
      {error !== null && (
        <p className="error" role="alert">
          {refusalWords(error, i18n)}
        </p>
      )}
      {message && <p role="status">{message}</p>}
      {items && items.length === 0 && <p className="muted">{text.none}</p>}
      {items && items.length > 0 && (
        <table ref={cellLabels} className="data-table" data-testid="deliveries-table">
          <thead>
            <tr>
              <th>{text.target}</th>
              <th>{text.status}</th>
              <th>{text.attempts}</th>
              <th>{text.lastError}</th>
              <th>{text.next}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id} data-testid={`delivery-${d.id}`}>
                <td>
                  {d.target ?? d.type}
                  {d.preset ? <span className="muted"> · {d.preset}</span> : null}
                </td>
                <td>
                  <span className={d.status === 'dead' ? 'badge bad' : 'badge'}>
                    {text[d.status]}
                  </span>
                </td>
                <td>{d.attempts}</td>
                <td className="muted">{d.lastError ?? ''}</td>
                <td>{d.nextAttemptAt ? formatDateTime(d.nextAttemptAt, lang) : ''}</td>
                <td>
                  {d.status !== 'delivered' && (
                    <button
                      type="button"
                      className="btn small"
                      data-testid={`delivery-retry-${d.id}`}
                      disabled={busy === d.id}
                      onClick={() => void retry(d)}
                    >
                      {text.retry}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
