// Parts of the rollout dialog: where the records of removed states go, one pool's dry run in plain
// words (records, timers, where each state goes, problems in red), then its progress.
import type { Policy } from '@poolflow/engine';
import type { Pool } from '../api/pools.api.js';
import type { Upgrade, UpgradePreview } from '../api/upgrades.api.js';
import { useI18n } from '../i18n/i18n.js';
import { PoolRecordLink } from '../workspace/record-cells.js';
import {
  formatCount,
  labelIn,
  mappingTargets,
  previewSentences,
  problemText,
  progressShare,
  progressText,
} from './rollout-text.js';

/** A select per old state the dry runs reported (gone from the new version, or mapped wrongly). */
export function StateMapping(props: {
  states: string[];
  stateMap: Record<string, string>;
  onChange: (state: string, target: string) => void;
  toVersion: number;
  docs: Map<number, Policy>;
}) {
  const { states, stateMap, toVersion, docs } = props;
  const i18n = useI18n();
  const { t } = i18n;
  const toDoc = docs.get(toVersion);
  if (!toDoc) return null;
  // The newest older version that has the state names it.
  const older = [...docs.entries()].filter(([v]) => v !== toVersion).sort(([a], [b]) => b - a);
  return (
    <div className="rollout-mapping" data-testid="rollout-mapping">
      <h4>{t('rolloutMapping', { version: toVersion })}</h4>
      {states.map((state) => {
        const fromDoc = older.find(([, d]) => d.machine.states[state])?.[1];
        return (
          <label key={state} className="field inline">
            <span>{t('rolloutMapState', { state: labelIn(fromDoc, state, i18n) })}</span>
            <select
              value={stateMap[state] ?? ''}
              data-testid={`rollout-map-${state}`}
              onChange={(e) => props.onChange(state, e.target.value)}
            >
              <option value="">{t('rolloutChooseState')}</option>
              {mappingTargets(fromDoc, toDoc, state).map((s) => (
                <option key={s} value={s}>
                  {labelIn(toDoc, s, i18n)}
                </option>
              ))}
            </select>
          </label>
        );
      })}
    </div>
  );
}

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
  // The records' versions: the pool's, or older ones where an earlier rollout left records behind.
  const from = preview.fromVersions?.length
    ? Math.min(...preview.fromVersions)
    : pool.policyVersion;
  const sentences = previewSentences(preview, { from, to: toVersion }, i18n);
  // Records of a pool may sit on several older versions (one that was never rolled out, say).
  const versions = new Set(preview.moves.map((m) => m.fromVersion)).size > 1;
  return (
    <section className="rollout-preview" data-testid="rollout-preview" data-pool={pool.key}>
      <h3>
        {text(pool.name, pool.key)}{' '}
        <span className="muted">
          v{from} → v{toVersion}
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
                {m.fromState === m.toState && (
                  <span className="muted"> {t('rolloutStays')}</span>
                )}: <strong>{formatCount(m.records, lang)}</strong>
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
                {problemText(
                  p,
                  { fromDoc: docs.get(p.fromVersion ?? pool.policyVersion), toVersion },
                  i18n,
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
  // "failed" is a finished upgrade in which some records could not move.
  const status =
    upgrade.status === 'running' ? t('rolloutRunning') : t('rolloutDone', { version: toVersion });
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
      {upgrade.duplicateRecords && upgrade.duplicateRecords.length > 0 && (
        <div className="alert warn" data-testid="rollout-duplicates">
          {t('rolloutDuplicateList')}
          <ul>
            {upgrade.duplicateRecords.map((d) => (
              <li key={`${d.recordId}-${d.field}`}>
                <RecordCode pool={pool.key} recordId={d.recordId} /> {d.field} →{' '}
                <RecordCode pool={d.heldByPool} recordId={d.heldBy} testId="duplicate-holder" />
              </li>
            ))}
          </ul>
        </div>
      )}
      {upgrade.failures && upgrade.failures.length > 0 && (
        <div className="alert error" data-testid="rollout-failures">
          {t('rolloutFailures')}
          <ul>
            {upgrade.failures.map((f) => (
              <li key={f.recordId}>
                <RecordCode pool={pool.key} recordId={f.recordId} /> {f.error.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** A record by the start of its id, linked to its page in the workspace. */
function RecordCode(props: { pool: string; recordId: string; testId?: string | undefined }) {
  return (
    <PoolRecordLink pool={props.pool} recordId={props.recordId} testId={props.testId}>
      <code>{props.recordId.slice(0, 8)}</code>
    </PoolRecordLink>
  );
}
