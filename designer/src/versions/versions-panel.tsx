// Version history of a policy and a diff between any two versions (or a version and the draft).
import type { Policy } from '@poolflow/engine';
import { useEffect, useMemo, useState } from 'react';
import { getVersion, listVersions, type VersionSummary } from '../api/policies.api.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime } from '../workspace/format.js';
import { DiffView } from './diff-view.js';
import { diffPolicies } from './version-diff.js';

type Side = number | 'draft';

export function VersionsPanel(props: { policy: Policy; refresh: number }) {
  const { policy } = props;
  const { t, lang } = useI18n();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [from, setFrom] = useState<Side | null>(null);
  const [to, setTo] = useState<Side>('draft');
  const [documents, setDocuments] = useState<Record<number, Policy>>({});

  useEffect(() => {
    void listVersions(policy.id).then((items) => {
      setVersions(items);
      const [latest, previous] = items;
      setFrom(previous ? previous.version : latest ? latest.version : null);
      setTo(previous && latest ? latest.version : 'draft');
    });
  }, [policy.id, props.refresh]);

  useEffect(() => {
    for (const side of [from, to]) {
      if (typeof side === 'number' && !documents[side]) {
        void getVersion(policy.id, side).then((v) =>
          setDocuments((d) => ({ ...d, [side]: v.document })),
        );
      }
    }
  }, [from, to, documents, policy.id]);

  const docOf = (side: Side | null) =>
    side === 'draft' ? policy : side === null ? undefined : documents[side];
  const before = docOf(from);
  const after = docOf(to);
  const diff = useMemo(
    () => (before && after ? diffPolicies(before, after, lang) : null),
    [before, after, lang],
  );
  const label = (side: Side) => (side === 'draft' ? t('draft') : `v${side}`);
  const options = [...(versions ?? []).map((v) => v.version as Side), 'draft' as Side];
  const parse = (value: string): Side => (value === 'draft' ? 'draft' : Number(value));

  return (
    <div className="versions" data-testid="versions-panel">
      <div className="versions-list">
        <h4>{t('history')}</h4>
        {versions?.length === 0 && <p className="muted">{t('noVersions')}</p>}
        <ul data-testid="version-list">
          {versions?.map((v) => (
            <li
              key={v.version}
              className={v.forced ? 'version-row forced' : 'version-row'}
              data-testid={`version-${v.version}`}
            >
              <span className="badge ok">v{v.version}</span>
              {v.forced && (
                <span
                  className="badge bad"
                  data-testid="forced-badge"
                  title={t('gateForcedTitle', { count: v.failedScenarios.length })}
                >
                  {t('gateForcedBadge')}
                </span>
              )}
              <span className="version-message">{v.message || '—'}</span>
              <span className="muted">{formatDateTime(v.publishedAt, lang)}</span>
              {v.forced && <ForcedFailures version={v} />}
            </li>
          ))}
        </ul>
      </div>
      <div className="versions-diff">
        <div className="row">
          <h4>{t('compare')}</h4>
          <select
            value={from ?? ''}
            data-testid="diff-from"
            onChange={(e) => setFrom(parse(e.target.value))}
          >
            {from === null && <option value="">—</option>}
            {options.map((o) => (
              <option key={String(o)} value={String(o)}>
                {label(o)}
              </option>
            ))}
          </select>
          <span>→</span>
          <select
            value={String(to)}
            data-testid="diff-to"
            onChange={(e) => setTo(parse(e.target.value))}
          >
            {options.map((o) => (
              <option key={String(o)} value={String(o)}>
                {label(o)}
              </option>
            ))}
          </select>
        </div>
        {diff && from !== null && (
          <>
            <p className="muted">{t('diffTitle', { from: label(from), to: label(to) })}</p>
            <DiffView diff={diff} />
          </>
        )}
      </div>
    </div>
  );
}

/** Under a forced version: the saved scenarios that failed when it was published. */
function ForcedFailures({ version }: { version: VersionSummary }) {
  const { t } = useI18n();
  return (
    <div className="version-forced muted" data-testid="forced-failures">
      {t('gateForcedTitle', { count: version.failedScenarios.length })}:{' '}
      {version.failedScenarios.map((f) => f.scenario.name).join(' · ')}
    </div>
  );
}
