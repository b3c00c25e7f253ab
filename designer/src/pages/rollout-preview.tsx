// One pool's part of the rollout dialog: its dry run in plain words (records, timers, where each
// state goes, problems in red), then its progress once the upgrade runs.
import type { Policy } from '@poolflow/engine';
import type { Pool } from '../api/pools.api.js';
import type { Upgrade, UpgradePreview } from '../api/upgrades.api.js';
import { useI18n } from '../i18n/i18n.js';
import {
  formatCount,
  labelIn,
  previewSentences,
  progressShare,
  progressText,
} from './rollout-text.js';

export function PoolPreview(props: {
  pool: Pool;
  preview: UpgradePreview;
  toVersion: number;
  /** Published documents by version, for state labels. */
  docs: Map<number, Policy>;
}) {
  const { pool, preview, toVersion, docs } = props;
  const i18n = useI18n();
  const { t, text, lang } = i18n;
  const sentences = previewSentences(preview, { from: pool.policyVersion, to: toVersion }, i18n);
  // Records of a pool may sit on several older versions (one that was never rolled out, say).
  const versions = new Set(preview.moves.map((m) => m.fromVersion)).size > 1;
  return (
    <section className="rollout-preview" data-testid="rollout-preview" data-pool={pool.key}>
      <h3>
        {text(pool.name, pool.key)}{' '}
        <span className="muted">
          v{pool.policyVersion} → v{toVersion}
        </span>
      </h3>
      <div className="rollout-summary" data-testid="rollout-summary">
        {sentences.map((line) => (
          <p key={line}>{line}</p>
        ))}
      </div>
      {preview.moves.length > 0 && (
        <>
          <h4>{t('rolloutMoves')}</h4>
          <ul className="rollout-moves" data-testid="rollout-moves">
            {preview.moves.map((m) => (
              <li key={`${m.fromVersion}:${m.fromState}:${m.toState}`}>
                {versions && <span className="muted">v{m.fromVersion} </span>}
                {labelIn(docs.get(m.fromVersion), m.fromState, i18n)} →{' '}
                {labelIn(docs.get(toVersion), m.toState, i18n)}
                {m.fromState === m.toState && <span className="muted"> {t('rolloutStays')}</span>}:{' '}
                <strong>{formatCount(m.records, lang)}</strong>
              </li>
            ))}
          </ul>
        </>
      )}
      {preview.problems.length > 0 && (
        <div className="alert error rollout-problems" data-testid="rollout-problems">
          <strong>{t('rolloutProblems')}</strong>
          <ul>
            {preview.problems.map((p, i) => (
              <li key={i} data-code={p.code}>
                {p.message}
                {p.records !== undefined && (
                  <> ({t('rolloutRecords', { count: formatCount(p.records, lang) })})</>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

export function PoolProgress(props: { pool: Pool; upgrade: Upgrade; toVersion: number }) {
  const { pool, upgrade, toVersion } = props;
  const i18n = useI18n();
  const { t, text } = i18n;
  const name = text(pool.name, pool.key);
  const status =
    upgrade.status === 'running'
      ? t('rolloutRunning')
      : upgrade.status === 'done'
        ? t('rolloutDone', { pool: name, version: toVersion })
        : t('rolloutFailed', { pool: name });
  return (
    <div
      className={`rollout-progress ${upgrade.status}`}
      data-testid="rollout-progress"
      data-pool={pool.key}
      data-status={upgrade.status}
    >
      <div className="rollout-progress-head">
        <strong>{name}</strong>
        <span className="rollout-status">{status}</span>
      </div>
      <div className="progress">
        <div className="progress-bar" style={{ width: `${progressShare(upgrade) * 100}%` }} />
      </div>
      <div className={upgrade.failed > 0 ? 'progress-text bad' : 'progress-text'}>
        {progressText(upgrade, i18n)}
      </div>
    </div>
  );
}
