// A pool upgrade's row and its view in the API (GET /api/pools/:pool/upgrades[/:id]).
import type { TimersMode } from '@poolflow/engine';
import type { UpgradeDuplicate } from './upgrade-keys.js';

export interface UpgradeRow {
  id: string;
  pool_key: string;
  policy_id: string;
  to_version: number;
  from_versions: number[];
  state_map: Record<string, string>;
  timers: TimersMode;
  status: 'running' | 'done' | 'failed';
  total: number;
  done: number;
  failed: number;
  duplicates: number;
  started_by: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface UpgradeView {
  id: string;
  pool: string;
  status: UpgradeRow['status'];
  total: number;
  done: number;
  failed: number;
  duplicates: number;
  toVersion: number;
  fromVersions: number[];
  timers: TimersMode;
  stateMap: Record<string, string>;
  startedAt: string;
  finishedAt?: string;
  /** Records that could not move (they stay on their version), at most FAILURES_SHOWN. */
  failures?: { recordId: string; error: { code: string; message: string } }[];
  /** Records that share a unique value with another record (查重), at most DUPLICATES_SHOWN. */
  duplicateRecords?: UpgradeDuplicate[];
}

export function upgradeView(row: UpgradeRow): UpgradeView {
  return {
    id: row.id,
    pool: row.pool_key,
    status: row.status,
    total: row.total,
    done: row.done,
    failed: row.failed,
    duplicates: row.duplicates,
    toVersion: row.to_version,
    fromVersions: row.from_versions,
    timers: row.timers,
    stateMap: row.state_map,
    startedAt: row.started_at.toISOString(),
    ...(row.finished_at ? { finishedAt: row.finished_at.toISOString() } : {}),
  };
}
