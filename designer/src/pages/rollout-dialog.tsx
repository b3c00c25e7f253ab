// "Roll out vN to pools": choose the pools of a policy that run an older version, how their timers
// move and where removed states go, preview each pool's dry run in plain words, then start the
// upgrades and watch their progress.
import type { Policy } from '@poolflow/engine';
import { useEffect, useMemo, useState } from 'react';
import { getVersion } from '../api/policies.api.js';
import { listPools, type Pool } from '../api/pools.api.js';
import {
  getUpgrade,
  movingRecords,
  previewUpgrade,
  startUpgrade,
  type TimersMode,
  type Upgrade,
  type UpgradeOptions,
  type UpgradePreview,
} from '../api/upgrades.api.js';
import { refusalWords } from '../api/refusal-words.js';
import { useI18n } from '../i18n/i18n.js';
import { Dialog } from './dialog.js';
import { PoolPreview, PoolProgress, StateMapping } from './rollout-preview.js';
import { counted, formatCount } from './rollout-text.js';

/** The pools of a policy on a version older than `version`, for the rollout and the policy list. */
export function poolsBehind(pools: Pool[], policyId: string, version: number): Pool[] {
  return pools.filter((p) => p.policyId === policyId && p.policyVersion < version);
}

/**
 * States the dry runs reported as needing a mapping (gone from the new version), per pool. A state
 * stays listed once mapped (the next dry run no longer reports it), so its mapping is still sent.
 */
function mappingNeeds(...runs: Record<string, UpgradePreview>[]): Record<string, string[]> {
  const needs: Record<string, Set<string>> = {};
  for (const previews of runs) {
    for (const [pool, preview] of Object.entries(previews)) {
      for (const p of preview.problems)
        if (p.state !== undefined) (needs[pool] ??= new Set()).add(p.state);
    }
  }
  return Object.fromEntries(Object.entries(needs).map(([pool, states]) => [pool, [...states]]));
}

