// Manager tools over the pool view: assign the checked records to someone (or, among all records,
// release them to the pool with a reason: a rep who left), and the pool's distribution setting (manual,
// round robin, least loaded) with "distribute now", confirmed with the count.
import { useState } from 'react';
import { distributeNow, setDistribution, type Distribution } from '../api/pools.api.js';
import { assignBulk, releaseBulk, type BulkAssignResult } from '../api/records.api.js';
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
      {/* A disabled user is given no records: not offered. */}
      {policy.members
        .filter((m) => !m.disabled)
        .map((m) => (
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
  /** Offer a release to the pool too (the all-records view: the checked records may be owned). */
  releasable?: boolean;
  onDone: (changedIds: string[], message: string) => void;
  onClear: () => void;
}) {
  const i18n = useI18n();
  const { t } = i18n;
  const { pool, personName, words, stateLabel } = useWorkspace();
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  /** Runs a bulk request and words its outcome: all done, or how many and why the rest were refused. */
  const run = async (
    send: () => Promise<{ done: number; results: BulkAssignResult['results'] }>,
    outcome: {
      all: 'bulkAssigned' | 'bulkReleased';
      some: 'bulkAssignedSome' | 'bulkReleasedSome';
    },
    assignee: string,
  ) => {
    setBusy(true);
    try {
      const { done, results } = await send();
      const about = { assignee, words, timeZone: pool.timeZone, stateLabel };
      const refused = results.flatMap((r) => (r.ok || !r.error ? [] : [r.error]));
      const why = bulkRefusals(refused, i18n, about);
      const message =
        refused.length === 0
          ? t(outcome.all, { ...words, count: done })
          : t(outcome.some, { ...words, count: done, total: props.selected.length, reason: why });
      props.onDone(
        results.filter((r) => r.ok).map((r) => r.id),
        message,
      );
    } catch (e) {
      // A transient notice: worded once, in the language of the moment.
      props.onDone([], refusalWords(e, i18n, { userName: personName }));
    } finally {
      setBusy(false);
    }
  };
  const assign = () =>
    run(
      async () => {
        const reply = await assignBulk(pool.key, props.selected, userId);
        return { done: reply.assigned, results: reply.results };
      },
      { all: 'bulkAssigned', some: 'bulkAssignedSome' },
      personName(userId),
    );
  const release = () =>
    run(
      async () => {
        const reply = await releaseBulk(pool.key, props.selected, reason.trim());
        setReason('');
        return { done: reply.released, results: reply.results };
      },
      { all: 'bulkReleased', some: 'bulkReleasedSome' },
      '',
    );
  return (
    <div className="bulk-bar" data-testid="bulk-bar">
      <strong>{t('selectedCount', { count: props.selected.length })}</strong>
      <span>{t('assignTo')}</span>
      <MemberSelect value={userId} onChange={setUserId} testId="bulk-user" />
      <button
        type="button"
        className="btn primary"
        disabled={!userId || busy}
        onClick={() => void assign()}
        data-testid="bulk-assign"
      >
        {t('assign')}
      </button>
      {props.releasable && (
        <>
          <input
            type="text"
            maxLength={500}
            value={reason}
            placeholder={t('bulkReleaseReason')}
            aria-label={t('bulkReleaseReason')}
            onChange={(e) => setReason(e.target.value)}
            data-testid="bulk-release-reason"
          />
          <button
            type="button"
            className="btn"
            disabled={!reason.trim() || busy}
            onClick={() => void release()}
            data-testid="bulk-release"
          >
            {t('bulkRelease', words)}
          </button>
        </>
      )}
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
