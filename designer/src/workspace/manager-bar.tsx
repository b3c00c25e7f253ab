// Manager tools over the pool view: assign the checked records to someone, and the pool's
// distribution setting (manual, round robin, least loaded) with "distribute now", confirmed with the count.
import { useState } from 'react';
import { distributeNow, setDistribution, type Distribution } from '../api/pools.api.js';
import { assignBulk } from '../api/records.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { getStats } from '../api/stats.api.js';
import { useI18n } from '../i18n/i18n.js';
import { bulkRefusals } from './bulk-refusal.js';
import { useWorkspace } from './workspace-context.js';

export function MemberSelect(props: {
  value: string;
  onChange: (userId: string) => void;
  testId: string;
}) {
  const { t } = useI18n();
  const { policy } = useWorkspace();
  return (
    <select
      aria-label={t('assignTo')}
      data-testid={props.testId}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      <option value="">{t('pickUser')}</option>
      {policy.members.map((m) => (
        <option key={m.userId} value={m.userId}>
          {m.displayName || m.username}
          {m.seniority === 'senior' ? ` · ${t('senior')}` : ''}
        </option>
      ))}
    </select>
  );
}

export function BulkAssignBar(props: {
  selected: string[];
  onDone: (assignedIds: string[], message: string) => void;
  onClear: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, personName, words } = useWorkspace();
  const [userId, setUserId] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const reply = await assignBulk(pool.key, props.selected, userId);
      const about = { assignee: personName(userId), words, timeZone: pool.timeZone };
      const refused = reply.results.flatMap((r) => (r.ok || !r.error ? [] : [r.error]));
      const reason = bulkRefusals(refused, i18n, about);
      const message =
        refused.length === 0
          ? t('bulkAssigned', { count: reply.assigned })
          : t('bulkAssignedSome', {
              count: reply.assigned,
              total: props.selected.length,
              reason,
            });
      props.onDone(
        reply.results.filter((r) => r.ok).map((r) => r.id),
        message,
      );
    } catch (e) {
      // A transient notice: worded once, in the language of the moment.
      props.onDone([], refusalWords(e, i18n, { userName: personName }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <strong>{t('selectedCount', { count: props.selected.length })}</strong>
      <span>{t('assignTo')}</span>
      <MemberSelect value={userId} onChange={setUserId} testId="bulk-user" />
      <button
        type="button"
        className="btn primary"
        disabled={!userId || busy}
        onClick={() => void run()}
        data-testid="bulk-assign"
      >
        {t('assign')}
      </button>
      <button type="button" className="btn link" onClick={props.onClear}>
        {t('clearSelection')}
      </button>
    </div>
  );
}

const DISTRIBUTIONS: Distribution[] = ['manual', 'roundRobin', 'leastLoaded'];

export function DistributionSetting({
  onNotice,
  onDistributed,
}: {
  onNotice: (text: string) => void;
  /** The list changed: records left the pool. */
  onDistributed: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, admin, reload, words } = useWorkspace();
  // A refusal is a transient notice: worded once, in the language of the moment.
  const refused = (e: unknown) => onNotice(refusalWords(e, i18n));
  const [busy, setBusy] = useState(false);
  // The pooled count the manager is asked to confirm (null: not asking).
  const [confirming, setConfirming] = useState<number | null>(null);
  const change = async (next: Distribution) => {
    setBusy(true);
    try {
      await setDistribution(pool.key, next);
      onNotice(t('distributionSaved', { mode: t(`dist_${next}`) }));
      reload();
    } catch (e) {
      refused(e);
    } finally {
      setBusy(false);
    }
  };
  // Every pooled record gets an owner at once: say how many first.
  const ask = async () => {
    setBusy(true);
    try {
      const to = new Date();
      const from = new Date(to.getTime() - 86_400_000);
      const { pooledNow } = await getStats(
        pool.key,
        { from: from.toISOString(), to: to.toISOString() },
        undefined,
      );
      if (pooledNow === 0) onNotice(t('distributeNone', words));
      else setConfirming(pooledNow);
    } catch (e) {
      refused(e);
    } finally {
      setBusy(false);
    }
  };
  const distribute = async () => {
    setBusy(true);
    setConfirming(null);
    try {
      const { assigned } = await distributeNow(pool.key);
      onNotice(t('distributed', { count: assigned }));
      onDistributed();
    } catch (e) {
      refused(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="distribution" data-testid="distribution">
      <label>
        <span className="muted">{t('distribution', words)}</span>{' '}
        <select
          value={pool.distribution}
          disabled={!admin || busy}
          title={admin ? undefined : t('distributionAdminOnly')}
          data-testid="distribution-select"
          onChange={(e) => void change(e.target.value as Distribution)}
        >
          {DISTRIBUTIONS.map((d) => (
            <option key={d} value={d}>
              {t(`dist_${d}`)}
            </option>
          ))}
        </select>
      </label>
      {pool.distribution !== 'manual' && confirming === null && (
        <button
          type="button"
          className="btn small"
          disabled={busy}
          onClick={() => void ask()}
          data-testid="distribute-now"
        >
          {t('distributeNow')}
        </button>
      )}
      {confirming !== null && (
        <span className="distribute-confirm" role="alertdialog" data-testid="distribute-confirm">
          <span>
            {t('distributeConfirm', {
              ...words,
              count: confirming,
              mode: t(`distBy_${pool.distribution}`),
            })}
          </span>{' '}
          <button
            type="button"
            className="btn small primary"
            disabled={busy}
            onClick={() => void distribute()}
            data-testid="distribute-confirm-yes"
          >
            {t('distributeAssign')}
          </button>{' '}
          <button
            type="button"
            className="btn small link"
            onClick={() => setConfirming(null)}
            data-testid="distribute-confirm-cancel"
          >
            {t('cancel')}
          </button>
        </span>
      )}
    </div>
  );
}