export function RolloutDialog(props: {
  policyId: string;
  version: number;
  onClose: () => void;
  /** How often a running upgrade is asked for its progress. */
  pollMs?: number;
}) {
  const { policyId, version, onClose, pollMs = 1000 } = props;
  const i18n = useI18n();
  const { t, text, lang } = i18n;
  const [pools, setPools] = useState<Pool[] | null>(null);
  const [docs, setDocs] = useState(new Map<number, Policy>());
  const [counts, setCounts] = useState<Record<string, UpgradePreview>>({});
  const [chosen, setChosen] = useState<string[]>([]);
  const [timers, setTimers] = useState<TimersMode>('recompute');
  const [stateMap, setStateMap] = useState<Record<string, string>>({});
  const [previews, setPreviews] = useState<{
    key: string;
    items: Record<string, UpgradePreview>;
  } | null>(null);
  const [runs, setRuns] = useState<Record<string, Upgrade> | null>(null);
  const [busy, setBusy] = useState(false);
  // The refusal as it came: worded at render, so in the language shown now.
  const [error, setError] = useState<unknown>(null);

  // The pools behind, the documents for state names, and each pool's records (a default dry run).
  // A pool already on the version is listed too while records of it are still on older ones (they
  // failed to move in an earlier rollout, say), so they can be moved again.
  useEffect(() => {
    let live = true;
    const load = async () => {
      const all = await listPools();
      const behind = poolsBehind(all, policyId, version);
      const current = all.filter((p) => p.policyId === policyId && p.policyVersion === version);
      const versions = [version, ...new Set(behind.map((p) => p.policyVersion))];
      const loaded = await Promise.all(versions.map((v) => getVersion(policyId, v)));
      if (!live) return;
      setDocs(new Map(loaded.map((d) => [d.version, d.document])));
      setPools(behind);
      setChosen(behind.map((p) => p.key));
      // One dry run at a time, and none once the dialog is closed: each reads every record of its pool
      // that would move, and a policy's pools may hold millions of them together.
      for (const pool of [...behind, ...current]) {
        let preview: UpgradePreview | undefined;
        let failure: unknown;
        try {
          preview = await previewUpgrade(pool.key, { toVersion: version });
        } catch (e) {
          failure = e;
        }
        if (!live) return;
        if (preview === undefined) {
          // A runtime that refuses an upgrade to the version a pool runs has nothing to offer here.
          if (pool.policyVersion < version) setError(failure);
          continue;
        }
        setCounts((c) => ({ ...c, [pool.key]: preview }));
        if (pool.policyVersion === version && preview.total > 0) {
          setPools((p) => [...(p ?? []), pool]);
          setChosen((c) => [...c, pool.key]);
        }
      }
    };
    load().catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [policyId, version]);

  // Records may sit on versions older than their pool's: fetch those documents for state names.
  useEffect(() => {
    const wanted = [...Object.values(counts), ...Object.values(previews?.items ?? {})].flatMap(
      (p) => [
        ...p.moves.map((m) => m.fromVersion),
        ...p.problems.flatMap((q) => q.fromVersion ?? []),
      ],
    );
    const missing = [...new Set(wanted)].filter((v) => !docs.has(v));
    if (missing.length === 0) return;
    let live = true;
    Promise.all(missing.map((v) => getVersion(policyId, v))).then(
      (loaded) =>
        live &&
        setDocs((d) => new Map([...d, ...loaded.map((l) => [l.version, l.document] as const)])),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [counts, previews, docs, policyId]);

  // Poll the running upgrades until none runs; a failed poll is shown and tried again.
  const running = runs !== null && Object.values(runs).some((r) => r.status === 'running');
  const [pollFailures, setPollFailures] = useState(0);
  useEffect(() => {
    if (!runs || !running) return;
    let live = true;
    const timer = setTimeout(() => {
      const pending = Object.entries(runs).filter(([, r]) => r.status === 'running');
      void Promise.all(pending.map(([pool, r]) => getUpgrade(pool, r.id))).then(
        (next) => {
          if (!live) return;
          const updated = { ...runs };
          pending.forEach(([pool], i) => (updated[pool] = next[i]!));
          setRuns(updated);
          setError(null);
        },
        (e: unknown) => {
          if (!live) return;
          setError(e);
          setPollFailures((n) => n + 1);
        },
      );
    }, pollMs);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [runs, running, pollMs, pollFailures]);

  const [seen, setSeen] = useState<Record<string, UpgradePreview>[]>([]);
  const needs = useMemo(() => mappingNeeds(counts, ...seen), [counts, seen]);
  const removedStates = [...new Set(chosen.flatMap((pool) => needs[pool] ?? []))];
  const optionsFor = (pool: string): UpgradeOptions => {
    const map = Object.fromEntries(
      (needs[pool] ?? []).flatMap((s) => (stateMap[s] ? [[s, stateMap[s]]] : [])),
    );
    return {
      toVersion: version,
      timers,
      ...(Object.keys(map).length > 0 ? { stateMap: map } : {}),
    };
  };
  const choiceKey = JSON.stringify([[...chosen].sort(), timers, stateMap]);
  const fresh = previews?.key === choiceKey;
  const clean = fresh && chosen.every((pool) => (previews.items[pool]?.problems.length ?? 1) === 0);

  const preview = async () => {
    setBusy(true);
    setError(null);
    try {
      const items = await Promise.all(chosen.map((pool) => previewUpgrade(pool, optionsFor(pool))));
      const byPool = Object.fromEntries(chosen.map((p, i) => [p, items[i]]));
      setPreviews({ key: choiceKey, items: byPool });
      setSeen((s) => [...s, byPool]);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const start = async () => {
    setBusy(true);
    setError(null);
    const started: Record<string, Upgrade> = {};
    try {
      for (const pool of chosen) {
        const { id } = await startUpgrade(pool, optionsFor(pool));
        const total = movingRecords(previews!.items[pool]);
        // Shown until the first poll replaces it with the server's own record of the upgrade.
        started[pool] = {
          id,
          status: 'running',
          total,
          done: 0,
          failed: 0,
          toVersion: version,
          startedAt: new Date().toISOString(),
        };
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
      if (Object.keys(started).length > 0) setRuns(started);
    }
  };
  const toggle = (pool: string, on: boolean) =>
    setChosen((c) => (on ? [...c, pool] : c.filter((p) => p !== pool)));
  const recordCount = (pool: Pool, count: number) =>
    t(counted(pool.policyVersion < version ? 'rolloutRecords' : 'rolloutLeftBehind', count), {
      count: formatCount(count, lang),
    });
  const byKey = new Map((pools ?? []).map((p) => [p.key, p]));

  return (
    <Dialog title={t('rolloutTitle', { version })} onClose={onClose} wide>
      <div className="rollout" data-testid="rollout-dialog">
        <p className="muted">{t('rolloutIntro', { version })}</p>
        {runs ? (
          Object.entries(runs).map(([pool, upgrade]) => (
            <PoolProgress
              key={pool}
              pool={byKey.get(pool)!}
              upgrade={upgrade}
              toVersion={version}
              doc={docs.get(version)}
              pools={pools ?? []}
            />
          ))
        ) : (
          <>
            <h4>{t('rolloutPools')}</h4>
            {pools?.length === 0 && (
              <p className="muted" data-testid="rollout-no-pools">
                {t('rolloutNoPools', { version })}
              </p>
            )}
            {pools === null && <p className="muted">…</p>}
            <ul className="rollout-pools">
              {pools?.map((pool) => (
                <li key={pool.key}>
                  <label>
                    <input
                      type="checkbox"
                      checked={chosen.includes(pool.key)}
                      data-testid={`rollout-pool-${pool.key}`}
                      onChange={(e) => toggle(pool.key, e.target.checked)}
                    />
                    <strong>{text(pool.name, pool.key)}</strong>
                    <span className="badge">
                      {t('rolloutRuns', { version: pool.policyVersion })}
                    </span>
                    <span className="muted" data-testid="rollout-pool-count">
                      {counts[pool.key]
                        ? recordCount(pool, movingRecords(counts[pool.key]))
                        : t('rolloutCounting')}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <h4>{t('rolloutTimersMode')}</h4>
            {(['recompute', 'keep'] as const).map((mode) => (
              <label key={mode} className="rollout-choice">
                <input
                  type="radio"
                  name="rollout-timers"
                  checked={timers === mode}
                  data-testid={`rollout-timers-${mode}`}
                  onChange={() => setTimers(mode)}
                />
                {t(mode === 'recompute' ? 'rolloutRecompute' : 'rolloutKeep')}
              </label>
            ))}
            {removedStates.length > 0 && (
              <StateMapping
                states={removedStates}
                stateMap={stateMap}
                onChange={(state, target) => setStateMap((m) => ({ ...m, [state]: target }))}
                toVersion={version}
                docs={docs}
              />
            )}
            {previews &&
              chosen.map(
                (pool) =>
                  previews.items[pool] && (
                    <PoolPreview
                      key={pool}
                      pool={byKey.get(pool)!}
                      preview={previews.items[pool]}
                      toVersion={version}
                      docs={docs}
                    />
                  ),
              )}
            {previews && !fresh && (
              <p className="alert warn" data-testid="rollout-stale">
                {t('rolloutPreviewStale')}
              </p>
            )}
          </>
        )}
        {error !== null && (
          <div className="alert error" data-testid="rollout-error">
            {refusalWords(error, i18n)}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="rollout-close">
            {runs ? t('close') : t('cancel')}
          </button>
          {!runs && (
            <>
              <button
                type="button"
                className="btn"
                disabled={busy || chosen.length === 0}
                data-testid="rollout-preview-button"
                onClick={() => void preview()}
              >
                {t('rolloutPreview')}
              </button>
              <button
                type="button"
                className="btn primary"
                disabled={busy || !clean}
                data-testid="rollout-start"
                onClick={() => void start()}
              >
                {t('rolloutStart')}
              </button>
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}
