// Pool upgrades (POST /api/pools/:pool/upgrade, GET /api/pools/:pool/upgrades[/:id]): an admin
// previews moving a pool's running records to a newer policy version, starts it, and watches it.
// Shapes: schemas/api.schema.json `upgradeBody`, `upgradePreview`, `upgradeProblem`, `upgrade`.
import { api } from './client.js';

export type TimersMode = 'recompute' | 'keep';

export interface UpgradeOptions {
  toVersion: number;
  /** Old state -> new state, for states the new version no longer has. */
  stateMap?: Record<string, string>;
  timers?: TimersMode;
}

export interface UpgradeMove {
  fromVersion: number;
  fromState: string;
  toState: string;
  records: number;
}

export interface UpgradeProblem {
  /** state-removed, state-invalid (a mapping that cannot be), timer-error, upgrade-running. */
  code: string;
  message: string;
  /** The old state whose records have the problem: a mapping may fix it. */
  state?: string;
  fromVersion?: number;
  records?: number;
}

/** The dry run's answer: what the upgrade would do, nothing written. */
export interface UpgradePreview {
  moves: UpgradeMove[];
  /** Timers of the moving records, compared with their due times now. */
  timers: { earlier: number; later: number; unchanged: number; added: number; removed: number };
  /** Records with a timer that would be due at once (it runs on the next sweep). */
  dueAtOnce: number;
  /** The same records per delay (a record may count under several). */
  dueAtOnceByDelay?: Record<string, number>;
  problems: UpgradeProblem[];
  /** Running records on older versions. */
  total: number;
  /** The versions those records are on. */
  fromVersions?: number[];
}

export interface Upgrade {
  id: string;
  /** `failed`: finished, but some records could not move (they stay on their version). */
  status: 'running' | 'done' | 'failed';
  total: number;
  /** Records moved (failed ones not included). */
  done: number;
  failed: number;
  toVersion: number;
  failures?: { recordId: string; error: { code: string; message: string } }[];
}

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;

export function previewUpgrade(pool: string, options: UpgradeOptions): Promise<UpgradePreview> {
  return api('POST', `${base(pool)}/upgrade`, { ...options, dryRun: true });
}

export function startUpgrade(pool: string, options: UpgradeOptions): Promise<{ id: string }> {
  return api('POST', `${base(pool)}/upgrade`, options);
}

export function getUpgrade(pool: string, id: string): Promise<Upgrade> {
  return api('GET', `${base(pool)}/upgrades/${encodeURIComponent(id)}`);
}

/** Running records the upgrade would move (those in a state with a problem included). */
export function movingRecords(preview: UpgradePreview): number {
  return preview.total;
}
