// What the publish dialog shows once vN is published: which pools still run an older version, and
// "Roll out vN to pools…" (publishing alone changes no running record).
import { useEffect, useState } from 'react';
import { listPools, type Pool } from '../api/pools.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { poolsBehind } from './rollout-dialog.js';

export function PublishedStep(props: {
  policyId: string;
  version: number;
  onRollout: () => void;
  onClose: () => void;
}) {
  const { policyId, version } = props;
  const i18n = useI18n();
  const { t, text } = i18n;
  const [behind, setBehind] = useState<Pool[] | null>(null);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    listPools().then(
      (pools) => live && setBehind(poolsBehind(pools, policyId, version)),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [policyId, version]);
  return (
    <div data-testid="published-step">
      <p className="alert ok">{t('publishedTitle', { version })}</p>
      {behind?.length === 0 && <p className="muted">{t('publishedNoPools')}</p>}
      {behind && behind.length > 0 && (
        <>
          <p>{t('publishedBehind')}</p>
          <ul className="published-pools" data-testid="published-pools">
            {behind.map((pool) => (
              <li key={pool.key}>
                {text(pool.name, pool.key)}{' '}
                <span className="badge">{t('rolloutRuns', { version: pool.policyVersion })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {error !== null && <div className="alert error">{refusalWords(error, i18n)}</div>}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={props.onClose} data-testid="published-close">
          {t('close')}
        </button>
        {behind && behind.length > 0 && (
          <button
            type="button"
            className="btn primary"
            onClick={props.onRollout}
            data-testid="rollout-offer"
          >
            {t('rolloutOffer', { version })}
          </button>
        )}
      </div>
    </div>
  );
}
