// Pool upgrades (POST /api/pools/:pool/upgrade, GET /api/pools/:pool/upgrades[/:id]): an admin
// previews moving a pool's running records to a newer policy version, starts it, and watches it.
// Shapes: schemas/api.schema.json `upgradeBody`, `upgradePreview`, `upgradeProblem`, `upgrade`.
import type {
  Upgrade,
  UpgradeBody,
  UpgradePreview,
  UpgradeProblem,
  UpgradeStarted,
} from './api.types.js';
import { api } from './client.js';

// Types generated from schemas/ (api.types.ts).
export type { Upgrade, UpgradePreview, UpgradeProblem, UpgradeStarted };
export type TimersMode = NonNullable<UpgradeBody['timers']>;
export type UpgradeOptions = Omit<UpgradeBody, 'dryRun'>;
export type UpgradeMove = UpgradePreview['moves'][number];

const base = (pool: string) => `/api/pools/${encodeURIComponent(pool)}`;

export function previewUpgrade(pool: string, options: UpgradeOptions): Promise<UpgradePreview> {
  return api('POST', `${base(pool)}/upgrade`, { ...options, dryRun: true });
}

export function startUpgrade(pool: string, options: UpgradeOptions): Promise<UpgradeStarted> {
  return api('POST', `${base(pool)}/upgrade`, options);
}

export function getUpgrade(pool: string, id: string): Promise<Upgrade> {
  return api('GET', `${base(pool)}/upgrades/${encodeURIComponent(id)}`);
}

/** Running records the upgrade would move (those in a state with a problem included). */
export function movingRecords(preview: UpgradePreview): number {
  return preview.total;
}
