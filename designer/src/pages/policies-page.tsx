// Policy list and template gallery: open a policy, or clone a template into a new one.
import { useEffect, useState } from 'react';
import { listPolicies, type PolicySummary } from '../api/policies.api.js';
import { listPools, type Pool } from '../api/pools.api.js';
import { listTemplates, type Template } from '../api/templates.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { formatDateTime } from '../workspace/format.js';
import { CloneDialog } from './clone-dialog.js';
import { poolsBehind } from './rollout-dialog.js';
import { navigate } from './use-hash-route.js';

export function PoliciesPage() {
  const i18n = useI18n();
  const { t, text, lang } = i18n;
  const [policies, setPolicies] = useState<PolicySummary[] | null>(null);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [pools, setPools] = useState<Pool[]>([]);
  const [cloning, setCloning] = useState<Template | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    listPolicies().then(setPolicies, (e: Error) => setError(e));
    listTemplates().then(setTemplates, (e: Error) => setError(e));
    listPools().then(setPools, () => undefined); // only for the "pools on older versions" hint
  }, []);

  return (
    <main className="page">
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      <section>
        <h1>{t('policies')}</h1>
        <div className="card-grid" data-testid="policy-list">
          {policies?.length === 0 && <p className="muted">{t('noPolicies')}</p>}
          {policies?.map((p) => {
            const behind = poolsBehind(pools, p.id, p.latestVersion).length;
            return (
              <a
                key={p.id}
                className="card policy-card"
                href={`#/policies/${encodeURIComponent(p.id)}`}
                data-testid={`policy-${p.id}`}
              >
                <div className="card-title">{text(p.name, p.id)}</div>
                <code className="muted">{p.id}</code>
                <div className="card-meta">
                  <span className={p.latestVersion > 0 ? 'badge ok' : 'badge'}>
                    {p.latestVersion > 0
                      ? t('latestVersion', { version: p.latestVersion })
                      : t('unpublished')}
                  </span>
                  {behind > 0 && (
                    <span className="badge warn" data-testid="pools-behind">
                      {behind === 1 ? t('poolBehind') : t('poolsBehind', { count: behind })}
                    </span>
                  )}
                  <span className="muted">{formatDateTime(p.updatedAt, lang)}</span>
                </div>
              </a>
            );
          })}
        </div>
      </section>
      <section>
        <h2>{t('templates')}</h2>
        <p className="muted">{t('templatesHint')}</p>
        <div className="card-grid" data-testid="template-gallery">
          {templates.map((tpl) => (
            <div key={tpl.id} className="card template-card" data-testid={`template-${tpl.id}`}>
              <div className="card-title">{text(tpl.document.name, tpl.id)}</div>
              <p className="card-body">{text(tpl.document.description)}</p>
              <div className="card-meta">
                <span className="badge">
                  {Object.keys(tpl.document.machine.states).length} {t('states')}
                </span>
                <span className="badge">
                  {tpl.scenarios.length} {t('scenarios')}
                </span>
              </div>
              <button
                type="button"
                className="btn primary"
                data-testid={`clone-${tpl.id}`}
                onClick={() => setCloning(tpl)}
              >
                {t('clone')}
              </button>
            </div>
          ))}
        </div>
      </section>
      {cloning && (
        <CloneDialog
          template={cloning}
          taken={(policies ?? []).map((p) => p.id)}
          onClose={() => setCloning(null)}
          onCreated={(id) => navigate({ page: 'editor', policyId: id })}
        />
      )}
    </main>
  );
}
