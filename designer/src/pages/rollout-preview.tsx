// Parts of the rollout dialog: where the records of removed states go, one pool's dry run in plain
// words (records, timers, where each state goes, problems in red), then its progress.
import type { Policy } from '@poolflow/engine';
import type { Pool } from '../api/pools.api.js';
import type { Upgrade, UpgradePreview } from '../api/upgrades.api.js';
import { useI18n } from '../i18n/i18n.js';
import { shortRecordId } from '../api/records.api.js';
import { fieldLabelOf } from '../workspace/field-labels.js';
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

/**
 * A pool's upgrade as it runs: the bar, the counts in words, and the records it listed: those that
 * moved sharing a unique value (by that value, with the record that keeps it and its pool; `doc` is the
 * version rolled out, for the field's name) and those that could not move.
 */
export function PoolProgress(props: {
  pool: Pool;
  upgrade: Upgrade;
  toVersion: number;
  doc?: Policy | undefined;
  pools?: readonly Pool[];
}) {
  const { pool, upgrade, toVersion, doc, pools = [] } = props;
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
            {upgrade.duplicateRecords.map((d) => {
              const holderPool = pools.find((p) => p.key === d.heldByPool);
              return (
                <li key={`${d.recordId}-${d.field}`}>
                  <PoolRecordLink pool={pool.key} recordId={d.recordId} testId="duplicate-moved">
                    {d.value ?? shortRecordId(d.recordId)}
                  </PoolRecordLink>
                  {t('rolloutDuplicateField', {
                    field: fieldLabelOf(d.field, doc?.entity.schema.properties[d.field], i18n.lang),
                  })}
                  <PoolRecordLink pool={d.heldByPool} recordId={d.heldBy} testId="duplicate-holder">
                    {t('rolloutDuplicateHolder', {
                      pool: holderPool ? text(holderPool.name, holderPool.key) : d.heldByPool,
                    })}
                  </PoolRecordLink>
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {upgrade.failures && upgrade.failures.length > 0 && (
        <div className="alert error" data-testid="rollout-failures">
          {t('rolloutFailures')}
          <ul>
            {upgrade.failures.map((f) => (
              <li key={f.recordId}>
                <PoolRecordLink pool={pool.key} recordId={f.recordId}>
                  <code>{shortRecordId(f.recordId)}</code>
                </PoolRecordLink>{' '}
                {f.error.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
